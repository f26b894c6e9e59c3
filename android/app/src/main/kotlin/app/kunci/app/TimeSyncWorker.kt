//! Background time sync (point 3): WorkManager runs it about twice a day while the phone is
//! online, so codes stay right after days offline (the core carries the synced time on the boot
//! clock). A failed sync is retried later; it never blocks codes. With the app lock on, the
//! vault's key needs the user, so a run while nobody unlocked Kunci skips quietly (see [Outcome]).
package app.kunci.app

import android.content.Context
import androidx.work.Constraints
import androidx.work.CoroutineWorker
import androidx.work.ExistingPeriodicWorkPolicy
import androidx.work.NetworkType
import androidx.work.PeriodicWorkRequestBuilder
import androidx.work.WorkManager
import androidx.work.WorkerParameters
import app.kunci.KunciException
import java.util.concurrent.TimeUnit

class TimeSyncWorker(context: Context, params: WorkerParameters) : CoroutineWorker(context, params) {
    override suspend fun doWork(): Result = when (sync(applicationContext as KunciApplication)) {
        Outcome.SYNCED -> Result.success()
        Outcome.RETRY -> Result.retry()
        Outcome.FAILED -> Result.failure()
        // Success, not retry: the key stays out of reach until the user opens Kunci, so retries
        // with back-off would only wake the phone for nothing; the next period (or "sync now"
        // after unlocking) tries again, and codes keep the time carried on the boot clock.
        Outcome.SKIPPED -> Result.success()
    }

    /** What one background run did; WorkManager's Result is built from it. */
    enum class Outcome {
        SYNCED, RETRY, FAILED,

        /** Not now: the vault's key needs the user (app lock) or cannot be used (the app then
         *  asks for the recovery passphrase). Nothing was sent to a time server. */
        SKIPPED,
    }

    companion object {
        /** One background sync with the app's sources (the QA ones too): a sync that reached no
         *  agreement is retried later with back-off, anything else from the core is final. */
        suspend fun sync(app: KunciApplication): Outcome = try {
            val ntp = app.qaNtp()
            val vault = app.vault()
            if (vault.isLocked()) {
                Outcome.SKIPPED
            } else {
                if (ntp.isNotEmpty()) vault.syncTimeWith(ntp, app.options().quorum) else vault.syncTime()
                Outcome.SYNCED
            }
        } catch (e: KunciException.TimeSyncFailed) {
            Outcome.RETRY
        } catch (e: KunciException.KeyUnavailable) {
            Outcome.SKIPPED
        } catch (e: KunciException.Locked) {
            Outcome.SKIPPED
        } catch (e: KunciException) {
            Outcome.FAILED
        }

        private const val NAME = "kunci-time-sync"

        fun schedule(context: Context) {
            val request = PeriodicWorkRequestBuilder<TimeSyncWorker>(12, TimeUnit.HOURS)
                .setConstraints(Constraints.Builder().setRequiredNetworkType(NetworkType.CONNECTED).build())
                .build()
            WorkManager.getInstance(context).enqueueUniquePeriodicWork(NAME, ExistingPeriodicWorkPolicy.KEEP, request)
        }
    }
}

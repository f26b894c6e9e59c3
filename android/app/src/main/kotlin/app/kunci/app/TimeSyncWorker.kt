//! Background time sync (point 3): WorkManager runs it about twice a day while the phone is
//! online, so codes stay right after days offline (the core carries the synced time on the boot
//! clock). A failed sync is retried later; it never blocks codes.
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
    override suspend fun doWork(): Result = try {
        (applicationContext as KunciApplication).vault().syncTime()
        Result.success()
    } catch (e: KunciException.TimeSyncFailed) {
        Result.retry()
    } catch (e: KunciException) {
        Result.failure()
    }

    companion object {
        private const val NAME = "kunci-time-sync"

        fun schedule(context: Context) {
            val request = PeriodicWorkRequestBuilder<TimeSyncWorker>(12, TimeUnit.HOURS)
                .setConstraints(Constraints.Builder().setRequiredNetworkType(NetworkType.CONNECTED).build())
                .build()
            WorkManager.getInstance(context).enqueueUniquePeriodicWork(NAME, ExistingPeriodicWorkPolicy.KEEP, request)
        }
    }
}

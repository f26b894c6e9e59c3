//! The process: holds the platform [Services] and the one open vault that the UI and the sync
//! worker share. Tests replace [services] before the first activity starts.
package app.kunci.app

import android.app.Application
import android.content.Context
import android.content.SharedPreferences
import app.kunci.AuthenticatorOptions
import app.kunci.KunciVault
import app.kunci.VaultSetup
import app.kunci.android.AndroidBootClock
import app.kunci.android.KeystoreKeyWrapper
import app.kunci.android.UrlConnectionHttpsDate
import java.io.File
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.sync.Mutex
import kotlinx.coroutines.sync.withLock

class KunciApplication : Application() {
    private val mutex = Mutex()
    private var vault: KunciVault? = null

    private var chosen: Services? = null

    /** The platform; tests call [useServices] before launching an activity. */
    val services: Services get() = chosen ?: defaultServices().also { chosen = it }

    fun useServices(services: Services) {
        chosen = services
    }

    override fun onCreate() {
        super.onCreate()
        // WorkManager is absent under unit tests (no initializer provider): never crash for it.
        runCatching { TimeSyncWorker.schedule(this) }
    }

    private fun defaultServices() = Services(
        dispatcher = Dispatchers.IO,
        bootClock = AndroidBootClock(contentResolver),
        keyWrapper = KeystoreKeyWrapper(requireUserAuth = false),
        https = UrlConnectionHttpsDate(),
        vaultFile = File(noBackupFilesDir, "vault.kunci"),
        documents = { activity -> (activity as MainActivity).documents },
        userAuthenticator = { activity -> BiometricAuthenticator(activity as MainActivity) },
        frameSource = { context -> Camera2FrameSource(context) },
    )

    val prefs: SharedPreferences get() = getSharedPreferences("kunci", Context.MODE_PRIVATE)

    /** QA time sources (settings screen or intent extras); empty: the core's defaults. */
    fun options(): AuthenticatorOptions {
        val base = services.options
        val https = prefs.getString(PREF_QA_HTTPS, "").orEmpty().split(' ', ',', '\n').filter { it.isNotBlank() }
        return base.copy(
            httpsUrls = https.ifEmpty { base.httpsUrls },
            ntpServers = qaNtp().ifEmpty { base.ntpServers },
            quorum = prefs.getInt(PREF_QA_QUORUM, 0).takeIf { it in 1..16 }?.toUInt() ?: base.quorum,
        )
    }

    fun qaNtp(): List<String> = prefs.getString(PREF_QA_NTP, "").orEmpty().split(' ', ',', '\n').filter { it.isNotBlank() }

    /** Opens the vault, creating it under the platform key on first run. */
    suspend fun vault(): KunciVault = mutex.withLock {
        vault ?: run {
            val s = services
            val opened = if (s.vaultFile.exists()) {
                KunciVault.openWithKeyWrapper(setup(), s.keyWrapper, s.dispatcher)
            } else {
                s.vaultFile.parentFile?.mkdirs()
                KunciVault.create(setup(), keyWrapper = s.keyWrapper, dispatcher = s.dispatcher)
            }
            opened.also { vault = it }
        }
    }

    /** Opens the vault with the recovery passphrase (the platform key is gone). */
    suspend fun openWithPassphrase(passphrase: CharArray): KunciVault = mutex.withLock {
        val s = services
        vault?.let { return@withLock it }
        KunciVault.openWithPassphrase(setup(), passphrase, s.dispatcher).also { vault = it }
    }

    /** Where the vault is and what this phone gives it (the QA settings may change the options). */
    private fun setup(): VaultSetup = services.let { VaultSetup(it.vaultFile.path, it.bootClock, it.https, options()) }

    /** Closes the vault (tests; the QA settings reopen it with new sources). */
    suspend fun closeVault() = mutex.withLock {
        vault?.close()
        vault = null
    }

    companion object {
        const val PREF_QA_NTP = "qa_ntp"
        const val PREF_QA_HTTPS = "qa_https"
        const val PREF_QA_QUORUM = "qa_quorum"
        const val PREF_LOCK = "app_lock"
        const val PREF_RECOVERY_SET = "recovery_set"
        const val PREF_RECOVERY_OFFERED = "recovery_offered"
        const val PREF_UNBACKED = "accounts_since_backup"
    }
}

package app.kunci.app

import android.app.Application
import app.kunci.AuthenticatorOptions
import app.kunci.KunciVault
import app.kunci.android.AndroidBootClock
import app.kunci.android.KeystoreKeyWrapper
import app.kunci.android.UrlConnectionHttpsDate
import java.io.File
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.sync.Mutex
import kotlinx.coroutines.sync.withLock

/** Holds the one open vault of the process (the UI and the sync worker share it). */
class KunciApplication : Application() {
    private val lock = Mutex()
    private var vault: KunciVault? = null

    /** HTTPS Date sources beside the core's default NTP servers: another operator, authenticated. */
    private val options = AuthenticatorOptions(
        httpsUrls = listOf("https://www.google.com/", "https://www.cloudflare.com/"),
    )

    override fun onCreate() {
        super.onCreate()
        TimeSyncWorker.schedule(this)
    }

    /** Opens (first run: creates) the vault under a non-exportable Keystore key. */
    suspend fun vault(): KunciVault = lock.withLock {
        vault ?: run {
            val path = File(noBackupFilesDir, "vault.kunci").path
            val wrapper = KeystoreKeyWrapper()
            val clock = AndroidBootClock(contentResolver)
            val https = UrlConnectionHttpsDate()
            val io = Dispatchers.IO
            val opened = if (File(path).exists()) {
                KunciVault.openWithKeyWrapper(path, wrapper, clock, https, options, io)
            } else {
                KunciVault.create(path, null, wrapper, clock, https, options, io)
            }
            opened.also { vault = it }
        }
    }
}

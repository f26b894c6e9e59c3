//! The process: holds the platform [Services] and the one open vault that the UI and the sync
//! worker share, and moves the vault between its two device keys when the app lock is switched
//! (the lock's key needs the user, so a locked phone's worker cannot open the vault). Tests
//! replace [services] before the first activity starts.
package app.kunci.app

import android.app.Application
import android.content.Context
import android.content.SharedPreferences
import app.kunci.AuthenticatorOptions
import app.kunci.DeviceKey
import app.kunci.DeviceKeyState
import app.kunci.KunciException
import app.kunci.KunciVault
import app.kunci.VaultSetup
import app.kunci.android.AndroidBootClock
import app.kunci.android.KeystoreKeyWrapper
import app.kunci.android.UrlConnectionHttpsDate
import java.io.File
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.sync.Mutex
import kotlinx.coroutines.sync.withLock
import kotlinx.coroutines.withContext

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
        keyWrapper = KeystoreKeyWrapper(KeystoreKeyWrapper.ALIAS, requireUserAuth = false),
        userKey = KeystoreKeyWrapper(KeystoreKeyWrapper.ALIAS_USER, requireUserAuth = true),
        https = UrlConnectionHttpsDate(),
        vaultFile = File(noBackupFilesDir, "vault.kunci"),
        documents = { activity -> (activity as MainActivity).documents },
        userAuthenticator = { activity -> BiometricAuthenticator(activity as MainActivity) },
        frameSource = { context -> Camera2FrameSource(context) },
        pictures = BitmapPictureConverter,
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

    /** Whether the app lock is on: the vault's device key then needs the user. */
    val lockOn: Boolean get() = prefs.getBoolean(PREF_LOCK, false)

    /** The device key for a lock setting (default: the current one). */
    fun deviceKey(lock: Boolean = lockOn): DeviceKey = if (lock) services.userKey else services.keyWrapper

    /** Opens the vault, creating it under the everyday key on first run. */
    suspend fun vault(): KunciVault = mutex.withLock {
        vault ?: run {
            val s = services
            val opened = if (s.vaultFile.exists()) {
                withEitherKey { key -> KunciVault.openWithKeyWrapper(setup(), key, s.dispatcher) }
            } else {
                s.vaultFile.parentFile?.mkdirs()
                // A new vault has no lock yet: its key must not wait for a check nobody asked for.
                prefs.edit().putBoolean(PREF_LOCK, false).apply()
                KunciVault.create(setup(), keyWrapper = s.keyWrapper, dispatcher = s.dispatcher)
            }
            opened.also { vault = it }
        }
    }

    /** Unlocks the open vault with the device key (after the user's check when the lock is on). */
    suspend fun unlockWithDeviceKey() {
        val v = vault()
        if (v.isLocked()) withEitherKey { key -> v.also { it.unlockWithKeyWrapper(key) } }
    }

    /**
     * Runs [use] with the key the lock setting names, else with the other key if it still exists:
     * a switch interrupted between the slot swap and the setting leaves the vault under the other
     * key. The switch is then finished when the named key can be used now (the user was just
     * checked, or the lock is off); otherwise (the background worker) it stays for next time.
     */
    private suspend fun withEitherKey(use: suspend (DeviceKey) -> KunciVault): KunciVault {
        val named = deviceKey()
        val first = try {
            return use(named)
        } catch (e: KunciException) {
            if (e !is KunciException.KeyUnavailable && e !is KunciException.WrongPassphrase) throw e
            e
        }
        val other = deviceKey(!lockOn)
        if (withContext(services.dispatcher) { other.state() } == DeviceKeyState.MISSING) throw first
        val v = try {
            use(other)
        } catch (e: KunciException) {
            throw first
        }
        try {
            v.replacePlatformKey(named)
            withContext(services.dispatcher) { other.delete() }
        } catch (e: KunciException) {
            // The named key needs the user and nobody was asked: the next unlock finishes it.
        }
        return v
    }

    /**
     * The app lock, after the user's check: the vault's platform slot moves to the key of the new
     * setting (one transaction in the core), the setting follows, and the key no longer used is
     * deleted from the key store. A failure (no screen lock for a key that needs the user) leaves
     * the vault and the setting as they were.
     */
    suspend fun switchLock(on: Boolean) {
        val v = vault()
        val to = deviceKey(on)
        val from = deviceKey(!on)
        withContext(services.dispatcher) { to.delete() } // a key left by an earlier failed attempt
        try {
            v.replacePlatformKey(to)
        } catch (e: KunciException) {
            withContext(services.dispatcher) { to.delete() }
            throw e
        }
        withContext(services.dispatcher) {
            prefs.edit().putBoolean(PREF_LOCK, on).commit()
            from.delete()
        }
    }

    /** Opens (or unlocks) the vault with the recovery passphrase: the device key is gone. */
    suspend fun openWithPassphrase(passphrase: CharArray): KunciVault = mutex.withLock {
        val s = services
        vault?.let { open ->
            open.unlockWithPassphrase(passphrase)
            return@withLock open
        }
        KunciVault.openWithPassphrase(setup(), passphrase, s.dispatcher).also { vault = it }
    }

    /**
     * After the passphrase opened the vault: a new device key for the lock setting. The lock's key
     * can only be made right after the user's check ([userChecked]); if the phone has no screen
     * lock any more, the vault goes back to the everyday key and the lock is off. Returns whether
     * the lock is still on.
     */
    suspend fun renewDeviceKey(userChecked: Boolean): Boolean {
        if (lockOn) {
            if (!userChecked) return true
            try {
                switchLock(true)
                return true
            } catch (e: KunciException.KeyUnavailable) {
                // No secure lock screen: a key that needs the user cannot be made.
            }
        }
        switchLock(false)
        return false
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

package app.kunci

import kotlinx.coroutines.CoroutineDispatcher
import kotlinx.coroutines.withContext

/**
 * The app's view of one open vault: every core call is blocking (SQLite, Argon2id in open /
 * unlock / passphrase changes / encrypted import-export, the network in sync), so each runs on
 * [dispatcher] (Android: `Dispatchers.IO`; tests: any). This is the one place the bindings'
 * blocking calls are wrapped; call the [Authenticator] directly only off the main thread.
 * Failures are [KunciException]s: show `e.message` (the core's sentence) and act on [action].
 *
 * Owns the [Authenticator]: [close] releases it (later calls throw `IllegalStateException`).
 */
class KunciVault(
    val authenticator: Authenticator,
    private val dispatcher: CoroutineDispatcher,
) : AutoCloseable {

    private suspend fun <T> io(block: Authenticator.() -> T): T = withContext(dispatcher) { authenticator.block() }

    suspend fun accounts(): List<AccountInfo> = io { accounts() }
    suspend fun search(query: String): List<AccountInfo> = io { search(query) }
    suspend fun codes(): CodeList = io { codes() }
    suspend fun timeNow(): TimeInfo = io { timeNow() }

    suspend fun enrollUri(uri: String, onConflict: OnConflict = OnConflict.REJECT): EnrollReport =
        io { enrollUri(uri, onConflict) }

    /** A screenshot or gallery photo (PNG, JPEG, WebP). */
    suspend fun enrollImage(image: ByteArray, onConflict: OnConflict = OnConflict.REJECT): EnrollReport =
        io { enrollImage(image, onConflict) }

    /** A camera frame; `NotAQrCode` means "keep scanning". */
    suspend fun enrollFrame(frame: LumaFrame, onConflict: OnConflict = OnConflict.REJECT): EnrollReport =
        io { frame.enrollInto(this, onConflict) }

    /** HOTP: advances the counter (saved first) and returns the new code. */
    suspend fun nextCode(id: Long): String = io { nextCode(id) }
    suspend fun rename(id: Long, issuer: String, name: String): AccountInfo = io { rename(id, issuer, name) }
    suspend fun remove(id: Long) = io { remove(id) }
    suspend fun move(id: Long, position: Long) = io { moveAccount(id, position) }

    /** Syncs with the configured sources (a few seconds at most). */
    suspend fun syncTime(): SyncResult = io { syncTime() }
    suspend fun syncTimeWith(ntpServers: List<String>, quorum: UInt): SyncResult = io { syncTimeWith(ntpServers, quorum) }

    suspend fun importFile(bytes: ByteArray, format: ImportFormat? = null, password: String? = null): ImportReport =
        io { importFile(bytes, format, password) }

    /** `URIS` and `AEGIS` without a password are not encrypted: warn the user first. */
    suspend fun exportFile(format: ExportFormat, password: String? = null): ByteArray = io { exportFile(format, password) }

    /** Time facts for a helpdesk ticket (`json` holds them as one JSON object). */
    suspend fun diagnostics(timeZone: String, utcOffsetSeconds: Int): Diagnostics =
        io { diagnostics(timeZone, utcOffsetSeconds) }

    /** Forgets the key; calls fail with `Locked` until [unlockWithPassphrase] or [unlockWithKeyWrapper]. */
    suspend fun lock() = io { lock() }

    /** Argon2id: about a second on a phone. */
    suspend fun unlockWithPassphrase(passphrase: String) = io { unlockWithPassphrase(passphrase) }
    suspend fun unlockWithKeyWrapper(keyWrapper: KeyWrapper) = io { unlockWithKeyWrapper(keyWrapper) }

    /** Adds a recovery passphrase beside the platform key (Argon2id). */
    suspend fun addPassphrase(passphrase: String) = io { addPassphrase(passphrase) }
    suspend fun changePassphrase(old: String, new: String) = io { changePassphrase(old, new) }
    suspend fun addPlatformKey(keyWrapper: KeyWrapper) = io { addPlatformKey(keyWrapper) }

    override fun close() = authenticator.close()

    companion object {
        /** Creates a vault with a passphrase slot, a platform slot, or both. */
        suspend fun create(
            path: String,
            passphrase: String?,
            keyWrapper: KeyWrapper?,
            bootClock: BootClock,
            https: HttpsDate? = null,
            options: AuthenticatorOptions = AuthenticatorOptions(),
            dispatcher: CoroutineDispatcher,
        ): KunciVault = withContext(dispatcher) {
            KunciVault(Authenticator.create(path, passphrase, keyWrapper, bootClock, https, options), dispatcher)
        }

        suspend fun openWithKeyWrapper(
            path: String,
            keyWrapper: KeyWrapper,
            bootClock: BootClock,
            https: HttpsDate? = null,
            options: AuthenticatorOptions = AuthenticatorOptions(),
            dispatcher: CoroutineDispatcher,
        ): KunciVault = withContext(dispatcher) {
            KunciVault(Authenticator.openWithKeyWrapper(path, keyWrapper, bootClock, https, options), dispatcher)
        }

        suspend fun openWithPassphrase(
            path: String,
            passphrase: String,
            bootClock: BootClock,
            https: HttpsDate? = null,
            options: AuthenticatorOptions = AuthenticatorOptions(),
            dispatcher: CoroutineDispatcher,
        ): KunciVault = withContext(dispatcher) {
            KunciVault(Authenticator.openWithPassphrase(path, passphrase, bootClock, https, options), dispatcher)
        }

        /** The Rust core's version, for an About screen and bug reports. */
        val coreVersion: String get() = kunciVersion()
    }
}

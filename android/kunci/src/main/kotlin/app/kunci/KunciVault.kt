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
 * Passphrases and passwords are `CharArray`s: each call encodes its own UTF-8 copy for the core
 * and wipes that copy; the caller wipes its array when it no longer needs it (issue 17).
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

    suspend fun importFile(bytes: ByteArray, format: ImportFormat? = null, password: CharArray? = null): ImportReport =
        io { withUtf8(password) { importFile(bytes, format, it) } }

    /**
     * One or several files (the QR pictures of one Google export together); [format] is a name
     * from `importFormats()` or null to detect it; [allowCostlyKdf] after the user confirmed a
     * `ConfirmationRequired` error; [cancel] stops a long key derivation from another thread.
     */
    suspend fun importFiles(
        files: List<ByteArray>,
        format: String? = null,
        password: CharArray? = null,
        allowCostlyKdf: Boolean = false,
        cancel: ImportCancel? = null,
    ): ImportReport = io { withUtf8(password) { importFiles(files, format, it, allowCostlyKdf, cancel) } }

    /** `URIS` and `AEGIS` without a password are not encrypted: warn the user first. */
    suspend fun exportFile(format: ExportFormat, password: CharArray? = null): ByteArray =
        io { withUtf8(password) { exportFile(format, it) } }

    /**
     * One account's `otpauth://` QR code as a PNG (a per-account transfer screen that FreeOTP can
     * scan). It holds the secret: show it, never save it.
     */
    suspend fun accountQrPng(id: Long, modulePx: UInt = 6u): ByteArray = io { accountQrPng(id, modulePx) }

    /** Time facts for a helpdesk ticket (`json` holds them as one JSON object). */
    suspend fun diagnostics(timeZone: String, utcOffsetSeconds: Int): Diagnostics =
        io { diagnostics(timeZone, utcOffsetSeconds) }

    /** Forgets the key; calls fail with `Locked` until [unlockWithPassphrase] or [unlockWithKeyWrapper]. */
    /** What may make a portal refuse codes, most urgent first (for one account, or all). */
    suspend fun doctor(accountId: Long? = null): List<DoctorFinding> = io { doctor(accountId) }

    suspend fun lock() = io { lock() }

    /** Argon2id: about a second on a phone. */
    suspend fun unlockWithPassphrase(passphrase: CharArray) = io { withUtf8(passphrase) { unlockWithPassphrase(it!!) } }
    suspend fun unlockWithKeyWrapper(keyWrapper: KeyWrapper) = io { unlockWithKeyWrapper(keyWrapper) }

    /** Adds a recovery passphrase beside the platform key (Argon2id). */
    suspend fun addPassphrase(passphrase: CharArray) = io { withUtf8(passphrase) { addPassphrase(it!!) } }
    suspend fun changePassphrase(old: CharArray, new: CharArray) = io { withUtf8(old, new) { o, n -> changePassphrase(o, n) } }
    suspend fun addPlatformKey(keyWrapper: KeyWrapper) = io { addPlatformKey(keyWrapper) }

    /** One platform slot through [keyWrapper] in place of every other (the app lock's key swap). */
    suspend fun replacePlatformKey(keyWrapper: KeyWrapper) = io { replacePlatformKey(keyWrapper) }

    /** Whether the vault key is forgotten ([lock] without an unlock since). */
    suspend fun isLocked(): Boolean = io { isLocked() }

    override fun close() = authenticator.close()

    companion object {
        /**
         * Creates the vault at `setup.path` with a passphrase slot, a platform slot, or both
         * (`VaultSetup(path, bootClock)` takes the default time sources and options).
         */
        suspend fun create(
            setup: VaultSetup,
            passphrase: CharArray? = null,
            keyWrapper: KeyWrapper? = null,
            dispatcher: CoroutineDispatcher,
        ): KunciVault = withContext(dispatcher) {
            val auth = withUtf8(passphrase) { Authenticator.create(setup, it, keyWrapper) }
            KunciVault(auth, dispatcher)
        }

        suspend fun openWithKeyWrapper(
            setup: VaultSetup,
            keyWrapper: KeyWrapper,
            dispatcher: CoroutineDispatcher,
        ): KunciVault = withContext(dispatcher) {
            KunciVault(Authenticator.openWithKeyWrapper(setup, keyWrapper), dispatcher)
        }

        suspend fun openWithPassphrase(
            setup: VaultSetup,
            passphrase: CharArray,
            dispatcher: CoroutineDispatcher,
        ): KunciVault = withContext(dispatcher) {
            val auth = withUtf8(passphrase) { Authenticator.openWithPassphrase(setup, it!!) }
            KunciVault(auth, dispatcher)
        }

        /** The Rust core's version, for an About screen and bug reports. */
        val coreVersion: String get() = kunciVersion()
    }
}

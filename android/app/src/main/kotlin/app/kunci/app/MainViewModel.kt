//! The app's state machine: every core call runs off the main thread (KunciVault's dispatcher),
//! every failure is caught here at the boundary and becomes a localized sentence (point 7), and
//! the countdown runs on the boot clock carried from the core's trusted time, never on the wall
//! clock (point 2).
package app.kunci.app

import android.app.Application
import android.net.Uri
import androidx.lifecycle.AndroidViewModel
import androidx.lifecycle.SavedStateHandle
import androidx.lifecycle.viewModelScope
import app.kunci.AccountInfo
import app.kunci.CodeInfo
import app.kunci.CodeTicker
import app.kunci.DeviceKeyState
import app.kunci.EnrollReport
import app.kunci.KunciException
import app.kunci.KunciVault
import app.kunci.LumaFrame
import app.kunci.OnConflict
import app.kunci.android.SensitiveClipboard
import java.util.concurrent.atomic.AtomicBoolean
import kotlinx.coroutines.CancellationException
import kotlinx.coroutines.delay
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.update
import kotlinx.coroutines.launch
import kotlinx.coroutines.withContext

class MainViewModel(app: Application, private val saved: SavedStateHandle) : AndroidViewModel(app) {
    private val kunci = app as KunciApplication
    private val services = kunci.services
    private val state = MutableStateFlow(
        UiState(
            screen = saved.get<String>(KEY_SCREEN)?.let { runCatching { Screen.valueOf(it) }.getOrNull() } ?: Screen.CODES,
            query = saved.get<String>(KEY_QUERY).orEmpty(),
            pasted = saved.get<String>(KEY_PASTED).orEmpty(),
            manual = ManualForm(
                issuer = saved.get<String>(KEY_ISSUER).orEmpty(),
                account = saved.get<String>(KEY_ACCOUNT).orEmpty(),
            ),
            locked = kunci.prefs.getBoolean(KunciApplication.PREF_LOCK, false),
            bootNowMs = bootMs(),
        ),
    )
    val ui: StateFlow<UiState> = state
    private val scanning = AtomicBoolean(false)
    private val refreshStarted = java.util.concurrent.atomic.AtomicLong(0)
    private var refreshApplied = 0L
    private var backgroundAtMs: Long? = null

    init {
        if (!state.value.locked) launchSafely { refresh() }
        viewModelScope.launch {
            while (true) {
                delay(TICK_MS)
                tick()
            }
        }
    }

    private fun bootMs(): Long = runCatching { services.bootClock.elapsedMs() }.getOrDefault(0L)

    private suspend fun vault(): KunciVault = kunci.vault()

    /** Runs `block` on the main scope; whatever it throws becomes a sentence, never a crash. */
    private fun launchSafely(block: suspend () -> Unit) = viewModelScope.launch {
        try {
            block()
        } catch (e: CancellationException) {
            throw e
        } catch (e: KunciException.KeyUnavailable) {
            // The device key cannot open the vault: ask for the user, or for the passphrase.
            keyUnavailable()
        } catch (e: Throwable) {
            // The kind of failure and where, for `adb logcat` (never a secret: core errors carry
            // only their user sentence, and no input is logged).
            if (e !is KunciException) android.util.Log.w(TAG, "unexpected failure", e)
            state.update { it.copy(message = errorText(e)) }
        }
    }

    /** Reloads codes and accounts. Refreshes can overlap (the first one at start-up and the one
     *  after a deep-link enrollment): a refresh that started earlier never overwrites a later one,
     *  or the list would lose the account just added. */
    suspend fun refresh() {
        val seq = refreshStarted.incrementAndGet()
        val v = vault()
        val list = v.codes()
        val accounts = v.accounts()
        val boot = bootMs()
        synchronized(refreshStarted) {
            if (seq < refreshApplied) return
            refreshApplied = seq
            state.update { it.copy(ready = true, list = list, listAtBootMs = boot, bootNowMs = boot, accounts = accounts) }
        }
    }

    /** Every [TICK_MS]: advance the countdown on the boot clock; fetch new codes at a step's end. */
    private suspend fun tick() {
        val now = bootMs()
        state.update { it.copy(bootNowMs = now) }
        val s = state.value
        val list = s.list ?: return
        if (!s.locked && CodeTicker.needsRefresh(list, s.trustedNowMs)) runCatching { refresh() }
    }

    // Navigation ----------------------------------------------------------------------------

    fun go(screen: Screen, selected: Long? = state.value.selected) {
        saved[KEY_SCREEN] = screen.name
        // Leaving the transfer screen any way (back included) drops its picture: it holds a secret.
        // Another account's doctor findings must not show, even for a moment, on this one's help.
        state.update { s ->
            s.copy(
                screen = screen, selected = selected, report = null,
                transferPng = s.transferPng.takeIf { screen == Screen.TRANSFER },
                findings = s.findings.takeIf { selected == s.selected },
            )
        }
        if (screen == Screen.DIAGNOSTICS || screen == Screen.HELP) loadDiagnostics()
        if (screen == Screen.HELP) loadFindings()
    }

    /** The doctor's findings for the account on the help screen (again after a sync or a delete).
     *  An answer that arrives after the user moved to another account is dropped, not shown there. */
    fun loadFindings() = launchSafely {
        val account = state.value.selected
        val findings = vault().doctor(account)
        state.update { if (it.selected == account) it.copy(findings = findings) else it }
    }

    fun back() = go(if (state.value.screen == Screen.MANUAL || state.value.screen == Screen.SCAN) Screen.ADD else Screen.CODES)

    fun dismissMessage() = state.update { it.copy(message = null, sync = null) }

    // Codes -----------------------------------------------------------------------------------

    fun search(query: String) {
        saved[KEY_QUERY] = query
        state.update { it.copy(query = query) }
    }

    fun filterGroup(group: String?) = state.update { it.copy(group = group) }

    fun copy(code: CodeInfo) {
        val s = state.value
        try {
            val shown = CodeTicker.codeToShow(code, s.trustedNowMs, LOOKAHEAD_MS)
            SensitiveClipboard(getApplication()).copy(code.issuer, shown, ClipboardPolicyHolder.policy.clearDelayMs(code, s.trustedNowMs))
            state.update { it.copy(message = text(R.string.copied)) }
        } catch (e: RuntimeException) {
            state.update { it.copy(message = errorText(e)) }
        }
    }

    fun copiedText() = state.update { it.copy(message = text(R.string.copied_text)) }

    fun nextCode(id: Long) = launchSafely {
        vault().nextCode(id)
        refresh()
    }

    fun rename(id: Long, issuer: String, name: String) = launchSafely {
        vault().rename(id, issuer.trim(), name.trim())
        refresh()
        state.update { it.copy(message = text(R.string.saved)) }
    }

    fun saveDetails(id: Long, issuer: String, name: String, notes: String, group: String) = launchSafely {
        val v = vault()
        withContext(services.dispatcher) {
            v.authenticator.rename(id, issuer.trim(), name.trim())
            v.authenticator.setNotes(id, notes)
            v.authenticator.setGroup(id, group.trim().ifEmpty { null })
        }
        refresh()
        go(Screen.CODES)
        state.update { it.copy(message = text(R.string.saved)) }
    }

    fun move(id: Long, delta: Int) = launchSafely {
        val ids = state.value.accounts.sortedBy { it.position }.map { it.id }
        val target = (ids.indexOf(id) + delta).coerceIn(0, ids.size - 1)
        vault().move(id, target.toLong())
        refresh()
    }

    fun askDelete(id: Long?) = state.update { it.copy(confirmDelete = id) }

    fun delete(id: Long) = launchSafely {
        state.update { it.copy(confirmDelete = null) }
        vault().remove(id)
        refresh()
        go(Screen.CODES, null)
        state.update { it.copy(message = text(R.string.deleted)) }
    }

    // Enroll ----------------------------------------------------------------------------------

    fun setPasted(value: String) {
        saved[KEY_PASTED] = value
        state.update { it.copy(pasted = value) }
    }

    fun enrollUri(uri: String, onConflict: OnConflict = OnConflict.REJECT) = launchSafely {
        val trimmed = uri.trim()
        if (!trimmed.startsWith("otpauth://", true) && !trimmed.startsWith("otpauth-migration://", true)) {
            state.update { it.copy(message = text(R.string.error_not_otpauth)) }
            return@launchSafely
        }
        enroll(PendingEnroll.Uri(trimmed)) { vault().enrollUri(trimmed, onConflict) }
    }

    /** A screenshot or photo from the document picker. */
    fun enrollImage(uri: Uri) = launchSafely {
        val bytes = withContext(services.dispatcher) {
            getApplication<Application>().contentResolver.openInputStream(uri)?.use { it.readBytes() }
        } ?: throw java.io.IOException("no stream")
        enrollImageBytes(bytes, OnConflict.REJECT)
    }

    /**
     * A picture the core calls unreadable (a HEIF photo from the camera, a GIF, a photo over its
     * pixel cap) is opened once by the platform, downscaled, and enrolled from that; if the
     * platform cannot open it either, the core's explanation stands.
     */
    private suspend fun enrollImageBytes(bytes: ByteArray, onConflict: OnConflict) {
        try {
            enroll(PendingEnroll.Image(bytes)) { vault().enrollImage(bytes, onConflict) }
        } catch (e: KunciException.UnreadableImage) {
            val converter = services.pictures ?: throw e
            val converted = withContext(services.dispatcher) { converter.convert(bytes, CONVERTED_SIDE) } ?: throw e
            enroll(PendingEnroll.Image(converted)) { vault().enrollImage(converted, onConflict) }
        }
    }

    /** Runs an enrollment; a duplicate asks the user, a report is shown, a first account is guided. */
    private suspend fun enroll(pending: PendingEnroll, call: suspend () -> EnrollReport) {
        val hadAccounts = state.value.accounts.isNotEmpty()
        val report = try {
            call()
        } catch (e: KunciException.DuplicateAccount) {
            state.update { it.copy(duplicate = pending) }
            return
        }
        afterEnroll(report, hadAccounts)
    }

    private suspend fun afterEnroll(report: EnrollReport, hadAccounts: Boolean) {
        refresh()
        val added = report.added.size
        val unbacked = kunci.prefs.getInt(KunciApplication.PREF_UNBACKED, 0) + added
        kunci.prefs.edit().putInt(KunciApplication.PREF_UNBACKED, unbacked).apply()
        val offerRecovery = !kunci.prefs.getBoolean(KunciApplication.PREF_RECOVERY_SET, false) &&
            !kunci.prefs.getBoolean(KunciApplication.PREF_RECOVERY_OFFERED, false)
        val batch = report.batch
        val first = report.added.firstOrNull()
        val screen = when {
            batch != null && batch.index + 1u < batch.size -> if (state.value.screen == Screen.SCAN) Screen.SCAN else Screen.ADD
            !hadAccounts && first != null -> Screen.GUIDED
            else -> Screen.CODES
        }
        saved[KEY_SCREEN] = screen.name
        state.update {
            it.copy(
                screen = screen, report = report, guidedId = first?.id, pasted = "", manual = ManualForm(),
                askRecovery = offerRecovery && screen == Screen.CODES, backupReminder = unbacked >= BACKUP_REMINDER_AFTER,
            )
        }
        saved[KEY_PASTED] = ""
    }

    fun resolveDuplicate(choice: OnConflict?) {
        val pending = state.value.duplicate ?: return
        state.update { it.copy(duplicate = null) }
        if (choice == null) return
        when (pending) {
            is PendingEnroll.Uri -> enrollUri(pending.uri, choice)
            is PendingEnroll.Image -> launchSafely { enrollImageBytes(pending.bytes, choice) }
            PendingEnroll.Frame -> state.update { it.copy(cameraOnConflict = choice) }
        }
    }

    /** A camera frame (any thread); frames are dropped while one is being read. */
    fun onFrame(frame: LumaFrame) {
        if (!scanning.compareAndSet(false, true)) return
        launchSafely {
            try {
                val onConflict = state.value.cameraOnConflict
                val hadAccounts = state.value.accounts.isNotEmpty()
                val report = vault().enrollFrame(frame, onConflict)
                state.update { it.copy(cameraOnConflict = OnConflict.REJECT) }
                afterEnroll(report, hadAccounts)
            } catch (e: KunciException.NotAQrCode) {
                // Keep scanning: most frames hold no code.
            } catch (e: KunciException.DuplicateAccount) {
                state.update { it.copy(duplicate = PendingEnroll.Frame) }
            } catch (e: KunciException.InvalidInput) {
                state.update { it.copy(message = text(R.string.error_not_authenticator_qr)) }
            } finally {
                scanning.set(false)
            }
        }
    }

    fun cameraUnavailable() = state.update { it.copy(message = text(R.string.error_camera)) }

    /** End of the guided first code: now offer the recovery passphrase. */
    fun finishGuided() {
        go(Screen.CODES)
        if (!kunci.prefs.getBoolean(KunciApplication.PREF_RECOVERY_SET, false)) state.update { it.copy(askRecovery = true) }
    }

    fun updateManual(form: ManualForm) {
        saved[KEY_ISSUER] = form.issuer
        saved[KEY_ACCOUNT] = form.account
        // The secret is never put in the saved state: Android may write that bundle to disk.
        state.update { it.copy(manual = form) }
    }

    fun submitManual() {
        val form = state.value.manual
        val errors = ManualEntry.validate(form)
        state.update { it.copy(manual = form.copy(errors = errors)) }
        if (errors.isNotEmpty()) return
        val uri = ManualEntry.toUri(form)
        launchSafely {
            try {
                enroll(PendingEnroll.Uri(uri)) { vault().enrollUri(uri, OnConflict.REJECT) }
            } catch (e: KunciException.InvalidInput) {
                state.update { it.copy(manual = form.copy(errors = mapOf("secret" to text(R.string.manual_error_secret_invalid)))) }
            }
        }
    }

    // Time ------------------------------------------------------------------------------------

    fun syncNow() = launchSafely {
        state.update { it.copy(syncing = true, sync = null) }
        try {
            val ntp = kunci.qaNtp()
            val result = if (ntp.isNotEmpty()) {
                vault().syncTimeWith(ntp, kunci.options().quorum.coerceAtLeast(1u))
            } else {
                vault().syncTime()
            }
            val details = result.rejected.map { "${it.source}: ${it.reason}" }
            val line = text(R.string.sync_ok, result.agreeing.toInt(), result.responded.toInt())
            state.update { it.copy(sync = SyncOutcome(true, line, details)) }
        } catch (e: KunciException.TimeSyncFailed) {
            state.update { it.copy(sync = SyncOutcome(false, text(R.string.sync_failed), listOf(e.message ?: ""))) }
        } finally {
            state.update { it.copy(syncing = false) }
            runCatching { refresh() }
            if (state.value.screen == Screen.HELP) {
                loadDiagnostics()
                loadFindings()
            }
        }
    }

    /** QA: time sources for this install (settings screen, or intent extras in debug builds). */
    fun setTimeSources(ntp: String, https: String, quorum: Int) = launchSafely {
        if (quorum !in 1..16) {
            state.update { it.copy(message = text(R.string.qa_quorum_invalid)) }
            return@launchSafely
        }
        kunci.prefs.edit()
            .putString(KunciApplication.PREF_QA_NTP, ntp.trim())
            .putString(KunciApplication.PREF_QA_HTTPS, https.trim())
            .putInt(KunciApplication.PREF_QA_QUORUM, quorum)
            .apply()
        kunci.closeVault()
        refresh()
        state.update { it.copy(message = text(R.string.saved)) }
    }

    // Safety ----------------------------------------------------------------------------------

    /** The lock switch, after the user's check: the vault moves to the key of the new setting. */
    fun setLockEnabled(on: Boolean, userChecked: Boolean) = launchSafely {
        if (!userChecked) {
            state.update { it.copy(message = text(R.string.unlock_failed)) }
            return@launchSafely
        }
        try {
            kunci.switchLock(on)
        } catch (e: KunciException.KeyUnavailable) {
            // Nothing changed; the only usual cause is a phone without a screen lock.
            state.update { it.copy(message = text(if (on) R.string.lock_needs_screen_lock else R.string.lock_switch_failed)) }
            return@launchSafely
        }
        state.update { it.copy(message = text(if (on) R.string.lock_on else R.string.lock_off)) }
    }

    fun lockNow() = launchSafely {
        vault().lock()
        state.update { it.copy(locked = true, list = null) }
    }

    /** After the biometric / device-credential prompt: the lock's key can be used for a moment. */
    fun onAuthenticated(ok: Boolean) = launchSafely {
        if (!ok) {
            state.update { it.copy(message = text(R.string.unlock_failed)) }
            return@launchSafely
        }
        kunci.unlockWithDeviceKey()
        state.update { it.copy(locked = false) }
        refresh()
    }

    /**
     * The device key refused. If it (or the other one, mid-switch) only needs the user, show the
     * lock screen; if it is invalidated or gone, the recovery passphrase is the way in, with a
     * sentence saying why.
     */
    private suspend fun keyUnavailable() {
        val (named, other) = withContext(services.dispatcher) { kunci.deviceKey().state() to kunci.deviceKey(!kunci.lockOn).state() }
        if (named == DeviceKeyState.NEEDS_USER || other == DeviceKeyState.NEEDS_USER) {
            state.update { it.copy(locked = true, list = null, message = text(R.string.unlock_failed)) }
            return
        }
        val why = if (named == DeviceKeyState.INVALIDATED) R.string.key_invalidated else R.string.key_gone
        state.update { it.copy(locked = false, list = null, keyLost = text(why)) }
    }

    /** The passphrase screen's "open" (after the user's check when the lock is on). */
    fun openWithPassphrase(passphrase: String, userChecked: Boolean) = launchSafely {
        val lockWasOn = kunci.lockOn
        try {
            withChars(passphrase) { kunci.openWithPassphrase(it) }
        } catch (e: KunciException.WrongPassphrase) {
            state.update { it.copy(message = text(R.string.error_wrong_passphrase)) }
            return@launchSafely
        }
        val message = try {
            val lockStillOn = kunci.renewDeviceKey(userChecked)
            if (lockWasOn && !lockStillOn) R.string.lock_off_no_screen_lock else R.string.key_renewed
        } catch (e: KunciException) {
            // The vault is open; the next start asks for the passphrase again.
            R.string.key_not_renewed
        }
        state.update { it.copy(keyLost = null, locked = false, message = text(message)) }
        refresh()
    }

    fun onBackground() {
        backgroundAtMs = bootMs()
    }

    fun onForeground() {
        val since = backgroundAtMs ?: return
        backgroundAtMs = null
        if (kunci.prefs.getBoolean(KunciApplication.PREF_LOCK, false) && bootMs() - since >= services.lockAfterMs) lockNow()
    }

    /** Whether a recovery passphrase is set (the settings button then offers to change it). */
    fun recoverySet(): Boolean = kunci.prefs.getBoolean(KunciApplication.PREF_RECOVERY_SET, false)

    /** A first recovery passphrase beside the phone's key, or a new one in place of `current`
     *  (which reseals every account under a new key and keeps the phone's key working). */
    fun setRecovery(passphrase: String, repeat: String, current: String? = null) = launchSafely {
        if (passphrase.length < MIN_PASSPHRASE) {
            state.update { it.copy(message = text(R.string.recovery_too_short, MIN_PASSPHRASE)) }
            return@launchSafely
        }
        if (passphrase != repeat) {
            state.update { it.copy(message = text(R.string.recovery_mismatch)) }
            return@launchSafely
        }
        val v = vault()
        try {
            // Compose hands text fields out as Strings; the core gets wiped UTF-8 copies of these.
            withChars(passphrase) { new ->
                if (recoverySet()) withChars(current.orEmpty()) { old -> v.changePassphrase(old, new) } else v.addPassphrase(new)
            }
        } catch (e: KunciException.WrongPassphrase) {
            state.update { it.copy(message = text(R.string.recovery_current_wrong)) }
            return@launchSafely
        }
        kunci.prefs.edit().putBoolean(KunciApplication.PREF_RECOVERY_SET, true).putBoolean(KunciApplication.PREF_RECOVERY_OFFERED, true).apply()
        state.update { it.copy(askRecovery = false, message = text(R.string.recovery_saved)) }
    }

    fun laterRecovery() {
        kunci.prefs.edit().putBoolean(KunciApplication.PREF_RECOVERY_OFFERED, true).apply()
        state.update { it.copy(askRecovery = false) }
    }

    fun offerRecovery() = state.update { it.copy(askRecovery = true) }

    // Transfer ----------------------------------------------------------------------------------

    /** Shows the accounts' QR codes one by one, for an app that only scans (e.g. FreeOTP). */
    fun startTransfer() {
        go(Screen.TRANSFER)
        showTransfer(0)
    }

    fun transferNext() = showTransfer(state.value.transferIndex + 1)

    private fun showTransfer(index: Int) = launchSafely {
        val account = state.value.accounts.getOrNull(index)
        state.update { it.copy(transferIndex = index, transferPng = null) }
        if (account != null) {
            val png = vault().accountQrPng(account.id, TRANSFER_MODULE_PX)
            state.update { it.copy(transferPng = png) }
        }
    }

    /** Leaves the transfer screen and drops the picture (it holds a secret). */
    fun finishTransfer() {
        state.update { it.copy(transferPng = null, transferIndex = 0) }
        go(Screen.SETTINGS)
    }

    /** Encrypted backup to a document the user picked. */
    fun exportBackup(uri: Uri, password: String) = launchSafely {
        if (password.length < MIN_PASSPHRASE) {
            state.update { it.copy(message = text(R.string.recovery_too_short, MIN_PASSPHRASE)) }
            return@launchSafely
        }
        val bytes = withChars(password) { vault().exportFile(app.kunci.ExportFormat.KUNCI, it) }
        withContext(services.dispatcher) {
            getApplication<Application>().contentResolver.openOutputStream(uri)?.use { it.write(bytes) }
                ?: throw java.io.IOException("no stream")
        }
        kunci.prefs.edit().putInt(KunciApplication.PREF_UNBACKED, 0).apply()
        state.update { it.copy(backupReminder = false, message = text(R.string.backup_saved)) }
    }

    /** A Kunci backup or another app's export; the core detects the format. */
    fun importFrom(uri: Uri) = launchSafely {
        val bytes = withContext(services.dispatcher) {
            getApplication<Application>().contentResolver.openInputStream(uri)?.use { it.readBytes() }
        } ?: throw java.io.IOException("no stream")
        importBytes(bytes, null)
    }

    fun importWithPassword(password: String?) {
        val bytes = state.value.importPassword ?: return
        state.update { it.copy(importPassword = null) }
        if (password != null) launchSafely { importBytes(bytes, password) }
    }

    private suspend fun importBytes(bytes: ByteArray, password: String?) {
        try {
            val report = if (password == null) vault().importFile(bytes, null, null) else withChars(password) { vault().importFile(bytes, null, it) }
            refresh()
            state.update { it.copy(message = text(R.string.import_done, report.added.toInt(), report.duplicates.toInt(), report.refused.size)) }
        } catch (e: KunciException.PasswordRequired) {
            state.update { it.copy(importPassword = bytes) }
        } catch (e: KunciException.WrongPassword) {
            state.update { it.copy(importPassword = bytes, message = text(R.string.error_wrong_password)) }
        }
    }

    // Helpdesk --------------------------------------------------------------------------------

    fun loadDiagnostics() = launchSafely {
        val tz = java.util.TimeZone.getDefault()
        val offset = tz.getOffset(state.value.trustedNowMs) / 1000
        val text = vault().diagnostics(tz.id, offset).json
        state.update { it.copy(diagnostics = text) }
    }

    fun accountById(id: Long?): AccountInfo? = state.value.accounts.firstOrNull { it.id == id }

    /** Runs [block] with a char copy of [text] that is wiped afterwards. */
    private inline fun <T> withChars(text: String, block: (CharArray) -> T): T {
        val chars = text.toCharArray()
        try {
            return block(chars)
        } finally {
            chars.fill('\u0000')
        }
    }

    private companion object {
        private const val TAG = "Kunci"
        /** Pixels per QR module: about 300 px for a typical account, sharp when scaled up. */
        private val TRANSFER_MODULE_PX = 6u
        const val TICK_MS = 500L
        const val LOOKAHEAD_MS = 5_000L
        const val MIN_PASSPHRASE = 8
        const val BACKUP_REMINDER_AFTER = 1
        /**
         * The longest side a converted picture may have: twice the core's working size (1,600 px), so
         * BitmapFactory's power-of-two shrinking still hands over at least that much, and the core's
         * own box average makes the last step.
         */
        const val CONVERTED_SIDE = 3200
        const val KEY_SCREEN = "screen"
        const val KEY_QUERY = "query"
        const val KEY_PASTED = "pasted"
        const val KEY_ISSUER = "manual_issuer"
        const val KEY_ACCOUNT = "manual_account"
    }
}

/** The app's one clipboard policy (30 s at most, gone once the code is no longer accepted). */
object ClipboardPolicyHolder {
    val policy = app.kunci.ClipboardPolicy()
}

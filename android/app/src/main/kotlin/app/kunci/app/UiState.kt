//! What the screens show, as plain data: the view model owns one [UiState] and the Compose
//! screens only draw it. Small parts that must survive process death (screen, search, the manual
//! form) are also written to the SavedStateHandle by the view model.
package app.kunci.app

import app.kunci.AccountInfo
import app.kunci.CodeList
import app.kunci.EnrollReport
import app.kunci.OnConflict

enum class Screen { CODES, ADD, MANUAL, SCAN, GUIDED, ACCOUNT, HELP, SETTINGS, DIAGNOSTICS, TRANSFER }

/** The manual entry form; `errors` maps a field name to its sentence. */
data class ManualForm(
    val issuer: String = "",
    val account: String = "",
    val secret: String = "",
    val hotp: Boolean = false,
    val algorithm: String = "SHA1",
    val digits: String = "6",
    val period: String = "30",
    val counter: String = "0",
    val advanced: Boolean = false,
    val errors: Map<String, UiText> = emptyMap(),
)

/** An enrollment waiting for "replace / keep both". */
sealed interface PendingEnroll {
    data class Uri(val uri: String) : PendingEnroll
    class Image(val bytes: ByteArray) : PendingEnroll
    data object Frame : PendingEnroll
}

/** The outcome of "sync now", shown until dismissed. */
data class SyncOutcome(val ok: Boolean, val line: UiText, val details: List<String>)

data class UiState(
    val screen: Screen = Screen.CODES,
    val ready: Boolean = false,
    val locked: Boolean = false,
    /** Why the device key cannot open the vault (invalidated, gone): the passphrase screen shows. */
    val keyLost: UiText? = null,
    val list: CodeList? = null,
    /** The boot clock (ms) when [list] was fetched: the countdown runs on it, never the wall clock. */
    val listAtBootMs: Long = 0,
    /** The boot clock now (ms), ticking. */
    val bootNowMs: Long = 0,
    val accounts: List<AccountInfo> = emptyList(),
    val query: String = "",
    val group: String? = null,
    val message: UiText? = null,
    val report: EnrollReport? = null,
    val duplicate: PendingEnroll? = null,
    val cameraOnConflict: OnConflict = OnConflict.REJECT,
    val manual: ManualForm = ManualForm(),
    val pasted: String = "",
    val syncing: Boolean = false,
    val sync: SyncOutcome? = null,
    val diagnostics: String? = null,
    /** The transfer screen: which account (index in `accounts`) and its QR picture (PNG). */
    val transferIndex: Int = 0,
    val transferPng: ByteArray? = null,
    /** The core doctor's findings for the help screen (null: not loaded yet). */
    val findings: List<app.kunci.DoctorFinding>? = null,
    val selected: Long? = null,
    val confirmDelete: Long? = null,
    val importPassword: ByteArray? = null,
    val askRecovery: Boolean = false,
    val recoveryOffered: Boolean = false,
    val backupReminder: Boolean = false,
    val guidedId: Long? = null,
) {
    /** The trusted time now: the list's time carried forward on the boot clock. */
    val trustedNowMs: Long get() = (list?.time?.utcMs ?: 0L) + (bootNowMs - listAtBootMs)
}

//! Words on screen as resources: the view model says *which* sentence (a string resource and its
//! arguments), the screen turns it into text in the user's language. Core errors are mapped by
//! variant to our own localized sentences, never shown as the core's English text.
package app.kunci.app

import androidx.annotation.StringRes
import app.kunci.KunciException
import java.io.IOException

/** A localized sentence: `stringResource(res, *args)`. */
data class UiText(@StringRes val res: Int, val args: List<Any> = emptyList())

fun text(@StringRes res: Int, vararg args: Any) = UiText(res, args.toList())

/** The sentence for anything a core or platform call may throw (the boundary of point 7). */
fun errorText(e: Throwable): UiText = when (e) {
    is KunciException -> coreErrorText(e)
    is IOException -> text(R.string.error_io)
    is SecurityException -> text(R.string.error_security)
    is OutOfMemoryError -> text(R.string.error_too_large)
    else -> text(R.string.error_unexpected)
}

/**
 * The core's error variants by name. Keyed by name rather than an exhaustive `when` so the app
 * builds against a core that gained a variant; LocaleTest.everyCoreErrorVariantHasASentence
 * fails until each new variant has its own sentence here.
 */
private val coreErrors: Map<String, Int> = mapOf(
    "InvalidInput" to R.string.error_invalid_input,
    "NotAQrCode" to R.string.error_not_a_qr,
    "UnreadableImage" to R.string.error_unreadable_image,
    "DuplicateAccount" to R.string.error_duplicate,
    "WrongPassphrase" to R.string.error_wrong_passphrase,
    "PasswordRequired" to R.string.error_password_required,
    "WrongPassword" to R.string.error_wrong_password,
    "VaultDamaged" to R.string.error_vault_damaged,
    "TamperedAccount" to R.string.error_tampered,
    "NewerVault" to R.string.error_newer_vault,
    "NotFound" to R.string.error_not_found,
    "VaultMissing" to R.string.error_vault_missing,
    "VaultExists" to R.string.error_vault_exists,
    "Locked" to R.string.error_locked,
    "Busy" to R.string.error_busy,
    "KeyUnavailable" to R.string.error_key_unavailable,
    "TimeSyncFailed" to R.string.error_time_sync_failed,
    "UnsupportedFile" to R.string.error_unsupported_file,
    "NotExportable" to R.string.error_not_exportable,
    "Io" to R.string.error_io,
    "ConfirmationRequired" to R.string.error_confirmation_required,
    "Cancelled" to R.string.error_cancelled,
    "Internal" to R.string.error_unexpected,
)

/** The variants [errorText] knows (tests compare them with the generated sealed class). */
val knownCoreErrors: Set<String> get() = coreErrors.keys

private fun coreErrorText(e: KunciException): UiText = text(coreErrors[e.javaClass.simpleName] ?: R.string.error_unexpected)

/** "1 min 30 s" / "45 s" / "2 h 5 min" from milliseconds (absolute value, to the nearest second:
 *  a clock 89.98 s behind reads "1 min 30 s", as the portal's helpdesk would say it). */
fun durationText(ms: Long): UiText {
    val s = (Math.abs(ms) + 500) / 1000
    return when {
        s >= 3600 -> text(R.string.duration_h_min, s / 3600, (s % 3600) / 60)
        s >= 60 -> if (s % 60 == 0L) text(R.string.duration_min, s / 60) else text(R.string.duration_min_s, s / 60, s % 60)
        else -> text(R.string.duration_s, s)
    }
}

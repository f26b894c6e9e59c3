package app.kunci

/**
 * The sentence to show the user. Every [KunciException] carries it as `detail` (the generated
 * `message` is a debug string, "detail=..."); the sealed hierarchy has no common property, so
 * this `when` is exhaustive and a new core variant fails to compile here until it is handled.
 */
fun KunciException.userMessage(): String = when (this) {
    is KunciException.InvalidInput -> detail
    is KunciException.NotAQrCode -> detail
    is KunciException.UnreadableImage -> detail
    is KunciException.DuplicateAccount -> detail
    is KunciException.WrongPassphrase -> detail
    is KunciException.PasswordRequired -> detail
    is KunciException.WrongPassword -> detail
    is KunciException.VaultDamaged -> detail
    is KunciException.TamperedAccount -> detail
    is KunciException.NewerVault -> detail
    is KunciException.NotFound -> detail
    is KunciException.VaultMissing -> detail
    is KunciException.VaultExists -> detail
    is KunciException.Locked -> detail
    is KunciException.Busy -> detail
    is KunciException.KeyUnavailable -> detail
    is KunciException.TimeSyncFailed -> detail
    is KunciException.UnsupportedFile -> detail
    is KunciException.NotExportable -> detail
    is KunciException.Io -> detail
    is KunciException.ConfirmationRequired -> detail
    is KunciException.Cancelled -> detail
    is KunciException.Internal -> detail
}

/** What the screen can offer besides the message. */
enum class ErrorAction {
    /** Nothing to do but read the message. */
    NONE,

    /** Ask again (passphrase, import password). */
    ASK_PASSWORD,

    /** Ask: replace the existing account or keep both. */
    RESOLVE_DUPLICATE,

    /** Try again in a moment (vault busy, time sources unreachable, camera frame). */
    RETRY,

    /** Update the app (vault written by a newer version). */
    UPDATE_APP,
}

fun KunciException.action(): ErrorAction = when (this) {
    is KunciException.WrongPassphrase,
    is KunciException.PasswordRequired,
    is KunciException.WrongPassword -> ErrorAction.ASK_PASSWORD
    is KunciException.DuplicateAccount -> ErrorAction.RESOLVE_DUPLICATE
    is KunciException.Busy,
    is KunciException.TimeSyncFailed,
    is KunciException.NotAQrCode -> ErrorAction.RETRY
    is KunciException.NewerVault -> ErrorAction.UPDATE_APP
    else -> ErrorAction.NONE
}

/**
 * A message for anything a call may throw: the core's sentence, or `fallback` for a platform
 * failure (a JNA or state error is not worded for users).
 */
fun Throwable.userMessage(fallback: String): String = when (this) {
    is KunciException -> userMessage()
    else -> fallback
}

package app.kunci

/**
 * The sentence to show the user: a [KunciException]'s `message` is the core's sentence (the
 * core's error is flat across the FFI), so this is `message`, never null. Kept for callers that
 * want a `String` rather than a `String?`.
 */
fun KunciException.userMessage(): String = message ?: ""

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

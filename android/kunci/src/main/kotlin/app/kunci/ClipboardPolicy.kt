package app.kunci

/**
 * When a copied code is wiped from the clipboard (pure: the app schedules the clear and does it).
 *
 * A code is kept at most [maxKeepMs]; a TOTP code also goes once it is no longer accepted, which
 * servers allow for about one step after it expires ([acceptedAfterExpirySteps]). The clear only
 * happens if the clipboard still holds what Kunci put there: a later copy by the user is theirs.
 * Times are in one monotonic base chosen by the caller (Android: `SystemClock.elapsedRealtime()`),
 * except [clearDelayMs]'s `trustedNowMs`, which is the code list's time.
 */
data class ClipboardPolicy(
    val maxKeepMs: Long = 30_000,
    val acceptedAfterExpirySteps: Int = 1,
) {
    init {
        require(maxKeepMs > 0) { "maxKeepMs must be positive" }
        require(acceptedAfterExpirySteps >= 0) { "acceptedAfterExpirySteps must not be negative" }
    }

    /** How long after copying `code` at `trustedNowMs` the clipboard is cleared. */
    fun clearDelayMs(code: CodeInfo, trustedNowMs: Long): Long {
        val left = CodeTicker.millisLeft(code, trustedNowMs) ?: return maxKeepMs
        val accepted = left + acceptedAfterExpirySteps.toLong() * code.period.toLong() * 1000
        return accepted.coerceIn(0, maxKeepMs)
    }

    /** Whether to clear now: the delay has passed and the clipboard still holds our copy. */
    fun shouldClear(nowMs: Long, copiedAtMs: Long, delayMs: Long, clipboardStillOurs: Boolean): Boolean =
        clipboardStillOurs && nowMs - copiedAtMs >= delayMs
}

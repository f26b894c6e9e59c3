package app.kunci

/**
 * The countdown of a code list, between two calls to `codes()`: pure arithmetic on what the core
 * returned, so the UI can tick every frame without crossing the FFI.
 *
 * Times are *trusted* Unix milliseconds. The core's [TimeInfo.offsetMs] is "trusted minus wall",
 * so between syncs the trusted time now is `wall clock now + offsetMs` ([trustedNowMs]).
 */
object CodeTicker {
    /** The trusted time at a wall-clock reading, given the latest [TimeInfo] from the core. */
    fun trustedNowMs(time: TimeInfo, wallNowMs: Long): Long = wallNowMs + time.offsetMs

    /** Whether the code has a countdown at all (HOTP codes are valid until used). */
    fun isTimed(code: CodeInfo): Boolean = code.validUntil != null

    /** Milliseconds until the code changes (0 once expired); `null` for HOTP. */
    fun millisLeft(code: CodeInfo, trustedNowMs: Long): Long? {
        val until = untilMs(code) ?: return null
        return (until - trustedNowMs).coerceAtLeast(0)
    }

    /** Whole seconds left as a countdown shows them (29.2 s left shows "30"); `null` for HOTP. */
    fun secondsLeft(code: CodeInfo, trustedNowMs: Long): Int? =
        millisLeft(code, trustedNowMs)?.let { ((it + 999) / 1000).toInt() }

    /** Fraction of the step still left, 1.0 at its start down to 0.0 at its end; `null` for HOTP. */
    fun progress(code: CodeInfo, trustedNowMs: Long): Float? {
        val left = millisLeft(code, trustedNowMs) ?: return null
        val from = code.validFrom ?: return null
        val until = code.validUntil ?: return null
        val stepMs = ((until - from) * 1000).takeIf { it > 0 } ?: return 0f
        return (left.toFloat() / stepMs).coerceIn(0f, 1f)
    }

    /** True once the list should be fetched again: some timed code has expired. */
    fun needsRefresh(list: CodeList, trustedNowMs: Long): Boolean =
        list.codes.any { code -> untilMs(code)?.let { trustedNowMs >= it } ?: false }

    /**
     * The trusted time at which to call `codes()` next: the earliest end of a timed code, or
     * `null` when nothing changes by itself (no accounts, or only HOTP).
     */
    fun nextRefreshAtMs(list: CodeList): Long? =
        list.codes.mapNotNull { untilMs(it) }.minOrNull()

    /** The code to show: the next one in the last [lookaheadMs] of a step, when the UI wants it. */
    fun codeToShow(code: CodeInfo, trustedNowMs: Long, lookaheadMs: Long = 0): String {
        val left = millisLeft(code, trustedNowMs) ?: return code.code
        return if (lookaheadMs > 0 && left <= lookaheadMs) code.next else code.code
    }

    /** The end of a timed code in ms; `null` for HOTP, whose `validUntil` is `null`. */
    private fun untilMs(code: CodeInfo): Long? = code.validUntil?.let { it * 1000 }
}

/** What the time banner above the code list says. */
enum class TimeBanner {
    /** Time verified and precise: no banner. */
    NONE,

    /** Never synced or rebooted since: codes use the phone clock ("Sync time"). */
    UNVERIFIED,

    /** Synced, but uncertain enough that a code may be a step off. */
    DRIFTING,

    /** The clock went back past a time already seen: someone set it, sync needed. */
    CONFLICT;

    companion object {
        /** The banner for a code list (its time and its warning flag). */
        fun of(list: CodeList): TimeBanner = of(list.time, list.timeWarning)

        fun of(time: TimeInfo, timeWarning: Boolean = false): TimeBanner = when (time.status) {
            TimeStatus.CONFLICT -> CONFLICT
            TimeStatus.UNVERIFIED -> UNVERIFIED
            TimeStatus.DRIFTING -> DRIFTING
            TimeStatus.SYNCED -> if (timeWarning) DRIFTING else NONE
        }
    }
}

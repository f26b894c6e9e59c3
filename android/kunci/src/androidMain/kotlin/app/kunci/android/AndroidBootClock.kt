package app.kunci.android

import android.content.ContentResolver
import android.os.SystemClock
import android.provider.Settings
import app.kunci.BootClock

/**
 * `elapsedRealtime()` (counts in deep sleep, ignores wall-clock changes) and a boot id from
 * `Settings.Global.BOOT_COUNT`. Where the boot count is missing, the boot's wall-clock start
 * (to the minute) stands in: it changes when the user sets the clock, which only makes the core
 * fall back to "unverified" — the safe direction. Never throws.
 */
class AndroidBootClock(private val resolver: ContentResolver) : BootClock {
    override fun bootId(): String {
        val count = try {
            Settings.Global.getInt(resolver, Settings.Global.BOOT_COUNT, -1)
        } catch (e: SecurityException) {
            -1
        }
        if (count >= 0) return "boot-count-$count"
        val bootStartMinute = (System.currentTimeMillis() - SystemClock.elapsedRealtime()) / 60_000
        return "boot-start-$bootStartMinute"
    }

    override fun elapsedMs(): Long = SystemClock.elapsedRealtime()
}

package app.kunci.android

import android.content.ClipData
import android.content.ClipDescription
import android.content.ClipboardManager
import android.content.Context
import android.os.Build
import android.os.Handler
import android.os.Looper
import android.os.PersistableBundle
import android.os.SystemClock
import app.kunci.ClipboardPolicy

/** Copies a code marked sensitive (hidden from clipboard previews) and clears it per [policy]. */
class SensitiveClipboard(context: Context, private val policy: ClipboardPolicy = ClipboardPolicy()) {
    private val clipboard: ClipboardManager = checkNotNull(context.getSystemService(ClipboardManager::class.java)) { "no clipboard service" }
    private val handler = Handler(Looper.getMainLooper())

    fun copy(label: String, code: String, clearDelayMs: Long) {
        val clip = ClipData.newPlainText(label, code)
        clip.description.extras = PersistableBundle().apply {
            // The constant is API 33; older keyboards and launchers honour the same string.
            val key = if (Build.VERSION.SDK_INT >= 33) ClipDescription.EXTRA_IS_SENSITIVE else "android.content.extra.IS_SENSITIVE"
            putBoolean(key, true)
        }
        clipboard.setPrimaryClip(clip)
        val copiedAt = SystemClock.elapsedRealtime()
        handler.postDelayed({
            // In the background Android 10+ hides the clipboard (null): clear it then, a code is
            // a secret. When readable, a later copy by the user is left alone.
            val current = clipboard.primaryClip
            val stillOurs = current == null || current.itemCount == 0 || current.getItemAt(0).text?.toString() == code
            if (policy.shouldClear(SystemClock.elapsedRealtime(), copiedAt, clearDelayMs, stillOurs)) {
                if (Build.VERSION.SDK_INT >= 28) clipboard.clearPrimaryClip() else clipboard.setPrimaryClip(ClipData.newPlainText("", ""))
            }
        }, clearDelayMs)
    }
}

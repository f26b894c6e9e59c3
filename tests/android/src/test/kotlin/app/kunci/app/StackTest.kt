//! The proof of the stack: a Compose screen of the real app, compiled here, driven by
//! Robolectric with the real core through JNA, its strings from aapt2-linked resources in two
//! languages, and a PNG screenshot drawn from the window.
package app.kunci.app

import androidx.compose.ui.test.assertIsDisplayed
import androidx.compose.ui.test.onNodeWithTag
import androidx.compose.ui.test.onNodeWithText
import app.kunci.OnConflict
import app.kunci.kunciVersion
import java.io.File
import javax.crypto.Mac
import javax.crypto.spec.SecretKeySpec
import kotlinx.coroutines.runBlocking
import org.junit.Assert.assertEquals
import org.junit.Assert.assertTrue
import org.junit.Test
import org.junit.runner.RunWith
import org.robolectric.RobolectricTestRunner

@RunWith(RobolectricTestRunner::class)
class StackTest : KunciTestBase() {
    @Test
    fun realCoreCodeOnAComposeScreenWithAScreenshot() {
        pinTimeInStep(5_000) // the code on screen and the one asked of the core are in one step
        assertTrue("the core answers through JNA", kunciVersion().isNotEmpty())
        runBlocking { app.vault().enrollUri(uri("Portal", "jo"), OnConflict.REJECT) }
        launch()
        compose.onNodeWithText("Portal").assertIsDisplayed()
        val list = runBlocking { app.vault().codes() }
        val code = list.codes.single()
        // An independent TOTP (RFC 6238 over javax.crypto) at the core's own step.
        assertEquals(reference(code.validFrom!! / 30), code.code)
        compose.onNodeWithTag("otp-${code.accountId}", useUnmergedTree = true).assertIsDisplayed()
        compose.onNodeWithText(grouped(code.code)).assertIsDisplayed()
        compose.onNodeWithText(string(R.string.search)).assertIsDisplayed()
        screenshot("stack-codes")
        val png = File(System.getProperty("kunci.screenshots"), "stack-codes-en.png")
        assertTrue("screenshot written", png.length() > 1000)
    }

    @Test
    fun indonesianResourcesResolve() {
        setLanguage("in")
        launch()
        waitForText("Selamat datang di Kunci")
        compose.onNodeWithText("Tambah akun pertama saya").assertIsDisplayed()
        screenshot("stack-welcome")
    }

    private fun reference(counter: Long): String {
        val key = base32(SECRET)
        val mac = Mac.getInstance("HmacSHA1").apply { init(SecretKeySpec(key, "HmacSHA1")) }
        val h = mac.doFinal(java.nio.ByteBuffer.allocate(8).putLong(counter).array())
        val o = h[h.size - 1].toInt() and 0x0f
        val bin = ((h[o].toInt() and 0x7f) shl 24) or ((h[o + 1].toInt() and 0xff) shl 16) or ((h[o + 2].toInt() and 0xff) shl 8) or (h[o + 3].toInt() and 0xff)
        return (bin % 1_000_000).toString().padStart(6, '0')
    }

    private fun base32(s: String): ByteArray {
        val alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
        var buffer = 0
        var bits = 0
        val out = java.io.ByteArrayOutputStream()
        for (c in s) {
            buffer = (buffer shl 5) or alphabet.indexOf(c)
            bits += 5
            if (bits >= 8) {
                out.write((buffer shr (bits - 8)) and 0xff)
                bits -= 8
            }
        }
        return out.toByteArray()
    }
}

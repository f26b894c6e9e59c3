//! Issue 15 point 4 on Android: the transfer screen shows each account's QR code in turn, and
//! what is on screen scans back (with the real core) into the same accounts, codes and all.
package app.kunci.app

import android.graphics.Bitmap
import android.graphics.Canvas
import androidx.compose.ui.test.onAllNodesWithTag
import androidx.compose.ui.test.onNodeWithTag
import androidx.compose.ui.test.onNodeWithText
import androidx.compose.ui.test.performClick
import androidx.compose.ui.test.performScrollTo
import app.kunci.Authenticator
import app.kunci.OnConflict
import app.kunci.VaultSetup
import app.kunci.codeForUri
import java.io.ByteArrayOutputStream
import java.io.File
import kotlinx.coroutines.runBlocking
import org.junit.Assert.assertEquals
import org.junit.Test
import org.junit.runner.RunWith
import org.robolectric.RobolectricTestRunner

@RunWith(RobolectricTestRunner::class)
class TransferTest : KunciTestBase() {
    private val bank = uri("Bank", "ani", "KRSXG5DSNFXGOIDB")
    private val portal = uri("ASN Digital", "199001")

    /** The activity's window as PNG bytes: what another phone's camera would see. */
    private fun screenPng(): ByteArray {
        settle()
        var png = ByteArray(0)
        checkNotNull(scenario).onActivity { activity ->
            val view = activity.window.decorView
            val bitmap = Bitmap.createBitmap(view.width, view.height, Bitmap.Config.ARGB_8888)
            view.draw(Canvas(bitmap))
            png = ByteArrayOutputStream().also { bitmap.compress(Bitmap.CompressFormat.PNG, 100, it) }.toByteArray()
        }
        return png
    }

    @Test
    fun eachAccountsQrOnScreenScansBackIntoTheSameAccount() {
        runBlocking {
            app.vault().enrollUri(portal, OnConflict.REJECT)
            app.vault().enrollUri(bank, OnConflict.REJECT)
        }
        launch()
        compose.onNodeWithText(string(R.string.settings)).performClick()
        settle()
        compose.onNodeWithTag("transfer").performScrollTo().performClick()
        waitForTag("transfer-qr")
        screenshot("transfer")
        val first = screenPng()
        compose.onNodeWithTag("transfer-next").performClick()
        waitFor("the second account") { compose.onAllNodesWithTag("transfer-qr").fetchSemanticsNodes().isNotEmpty() && screenTexts().any { it.startsWith("2 ") } }
        val second = screenPng()
        assertEquals(0, compose.onAllNodesWithTag("transfer-next").fetchSemanticsNodes().size)

        // Another app (here a second vault with the same core) scans both screens.
        Authenticator.create(VaultSetup(File(dir, "other.kunci").path, FakeBootClock(), options = options), "other app".toByteArray()).use { other ->
            other.enrollImage(first, OnConflict.REJECT)
            other.enrollImage(second, OnConflict.REJECT)
            // Each code the other app shows equals the original URI's code for the same step.
            val codes = other.codes().codes.associateBy { it.issuer }
            for ((issuer, original) in listOf("ASN Digital" to portal, "Bank" to bank)) {
                val shown = checkNotNull(codes[issuer]) { "$issuer was not scanned" }
                assertEquals(codeForUri(original, checkNotNull(shown.validFrom)).code, shown.code)
            }
        }

        compose.onNodeWithTag("transfer-done").performClick()
        settle()
        assertEquals(0, compose.onAllNodesWithTag("transfer-qr").fetchSemanticsNodes().size)
        compose.onNodeWithTag("transfer").assertExists()
    }
}

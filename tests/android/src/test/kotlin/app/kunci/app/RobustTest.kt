//! Point 7: never crash — core calls run off the main thread, and rotation keeps what the user
//! typed and where they were; after process death the form is back but the secret is not.
package app.kunci.app

import android.content.res.Configuration
import android.os.Bundle
import android.os.Parcel
import androidx.compose.ui.test.assertIsDisplayed
import androidx.compose.ui.test.assertTextContains
import androidx.compose.ui.test.onNodeWithTag
import androidx.compose.ui.test.onNodeWithText
import androidx.compose.ui.test.performClick
import androidx.compose.ui.test.performTextInput
import app.kunci.OnConflict
import kotlinx.coroutines.runBlocking
import org.junit.Assert.assertEquals
import org.junit.Assert.assertFalse
import org.junit.Assert.assertTrue
import org.junit.Test
import org.junit.runner.RunWith
import org.robolectric.Robolectric
import org.robolectric.RobolectricTestRunner

@RunWith(RobolectricTestRunner::class)
class RobustTest : KunciTestBase() {
    @Test
    fun coreCallsNeverRunOnTheMainThread() {
        runBlocking { app.vault().enrollUri(uri("Portal", "jo"), OnConflict.REJECT) }
        launch()
        compose.onNodeWithText("Portal").assertIsDisplayed()
        assertTrue(io.ran.get() > 0)
        assertEquals(0, io.ranOnMain.get())
    }

    @Test
    fun rotationKeepsTheScreenAndTheForm() {
        launch()
        compose.onNodeWithTag("add-first").performClick()
        settle()
        compose.onNodeWithTag("manual").performClick()
        settle()
        compose.onNodeWithTag("issuer").performTextInput("ASN Digital")
        compose.onNodeWithTag("secret").performTextInput("JBSWY3DP")
        setLanguage("+land")
        checkNotNull(scenario).recreate()
        settle()
        checkNotNull(scenario).onActivity { assertEquals(Configuration.ORIENTATION_LANDSCAPE, it.resources.configuration.orientation) }
        compose.onNodeWithTag("issuer").assertTextContains("ASN Digital")
        compose.onNodeWithTag("secret").assertTextContains("JBSWY3DP")
        screenshot("manual-landscape")
    }

    @Test
    fun processDeathKeepsTheScreenAndTheFormButNeverTheSecret() {
        val before = Robolectric.buildActivity(MainActivity::class.java).setup()
        settle()
        compose.onNodeWithTag("add-first").performClick()
        settle()
        compose.onNodeWithTag("manual").performClick()
        settle()
        compose.onNodeWithTag("issuer").performTextInput("ASN Digital")
        compose.onNodeWithTag("account").performTextInput("199001")
        compose.onNodeWithTag("secret").performTextInput(SECRET)
        settle()
        // Android kills the process in the background: only the saved bundle, written to a parcel
        // (and perhaps to disk), survives; the view model and the open vault are gone.
        val saved = Bundle()
        before.pause().stop().saveInstanceState(saved).destroy()
        runBlocking { app.closeVault() }
        val parcel = Parcel.obtain()
        val restored = try {
            saved.writeToParcel(parcel, 0)
            val bytes = parcel.marshall()
            val utf16 = String(bytes, Charsets.UTF_16LE)
            assertFalse("the secret is not in the saved state", utf16.contains(SECRET) || String(bytes, Charsets.ISO_8859_1).contains(SECRET))
            parcel.setDataPosition(0)
            Bundle.CREATOR.createFromParcel(parcel)
        } finally {
            parcel.recycle()
        }
        val after = Robolectric.buildActivity(MainActivity::class.java).setup(restored)
        try {
            settle()
            compose.onNodeWithTag("issuer").assertTextContains("ASN Digital")
            compose.onNodeWithTag("account").assertTextContains("199001")
            assertFalse(screenTexts().any { it.contains(SECRET) })
        } finally {
            after.pause().stop().destroy()
        }
    }
}

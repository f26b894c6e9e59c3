//! Point 7: never crash — core calls run off the main thread, and rotation keeps what the user
//! typed and where they were.
package app.kunci.app

import android.content.res.Configuration
import androidx.compose.ui.test.assertIsDisplayed
import androidx.compose.ui.test.assertTextContains
import androidx.compose.ui.test.onNodeWithTag
import androidx.compose.ui.test.onNodeWithText
import androidx.compose.ui.test.performClick
import androidx.compose.ui.test.performTextInput
import app.kunci.OnConflict
import kotlinx.coroutines.runBlocking
import org.junit.Assert.assertEquals
import org.junit.Assert.assertTrue
import org.junit.Test
import org.junit.runner.RunWith
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
}

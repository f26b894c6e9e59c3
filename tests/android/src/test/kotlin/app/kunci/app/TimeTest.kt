//! Point 3: the time banner in words, "sync now" against a fake NTP server on 127.0.0.1 with its
//! outcome shown, a failed sync explained, and the QA time sources set by intent extras.
package app.kunci.app

import android.content.Intent
import androidx.compose.ui.test.assertIsDisplayed
import androidx.compose.ui.test.performTextReplacement
import androidx.compose.ui.test.performTextInput
import androidx.compose.ui.test.performScrollTo
import androidx.compose.ui.test.onNodeWithTag
import androidx.compose.ui.test.onNodeWithText
import androidx.compose.ui.test.performClick
import app.kunci.OnConflict
import app.kunci.TimeStatus
import kotlinx.coroutines.runBlocking
import org.junit.Assert.assertEquals
import org.junit.Assert.assertTrue
import org.junit.Test
import org.junit.runner.RunWith
import org.robolectric.RobolectricTestRunner

@RunWith(RobolectricTestRunner::class)
class TimeTest : KunciTestBase() {
    private fun withAccount() = runBlocking { app.vault().enrollUri(uri("Portal", "jo"), OnConflict.REJECT) }

    private fun useNtp(address: String) =
        app.prefs.edit().putString(KunciApplication.PREF_QA_NTP, address).putInt(KunciApplication.PREF_QA_QUORUM, 1).apply()

    @Test
    fun unverifiedTimeIsSaidInWords() {
        withAccount()
        launch()
        compose.onNodeWithText(string(R.string.time_unverified)).assertIsDisplayed()
        screenshot("codes-unverified")
    }

    @Test
    fun syncNowWithAServerThatIsAheadShowsTheOutcomeAndTheCorrection() {
        FakeSntpServer(90_000).use { ntp ->
            useNtp(ntp.address)
            withAccount()
            launch()
            compose.onNodeWithTag("sync-now").performClick()
            waitForText(string(R.string.sync_ok, 1, 1))
            assertTrue(ntp.requests.get() >= 1)
        }
        // 90 s ahead of the phone: the phone is 1 min 30 s behind.
        val words = string(R.string.time_behind, string(R.string.duration_min_s, 1, 30))
        screenshot("codes-synced")
        compose.onNodeWithText(words).assertIsDisplayed()
        assertEquals(TimeStatus.SYNCED, runBlocking { app.vault().timeNow() }.status)
    }

    @Test
    fun aFailedSyncIsExplained() {
        FakeSntpServer(0, silent = true).use { ntp ->
            useNtp(ntp.address)
            withAccount()
            launch()
            compose.onNodeWithTag("sync-now").performClick()
            waitForText(string(R.string.sync_failed))
        }
        compose.onNodeWithTag("sync-outcome").assertIsDisplayed()
        compose.onNodeWithText(string(R.string.time_unverified)).assertIsDisplayed()
        screenshot("sync-failed")
    }

    @Test
    fun qaTimeSourcesComeFromIntentExtras() {
        FakeSntpServer(-120_000).use { ntp ->
            withAccount()
            val intent = Intent(app, MainActivity::class.java).putExtra(MainActivity.EXTRA_NTP, ntp.address).putExtra(MainActivity.EXTRA_QUORUM, 1)
            launch(intent)
            waitFor("the QA server saved") { app.qaNtp() == listOf(ntp.address) }
            compose.onNodeWithTag("sync-now").performClick()
            waitForText(string(R.string.sync_ok, 1, 1))
        }
        compose.onNodeWithText(string(R.string.time_ahead, string(R.string.duration_min, 2))).assertIsDisplayed()
    }

    @Test
    fun qaTimeSourcesAreSetOnTheSettingsScreenAndAZeroQuorumIsExplained() {
        FakeSntpServer(30_000).use { ntp ->
            withAccount()
            launch()
            compose.onNodeWithText(string(R.string.settings)).performClick()
            settle()
            compose.onNodeWithTag("qa-ntp").performScrollTo().performTextInput(ntp.address)
            compose.onNodeWithTag("qa-quorum").performScrollTo().performTextReplacement("0")
            compose.onNodeWithTag("qa-save").performScrollTo().performClick()
            waitForText(string(R.string.qa_quorum_invalid))
            compose.onNodeWithText(string(R.string.ok)).performClick()
            compose.onNodeWithTag("qa-quorum").performScrollTo().performTextReplacement("1")
            compose.onNodeWithTag("qa-save").performScrollTo().performClick()
            waitForText(string(R.string.saved))
            compose.onNodeWithText(string(R.string.ok)).performClick()
            assertEquals(listOf(ntp.address), app.qaNtp())
            assertEquals(1u, app.options().quorum)
            compose.onNodeWithTag("sync-now").performScrollTo().performClick()
            waitForText(string(R.string.sync_ok, 1, 1))
            assertTrue(ntp.requests.get() >= 1)
        }
    }
}

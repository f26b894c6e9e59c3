//! Point 5: the diagnostics screen (no secret; copy and share) and the guided help for "the
//! portal says Invalid Authenticator Code" with its actions (sync now, delete, helpdesk ticket).
package app.kunci.app

import android.content.ClipboardManager
import android.content.Intent
import androidx.compose.ui.test.assertTextContains
import androidx.compose.ui.test.onAllNodesWithTag
import androidx.compose.ui.test.onNodeWithTag
import androidx.compose.ui.test.onNodeWithText
import androidx.compose.ui.test.performClick
import androidx.compose.ui.test.performScrollTo
import app.kunci.OnConflict
import kotlinx.coroutines.runBlocking
import org.junit.Assert.assertEquals
import org.junit.Assert.assertFalse
import org.junit.Assert.assertTrue
import org.junit.Test
import org.junit.runner.RunWith
import org.robolectric.RobolectricTestRunner
import org.robolectric.Shadows.shadowOf

@RunWith(RobolectricTestRunner::class)
class HelpdeskTest : KunciTestBase() {
    private fun withAccount() = runBlocking { app.vault().enrollUri(uri("ASN Digital", "199001"), OnConflict.REJECT) }
    private fun clip() = app.getSystemService(ClipboardManager::class.java).primaryClip!!.getItemAt(0).text.toString()

    @Test
    fun diagnosticsHaveTheClockAndAccountsButNoSecretAndCanBeShared() {
        withAccount()
        launch()
        compose.onNodeWithText(string(R.string.settings)).performClick()
        settle()
        compose.onNodeWithTag("diagnostics").performScrollTo().performClick()
        waitFor("the report") { app.let { checkNotNull(scenario); true } && count("ASN Digital") > 0 || count("time") > 0 }
        compose.onNodeWithTag("diag-copy").performClick()
        settle()
        val report = clip()
        val code = runBlocking { app.vault().codes() }.codes.single().code
        assertTrue(report, report.contains("time", ignoreCase = true))
        assertFalse("no secret", report.contains(SECRET))
        assertFalse("no code", report.contains(code))
        screenshot("diagnostics")
        compose.onNodeWithTag("diag-share").performClick()
        settle()
        val started = shadowOf(app).nextStartedActivity
        assertEquals(Intent.ACTION_CHOOSER, started.action)
        val send = started.getParcelableExtra(Intent.EXTRA_INTENT, Intent::class.java)!!
        assertEquals(report, send.getStringExtra(Intent.EXTRA_TEXT))
    }

    @Test
    fun invalidCodeHelpGivesTheDoctorsStepsWithTheirActions() {
        FakeSntpServer(45_000).use { ntp ->
            app.prefs.edit().putString(KunciApplication.PREF_QA_NTP, ntp.address).putInt(KunciApplication.PREF_QA_QUORUM, 1).apply()
            withAccount()
            launch()
            val id = runBlocking { app.vault().accounts() }.single().id
            compose.onNodeWithTag("edit-$id").performClick()
            settle()
            compose.onNodeWithTag("help").performScrollTo().performClick()
            // Before any sync the doctor's first finding is the unchecked time, with its button.
            waitForText(string(R.string.help_numbered, 1, string(R.string.help_f_time_unverified)))
            compose.onNodeWithTag("help-sync").performClick()
            waitForText(string(R.string.sync_ok, 1, 1))
        }
        // After a sync to a server 45 s ahead: the phone clock finding, in words, and no sync button.
        val behind = string(R.string.help_f_phone_clock_off, string(R.string.time_behind, string(R.string.duration_s, 45)))
        waitForText(string(R.string.help_numbered, 1, behind))
        assertEquals(0, compose.onAllNodesWithTag("help-sync").fetchSemanticsNodes().size)
        assertEquals(0, compose.onAllNodesWithTag("help-delete").fetchSemanticsNodes().size)
        screenshot("help")
        compose.onNodeWithTag("help-ticket").performScrollTo().performClick()
        settle()
        assertTrue(clip().startsWith("Kunci helpdesk ticket\naccount: ASN Digital"))
    }

    /**
     * The same account enrolled twice (a portal's "Reset MFA" seen as a new account), then the
     * older entry's help, once the doctor has found the duplicate: the two ids, older first.
     */
    private fun helpOnTheOlderOfTwoEntries(): Pair<Long, Long> {
        withAccount()
        runBlocking { app.vault().enrollUri(uri("ASN Digital", "199001", "KRSXG5DSNFXGOIDB"), OnConflict.KEEP_BOTH) }
        val (older, newer) = runBlocking { app.vault().accounts() }.map { it.id }.sorted()
        launch()
        compose.onNodeWithTag("edit-$older").performClick()
        settle()
        compose.onNodeWithTag("help").performScrollTo().performClick()
        waitForTag("help-step-duplicate_account")
        return older to newer
    }

    @Test
    fun helpOnAnOlderDuplicateOffersToDeleteItAndKeepsTheNewest() {
        val (older, newer) = helpOnTheOlderOfTwoEntries()
        compose.onNodeWithTag("help-step-duplicate_account").assertTextContains(string(R.string.help_f_duplicate_older, 2, "DATE").substringBefore("DATE"), substring = true)
        screenshot("help-duplicate")
        compose.onNodeWithTag("help-delete").performScrollTo().performClick()
        settle()
        compose.onNodeWithTag("confirm-delete").performClick()
        waitFor("the older entry deleted") { runBlocking { app.vault().accounts() }.map { it.id } == listOf(newer) }
        // On the newest entry the doctor says so and offers no delete.
        compose.onNodeWithTag("edit-$newer").performClick()
        settle()
        compose.onNodeWithTag("help").performScrollTo().performClick()
        settle()
        assertEquals(0, compose.onAllNodesWithTag("help-step-duplicate_account").fetchSemanticsNodes().size)
        assertEquals(0, compose.onAllNodesWithTag("help-delete").fetchSemanticsNodes().size)
    }

    @Test
    fun helpForAnotherAccountNeverShowsThePreviousAccountsFindings() {
        val (older, newer) = helpOnTheOlderOfTwoEntries()
        checkNotNull(scenario).onActivity { activity ->
            val vm = androidx.lifecycle.ViewModelProvider(activity)[MainViewModel::class.java]
            assertTrue(vm.ui.value.findings.orEmpty().any { it.accountId == older })
            // Core calls wait from here, so the state between the taps is what it is without them.
            io.hold()
            // The older entry's help reloads (as after a sync) and is still running when the user
            // goes back, opens the other account and its help, at once.
            vm.loadFindings()
            vm.go(Screen.CODES)
            vm.go(Screen.ACCOUNT, newer)
            vm.go(Screen.HELP)
            // The older entry's findings are gone before the newer one's are loaded.
            assertEquals(null, vm.ui.value.findings)
            // The newer entry's answer comes first and the older one's late: that one must not land.
            assertTrue(io.releaseNewestFirst() >= 2)
        }
        settle()
        // Then the newer entry's own findings (its duplicate finding names itself, not the older).
        checkNotNull(scenario).onActivity { activity ->
            val findings = androidx.lifecycle.ViewModelProvider(activity)[MainViewModel::class.java].ui.value.findings
            assertTrue("loaded: $findings", findings.orEmpty().any { it.accountId == newer })
            assertFalse(findings.orEmpty().any { it.accountId == older })
        }
    }
}

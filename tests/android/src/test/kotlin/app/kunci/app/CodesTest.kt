//! Point 2: the code list — countdown on the boot clock (not the wall clock), copy as a sensitive
//! clip, HOTP next, search, groups, rename and notes, reorder, delete with confirmation.
package app.kunci.app

import android.content.ClipDescription
import android.content.ClipboardManager
import androidx.compose.ui.test.assertIsDisplayed
import androidx.compose.ui.test.onAllNodesWithText
import androidx.compose.ui.test.onNodeWithTag
import androidx.compose.ui.test.onNodeWithText
import androidx.compose.ui.test.performClick
import androidx.compose.ui.test.performTextClearance
import androidx.compose.ui.test.performTextInput
import app.kunci.OnConflict
import java.time.Duration
import kotlinx.coroutines.runBlocking
import org.junit.Assert.assertEquals
import org.junit.Assert.assertNotEquals
import org.junit.Assert.assertTrue
import org.junit.Test
import org.junit.runner.RunWith
import org.robolectric.RobolectricTestRunner
import org.robolectric.shadows.ShadowSystemClock

@RunWith(RobolectricTestRunner::class)
class CodesTest : KunciTestBase() {
    private fun add(vararg uris: String) = runBlocking { uris.forEach { app.vault().enrollUri(it, OnConflict.KEEP_BOTH) } }
    private fun ids() = runBlocking { app.vault().accounts().sortedBy { it.position }.map { it.id } }
    private fun shownCode(id: Long): String = compose.onNodeWithTag("otp-$id", useUnmergedTree = true).fetchSemanticsNode().config
        .getOrElse(androidx.compose.ui.semantics.SemanticsProperties.Text) { emptyList() }.joinToString("") { it.text }

    @Test
    fun emptyVaultWelcomesWithOneButton() {
        launch()
        compose.onNodeWithText(string(R.string.welcome_title)).assertIsDisplayed()
        compose.onNodeWithTag("add-first").performClick()
        settle()
        compose.onNodeWithText(string(R.string.add_scan)).assertIsDisplayed()
        screenshot("add")
    }

    private fun copied(): String = app.getSystemService(ClipboardManager::class.java).primaryClip!!.getItemAt(0).text.toString()

    @Test
    fun tapCopiesTheCodeAsASensitiveClip() {
        add(uri("Portal", "jo"))
        pinTimeInStep(10_000)
        launch()
        val id = ids().single()
        val shown = shownCode(id).replace(" ", "")
        compose.onNodeWithTag("code-$id").performClick()
        settle()
        assertEquals("20 s left in the step: the code on screen is copied", shown, copied())
        val clip = app.getSystemService(ClipboardManager::class.java).primaryClip!!
        assertTrue(clip.description.extras.getBoolean(ClipDescription.EXTRA_IS_SENSITIVE))
        compose.onNodeWithText(string(R.string.copied)).assertIsDisplayed()
    }

    @Test
    fun hotpNextShowsTheNextCounterCode() {
        add("otpauth://hotp/Bank:jo?secret=$SECRET&issuer=Bank&counter=0")
        launch()
        val id = ids().single()
        val first = shownCode(id)
        compose.onNodeWithTag("next-$id").performClick()
        waitFor("a new HOTP code") { shownCode(id) != first }
        assertEquals(1uL, runBlocking { app.vault().accounts().single().counter })
    }

    @Test
    fun searchFindsByIssuerAndName() {
        add(uri("ASN", "199001"), uri("Bank", "jo"), uri("Mail", "ani"))
        launch()
        compose.onNodeWithTag("search").performTextInput("ban")
        settle()
        compose.onNodeWithText("Bank").assertIsDisplayed()
        assertEquals(0, count("ASN"))
        compose.onNodeWithTag("search").performTextClearance()
        compose.onNodeWithTag("search").performTextInput("ani")
        settle()
        compose.onNodeWithText("Mail").assertIsDisplayed()
        assertEquals(0, count("Bank"))
    }

    @Test
    fun renameNotesAndGroupThenFilterByGroup() {
        add(uri("ASN", "199001"), uri("Bank", "jo"))
        launch()
        val (asn, _) = ids()
        compose.onNodeWithTag("edit-$asn").performClick()
        settle()
        compose.onNodeWithTag("edit-issuer").performTextClearance()
        compose.onNodeWithTag("edit-issuer").performTextInput("ASN Digital")
        compose.onNodeWithTag("edit-notes").performTextInput("work")
        compose.onNodeWithTag("edit-group").performTextInput("Kantor")
        screenshot("account")
        compose.onNodeWithTag("save").performClick()
        waitForText("ASN Digital")
        val saved = runBlocking { app.vault().accounts().first { it.id == asn } }
        assertEquals("ASN Digital", saved.issuer)
        assertEquals("work", saved.notes)
        assertEquals("Kantor", saved.group)
        compose.onNodeWithText("Kantor").performClick()
        settle()
        assertEquals(0, count("Bank"))
        compose.onNodeWithText("ASN Digital").assertIsDisplayed()
    }

    @Test
    fun moveDownReordersTheList() {
        add(uri("First", "a"), uri("Second", "b"))
        launch()
        val (first, second) = ids()
        compose.onNodeWithTag("edit-$first").performClick()
        settle()
        compose.onNodeWithTag("move-down").performClick()
        waitFor("new order") { ids() == listOf(second, first) }
    }

    @Test
    fun deleteAsksFirstAndCancelKeepsTheAccount() {
        add(uri("Portal", "jo"))
        launch()
        val id = ids().single()
        compose.onNodeWithTag("edit-$id").performClick()
        settle()
        compose.onNodeWithTag("delete").performClick()
        settle()
        compose.onNodeWithText(string(R.string.delete_body)).assertIsDisplayed()
        screenshot("delete-confirm")
        compose.onNodeWithText(string(R.string.cancel)).performClick()
        settle()
        assertEquals(1, ids().size)
        compose.onNodeWithTag("delete").performClick()
        settle()
        compose.onNodeWithTag("confirm-delete").performClick()
        waitFor("deletion") { ids().isEmpty() }
        waitForText(string(R.string.deleted))
    }

    @Test
    fun codesFollowTheBootClockNotTheWallClock() {
        FakeSntpServer(0).use { ntp ->
            add(uri("Portal", "jo"))
            runBlocking { app.vault().syncTimeWith(listOf(ntp.address), 1u) }
        }
        launch()
        val id = ids().single()
        val before = shownCode(id)
        val leftBefore = compose.onNodeWithTag("left-$id", useUnmergedTree = true).fetchSemanticsNode().config
            .getOrElse(androidx.compose.ui.semantics.SemanticsProperties.Text) { emptyList() }.joinToString { it.text }
        // The wall clock jumps 10 minutes (the user sets it): nothing on screen follows it.
        ShadowSystemClock.advanceBy(Duration.ofMinutes(10))
        tick()
        assertEquals(before, shownCode(id))
        // The boot clock moves one step: the next code shows.
        advanceBoot(30_000)
        waitFor("the next step's code") { shownCode(id) != before }
        assertNotEquals(before, shownCode(id))
        assertTrue("a countdown was shown", leftBefore.isNotEmpty())
    }

    @Test
    fun theNextCodeShowsNearTheEndOfAStepAndIsTheOneCopied() {
        add(uri("Portal", "jo"))
        pinTimeInStep(27_000)
        launch()
        val id = ids().single()
        val current = shownCode(id).replace(" ", "")
        val next = runBlocking { app.vault().codes() }.codes.single().next
        // The next code is on screen under the current one, so the user sees what the copy holds.
        compose.onNodeWithText(string(R.string.next_code, grouped(next))).assertIsDisplayed()
        compose.onNodeWithTag("code-$id").performClick()
        settle()
        assertEquals("3 s left: the code that will still work when pasted is copied", next, copied())
        assertNotEquals(current, next)
        screenshot("codes-next")
    }
}

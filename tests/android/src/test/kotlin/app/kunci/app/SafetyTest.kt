//! Point 4: app lock and unlock, lock after time in background (boot clock), FLAG_SECURE, the
//! recovery passphrase, encrypted backup export then import, another app's file with its
//! password, and the reminder to back up.
package app.kunci.app

import android.view.WindowManager
import androidx.compose.ui.test.assertIsDisplayed
import androidx.compose.ui.test.onNodeWithTag
import androidx.compose.ui.test.onNodeWithText
import androidx.compose.ui.test.performClick
import androidx.compose.ui.test.performScrollTo
import androidx.compose.ui.test.performTextInput
import androidx.compose.ui.test.performTextReplacement
import androidx.lifecycle.Lifecycle
import app.kunci.Authenticator
import app.kunci.ExportFormat
import app.kunci.KunciException
import app.kunci.OnConflict
import app.kunci.VaultSetup
import java.io.File
import kotlinx.coroutines.runBlocking
import org.junit.Assert.assertEquals
import org.junit.Assert.assertThrows
import org.junit.Assert.assertTrue
import org.junit.Test
import org.junit.runner.RunWith
import org.robolectric.RobolectricTestRunner

@RunWith(RobolectricTestRunner::class)
class SafetyTest : KunciTestBase() {
    private fun withAccount(issuer: String = "Portal") = runBlocking { app.vault().enrollUri(uri(issuer, "jo"), OnConflict.KEEP_BOTH) }
    private fun accounts() = runBlocking { app.vault().accounts() }

    private fun openSettings() {
        compose.onNodeWithText(string(R.string.settings)).performClick()
        settle()
    }

    @Test
    fun lockNowThenUnlockWithTheUsersCheck() {
        withAccount()
        launch()
        openSettings()
        compose.onNodeWithTag("lock-now").performScrollTo().performClick()
        waitForTag("unlock")
        compose.onNodeWithText(string(R.string.locked_title)).assertIsDisplayed()
        assertEquals(0, count("Portal"))
        screenshot("locked")
        user.answer = false
        compose.onNodeWithTag("unlock").performClick()
        waitForText(string(R.string.unlock_failed))
        compose.onNodeWithText(string(R.string.ok)).performClick()
        user.answer = true
        compose.onNodeWithTag("unlock").performClick()
        // Unlocked: back where the user locked it (settings), and the codes are one step back.
        waitForText(string(R.string.lock_now))
        assertEquals(0, count(string(R.string.locked_title)))
        compose.onNodeWithText(string(R.string.back)).performClick()
        waitForText("Portal")
        assertEquals(2, user.asked.get())
    }

    @Test
    fun locksAfterAMinuteInTheBackgroundOnTheBootClock() {
        withAccount()
        app.prefs.edit().putBoolean(KunciApplication.PREF_LOCK, true).apply()
        launch()
        compose.onNodeWithTag("unlock").performClick()
        waitForText("Portal")
        val s = checkNotNull(scenario)
        s.moveToState(Lifecycle.State.CREATED)
        advanceBoot(10_000)
        s.moveToState(Lifecycle.State.RESUMED)
        settle()
        compose.onNodeWithText("Portal").assertIsDisplayed()
        s.moveToState(Lifecycle.State.CREATED)
        advanceBoot(61_000)
        s.moveToState(Lifecycle.State.RESUMED)
        waitForTag("unlock")
    }

    @Test
    fun screensWithCodesAreSecure() {
        withAccount()
        launch()
        checkNotNull(scenario).onActivity { a ->
            assertTrue(a.window.attributes.flags and WindowManager.LayoutParams.FLAG_SECURE != 0)
        }
    }

    @Test
    fun recoveryPassphraseOpensTheVaultWithoutThePhonesKey() {
        withAccount()
        launch()
        openSettings()
        compose.onNodeWithTag("recovery").performScrollTo().performClick()
        settle()
        compose.onNodeWithTag("recovery-1").performTextInput("short")
        compose.onNodeWithTag("recovery-2").performTextInput("short")
        compose.onNodeWithTag("recovery-save").performClick()
        waitForText(string(R.string.recovery_too_short, 8))
        // The dialog stays open with what was typed; the user types a longer one over it.
        compose.onNodeWithTag("recovery-1").performTextReplacement("kopi susu pagi")
        compose.onNodeWithTag("recovery-2").performTextReplacement("kopi susu pagi")
        compose.onNodeWithTag("recovery-save").performClick()
        waitForText(string(R.string.recovery_saved))
        runBlocking { app.closeVault() }
        // The phone's key is gone (a reset): the passphrase alone opens the same accounts.
        Authenticator.openWithPassphrase(VaultSetup(File(dir, "vault.kunci").path, boot, options = options), "kopi susu pagi".toByteArray()).use {
            assertEquals("Portal", it.accounts().single().issuer)
        }
    }

    @Test
    fun aSetRecoveryPassphraseIsChangedOnlyWithTheCurrentOne() {
        withAccount()
        launch()
        openSettings()
        compose.onNodeWithTag("recovery").performScrollTo().performClick()
        settle()
        compose.onNodeWithTag("recovery-1").performTextInput("kopi susu pagi")
        compose.onNodeWithTag("recovery-2").performTextInput("kopi susu pagi")
        compose.onNodeWithTag("recovery-save").performClick()
        waitForText(string(R.string.recovery_saved))
        compose.onNodeWithText(string(R.string.ok)).performClick()
        compose.onNodeWithText(string(R.string.recovery_change_title)).performScrollTo().performClick()
        settle()
        compose.onNodeWithTag("recovery-current").performTextInput("teh manis sore")
        compose.onNodeWithTag("recovery-1").performTextInput("nasi goreng malam")
        compose.onNodeWithTag("recovery-2").performTextInput("nasi goreng malam")
        compose.onNodeWithTag("recovery-save").performClick()
        waitForText(string(R.string.recovery_current_wrong))
        compose.onNodeWithText(string(R.string.ok)).performClick()
        compose.onNodeWithTag("recovery-current").performTextReplacement("kopi susu pagi")
        compose.onNodeWithTag("recovery-save").performClick()
        waitForText(string(R.string.recovery_saved))
        runBlocking { app.closeVault() }
        val setup = VaultSetup(File(dir, "vault.kunci").path, boot, options = options)
        Authenticator.openWithPassphrase(setup, "nasi goreng malam".toByteArray()).use {
            assertEquals("Portal", it.accounts().single().issuer)
        }
        assertThrows(KunciException.WrongPassphrase::class.java) {
            Authenticator.openWithPassphrase(setup, "kopi susu pagi".toByteArray()).close()
        }
        // The phone's own key still opens it: the change rewrapped it.
        Authenticator.openWithKeyWrapper(setup, keyWrapper).use {
            assertEquals("Portal", it.accounts().single().issuer)
        }
    }

    @Test
    fun backupExportThenImportBringsAccountsBack() {
        withAccount("ASN")
        val backup = File(dir, "backup.kunci")
        documents.nextCreate = backup
        launch()
        openSettings()
        compose.onNodeWithTag("backup-password").performScrollTo().performTextInput("cadangan rahasia")
        compose.onNodeWithTag("export").performScrollTo().performClick()
        waitForText(string(R.string.backup_saved))
        assertTrue(backup.length() > 0)
        assertTrue("no secret in clear", !String(backup.readBytes(), Charsets.ISO_8859_1).contains(SECRET))
        screenshot("settings")
        runBlocking { app.vault().remove(accounts().single().id) }
        documents.nextOpen = backup
        compose.onNodeWithTag("import").performScrollTo().performClick()
        waitForText(string(R.string.import_password_title))
        compose.onNodeWithTag("password-field").performTextInput("cadangan rahasia")
        compose.onNodeWithTag("password-ok").performClick()
        waitForText(string(R.string.import_done, 1, 0, 0))
        assertEquals("ASN", accounts().single().issuer)
    }

    @Test
    fun anotherAppsEncryptedFileAsksForItsPassword() {
        // An Aegis export made by another vault (the core writes the real Aegis format).
        val other = Authenticator.create(VaultSetup(File(dir, "other.kunci").path, FakeBootClock(), options = options), "x-passphrase".toByteArray())
        val aegis = other.use {
            it.enrollUri(uri("Bank", "jo"), OnConflict.REJECT)
            it.enrollUri(uri("Mail", "ani"), OnConflict.REJECT)
            it.exportFile(ExportFormat.AEGIS, "aegis-pass".toByteArray())
        }
        documents.nextOpen = File(dir, "aegis.json").apply { writeBytes(aegis) }
        launch()
        openSettings()
        compose.onNodeWithTag("import").performScrollTo().performClick()
        waitForText(string(R.string.import_password_title))
        compose.onNodeWithTag("password-field").performTextInput("wrong")
        compose.onNodeWithTag("password-ok").performClick()
        waitForText(string(R.string.error_wrong_password))
        compose.onNodeWithTag("password-field").performTextInput("aegis-pass")
        compose.onNodeWithTag("password-ok").performClick()
        waitForText(string(R.string.import_done, 2, 0, 0))
        assertEquals(setOf("Bank", "Mail"), accounts().map { it.issuer }.toSet())
    }

    @Test
    fun addingAnAccountRemindsToBackUp() {
        withAccount("First")
        launch()
        compose.onNodeWithText(string(R.string.add)).performClick()
        settle()
        compose.onNodeWithTag("paste").performTextInput(uri("Second", "b"))
        compose.onNodeWithTag("paste-add").performClick()
        waitForText(string(R.string.backup_reminder))
    }
}

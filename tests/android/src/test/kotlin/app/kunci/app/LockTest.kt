//! Point 4, the app lock's key: turning the lock on (after the user's check) moves the vault to
//! a key that needs the user and the everyday key stops opening it; the background sync skips
//! while nobody unlocked Kunci; an invalidated key leads to the recovery passphrase with a
//! sentence (English and Indonesian); turning the lock off moves the vault back. The Keystore
//! cannot run under Robolectric: FakeUserKey plays the key that needs the user through the same
//! DeviceKey seam, with its 30 s window on the fake boot clock.
package app.kunci.app

import androidx.compose.ui.test.onNodeWithTag
import androidx.compose.ui.test.onNodeWithText
import androidx.compose.ui.test.performClick
import androidx.compose.ui.test.performScrollTo
import androidx.compose.ui.test.performTextInput
import androidx.compose.ui.test.performTextReplacement
import app.kunci.Authenticator
import app.kunci.DeviceKeyState
import app.kunci.KeyWrapper
import app.kunci.KunciException
import app.kunci.OnConflict
import app.kunci.VaultSetup
import java.io.File
import kotlinx.coroutines.runBlocking
import org.junit.Assert.assertEquals
import org.junit.Assert.assertFalse
import org.junit.Assert.assertTrue
import org.junit.Test
import org.junit.runner.RunWith
import org.robolectric.RobolectricTestRunner

@RunWith(RobolectricTestRunner::class)
class LockTest : KunciTestBase() {
    private val path get() = File(dir, "vault.kunci").path

    private fun withAccount() = runBlocking { app.vault().enrollUri(uri("Portal", "jo"), OnConflict.REJECT) }

    private fun withRecovery() {
        runBlocking { app.vault().addPassphrase(RECOVERY.toCharArray()) }
        app.prefs.edit().putBoolean(KunciApplication.PREF_RECOVERY_SET, true).putBoolean(KunciApplication.PREF_RECOVERY_OFFERED, true).apply()
    }

    /** Opens the vault file directly with [wrapper]: "opens", or the core's error class. */
    /** A retired key's material, had the Keystore kept it, opens nothing: it still unwraps, but
     *  the vault has no slot for it any more. */
    private fun assertNoSlotFor(material: javax.crypto.SecretKey) {
        val kept = MemoryKeyWrapper(material)
        assertEquals("KeyUnavailable", openWith(kept))
        assertTrue("the key worked but the vault has no slot for it", kept.foreignSlots.get() > 0)
    }

    private fun openWith(wrapper: KeyWrapper): String = try {
        Authenticator.openWithKeyWrapper(VaultSetup(path, boot, options = options), wrapper).close()
        "opens"
    } catch (e: KunciException) {
        e.javaClass.simpleName
    }

    /** The lock switch in settings, then the message it leads to. */
    private fun switchLock(expected: Int) {
        compose.onNodeWithTag("lock-switch").performScrollTo().performClick()
        waitForText(string(expected))
        compose.onNodeWithText(string(R.string.ok)).performClick()
        settle()
    }

    private fun openSettings() {
        compose.onNodeWithText(string(R.string.settings)).performClick()
        settle()
    }

    /** The user turns the lock on in Settings, then the process ends. */
    private fun lockOnAndRestart() {
        launch()
        openSettings()
        switchLock(R.string.lock_on)
        restart()
    }

    /**
     * The Keystore has invalidated the user's key (the screen lock was removed, and maybe set
     * again): the next unlock finds out and says so.
     */
    private fun unlockWithInvalidatedKey(noScreenLock: Boolean = false) {
        userKey.invalidated = true
        userKey.noScreenLock = noScreenLock
        launch()
        compose.onNodeWithTag("unlock").performClick()
        waitForText(string(R.string.key_invalidated))
    }

    /** The process ends (the app is closed, the phone sleeps past the key's 30 s window). */
    private fun restart() {
        checkNotNull(scenario).close()
        runBlocking { app.closeVault() }
        boot.advance(31_000)
    }

    @Test
    fun turningTheLockOnMovesTheVaultToTheKeyThatNeedsTheUser() {
        withAccount()
        launch()
        openSettings()
        switchLock(R.string.lock_on)
        assertTrue(app.lockOn)
        assertEquals(1, user.asked.get())
        // The everyday key is deleted from the key store, and the vault's slot for it is gone:
        // the same key material, had the Keystore kept it, opens nothing any more.
        assertEquals(DeviceKeyState.MISSING, keyWrapper.state())
        restart()
        assertNoSlotFor(keyWrapper.key)
        // The lock's key opens it only shortly after the user's check.
        assertEquals(DeviceKeyState.NEEDS_USER, userKey.state())
        assertEquals("KeyUnavailable", openWith(userKey))
        userKey.userAuthenticated()
        assertEquals("opens", openWith(userKey))
        boot.advance(31_000)
        // Opening the app: the lock screen, the prompt, then the codes with the lock's key.
        launch()
        waitForTag("unlock")
        assertEquals(0, count("Portal"))
        compose.onNodeWithTag("unlock").performClick()
        waitForText("Portal")
        assertEquals(2, user.asked.get())
    }

    @Test
    fun aRefusedCheckOrAPhoneWithoutAScreenLockLeavesTheLockOff() {
        withAccount()
        launch()
        openSettings()
        user.answer = false
        switchLock(R.string.unlock_failed)
        user.answer = true
        userKey.noScreenLock = true
        switchLock(R.string.lock_needs_screen_lock)
        assertFalse(app.lockOn)
        assertEquals(DeviceKeyState.READY, keyWrapper.state())
        restart()
        assertEquals("opens", openWith(keyWrapper))
    }

    @Test
    fun theBackgroundSyncSkipsWhileTheLockKeepsTheKeyOutOfReach() {
        withAccount()
        lockOnAndRestart()
        FakeSntpServer(120_000).use { ntp ->
            app.prefs.edit().putString(KunciApplication.PREF_QA_NTP, ntp.address).putInt(KunciApplication.PREF_QA_QUORUM, 1).apply()
            // Nobody unlocked Kunci: skipped quietly, before any time server is asked.
            assertEquals(TimeSyncWorker.Outcome.SKIPPED, runBlocking { TimeSyncWorker.sync(app) })
            assertEquals(0, ntp.requests.get())
            // Unlocked in the app, then locked again (lock now, or time in background): the vault
            // is open but its key forgotten: skipped too.
            userKey.userAuthenticated()
            runBlocking { app.vault().lock() }
            assertEquals(TimeSyncWorker.Outcome.SKIPPED, runBlocking { TimeSyncWorker.sync(app) })
            assertEquals(0, ntp.requests.get())
            // While the user has Kunci unlocked, the same run syncs.
            runBlocking { app.unlockWithDeviceKey() }
            assertEquals(TimeSyncWorker.Outcome.SYNCED, runBlocking { TimeSyncWorker.sync(app) })
            assertTrue(ntp.requests.get() >= 1)
        }
    }

    @Test
    fun anInvalidatedKeyLeadsToTheRecoveryPassphraseAndANewKey() {
        withAccount()
        withRecovery()
        lockOnAndRestart()
        // The phone's screen lock was removed and set again: the Keystore invalidated the key.
        unlockWithInvalidatedKey()
        assertEquals(0, count(string(R.string.key_lost_no_recovery)))
        screenshot("key-invalidated")
        compose.onNodeWithTag("key-lost-passphrase").performTextInput("teh manis sore")
        compose.onNodeWithTag("key-lost-open").performClick()
        waitForText(string(R.string.error_wrong_passphrase))
        compose.onNodeWithText(string(R.string.ok)).performClick()
        compose.onNodeWithTag("key-lost-passphrase").performTextReplacement(RECOVERY)
        compose.onNodeWithTag("key-lost-open").performClick()
        waitForText(string(R.string.key_renewed))
        waitForText("Portal")
        // The lock stays on with a fresh key that needs the user; the passphrase still works.
        assertTrue(app.lockOn)
        restart()
        assertEquals("KeyUnavailable", openWith(userKey))
        userKey.userAuthenticated()
        assertEquals("opens", openWith(userKey))
        Authenticator.openWithPassphrase(VaultSetup(path, boot, options = options), RECOVERY.toByteArray()).close()
    }

    @Test
    fun aPhoneWhoseScreenLockWasRemovedOpensWithThePassphraseAndTheLockGoesOff() {
        withAccount()
        withRecovery()
        lockOnAndRestart()
        // No screen lock any more: the key is invalidated and no key that needs the user can be
        // made; the real prompt then lets the user through (nothing to check against).
        unlockWithInvalidatedKey(noScreenLock = true)
        compose.onNodeWithTag("key-lost-passphrase").performTextInput(RECOVERY)
        compose.onNodeWithTag("key-lost-open").performClick()
        waitForText(string(R.string.lock_off_no_screen_lock))
        waitForText("Portal")
        assertFalse(app.lockOn)
        restart()
        assertEquals("opens", openWith(keyWrapper))
    }

    @Test
    fun withoutARecoveryPassphraseTheScreenSaysWhatIsLeft() = invalidatedWithoutRecovery("en", "recovery passphrase")

    @Test
    fun theInvalidatedKeyIsExplainedInIndonesian() = invalidatedWithoutRecovery("in", "frasa sandi pemulihan")

    private fun invalidatedWithoutRecovery(language: String, words: String) {
        setLanguage(language)
        withAccount()
        lockOnAndRestart()
        unlockWithInvalidatedKey()
        assertTrue(string(R.string.key_invalidated).contains(words))
        waitForText(string(R.string.key_lost_no_recovery))
        screenshot("key-invalidated-no-recovery")
    }

    @Test
    fun aLockTurnedOnByAnEarlierVersionMovesToTheUsersKeyAtTheFirstUnlock() {
        // Earlier versions only hid the screen: the setting is on, the vault still under the
        // everyday key. The first unlock (after the user's check) finishes the move.
        withAccount()
        app.prefs.edit().putBoolean(KunciApplication.PREF_LOCK, true).apply()
        runBlocking { app.closeVault() }
        launch()
        compose.onNodeWithTag("unlock").performClick()
        waitForText("Portal")
        assertEquals(DeviceKeyState.MISSING, keyWrapper.state())
        restart()
        assertEquals("KeyUnavailable", openWith(userKey))
        userKey.userAuthenticated()
        assertEquals("opens", openWith(userKey))
    }

    @Test
    fun turningTheLockOffMovesTheVaultBackToTheEverydayKey() {
        withAccount()
        launch()
        openSettings()
        switchLock(R.string.lock_on)
        switchLock(R.string.lock_off)
        assertFalse(app.lockOn)
        assertEquals(2, user.asked.get())
        assertEquals(DeviceKeyState.MISSING, userKey.state())
        restart()
        // The lock's key material (even without its need for the user) no longer opens it.
        assertNoSlotFor(userKey.key)
        assertEquals("opens", openWith(keyWrapper))
        // No lock screen, and background sync works again with the phone locked.
        launch()
        waitForText("Portal")
        FakeSntpServer(0).use { ntp ->
            app.prefs.edit().putString(KunciApplication.PREF_QA_NTP, ntp.address).putInt(KunciApplication.PREF_QA_QUORUM, 1).apply()
            assertEquals(TimeSyncWorker.Outcome.SYNCED, runBlocking { TimeSyncWorker.sync(app) })
        }
    }

    @Test
    fun thePromptAsksForWhatEachAndroidVersionAccepts() {
        val strong = androidx.biometric.BiometricManager.Authenticators.BIOMETRIC_STRONG
        val weak = androidx.biometric.BiometricManager.Authenticators.BIOMETRIC_WEAK
        val credential = androidx.biometric.BiometricManager.Authenticators.DEVICE_CREDENTIAL
        // Android 9 and 10: androidx.biometric refuses strong-or-credential; any biometric or credential.
        assertEquals(weak or credential, allowedAuthenticators(28))
        assertEquals(weak or credential, allowedAuthenticators(29))
        // Android 8 and 11+: the pair the Keystore key itself accepts.
        assertEquals(strong or credential, allowedAuthenticators(26))
        assertEquals(strong or credential, allowedAuthenticators(30))
        assertEquals(strong or credential, allowedAuthenticators(35))
    }

    private companion object {
        const val RECOVERY = "kopi susu pagi"
    }
}

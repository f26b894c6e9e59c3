package app.kunci

import java.nio.file.Path
import java.util.concurrent.Executors
import kotlinx.coroutines.asCoroutineDispatcher
import kotlinx.coroutines.async
import kotlinx.coroutines.awaitAll
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.Assertions.assertArrayEquals
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import org.junit.jupiter.api.io.TempDir

/** The Android library's pure-Kotlin API: KunciVault, CodeTicker, ClipboardPolicy, errors. */
class ApiTest {
    @TempDir
    lateinit var dir: Path

    private fun totp(from: Long, period: UInt = 30u) = CodeInfo(
        accountId = 1, issuer = "I", name = "n", kind = OtpKind.TOTP, code = "111111", previous = "000000",
        next = "222222", validFrom = from, validUntil = from + period.toLong(), period = period, counter = 0u,
    )

    private val hotp = CodeInfo(
        accountId = 2, issuer = "I", name = "h", kind = OtpKind.HOTP, code = "333333", previous = null,
        next = "444444", validFrom = null, validUntil = null, period = 0u, counter = 3u,
    )

    private fun time(status: TimeStatus = TimeStatus.SYNCED, offsetMs: Long = 0) =
        TimeInfo(utcMs = 0, uncertaintyMs = 10, status = status, offsetMs = offsetMs)

    @Test
    fun codeTickerCountsDownFromTheCoreTimesAndTheOffset() {
        val code = totp(from = 1_000_020L * 30)
        val start = code.validFrom!! * 1000
        assertEquals(30, CodeTicker.secondsLeft(code, start))
        assertEquals(1f, CodeTicker.progress(code, start))
        assertEquals(21, CodeTicker.secondsLeft(code, start + 9_200), "29.2 s... 20.8 s left shows 21")
        assertEquals(0.5f, CodeTicker.progress(code, start + 15_000))
        assertEquals(1, CodeTicker.secondsLeft(code, start + 29_999))
        assertEquals(0, CodeTicker.secondsLeft(code, start + 30_000))
        assertEquals(0f, CodeTicker.progress(code, start + 45_000))
        assertEquals("111111", CodeTicker.codeToShow(code, start + 26_000))
        assertEquals("222222", CodeTicker.codeToShow(code, start + 26_000, lookaheadMs = 5_000))

        // Trusted now = wall + offset: a phone 90 s behind still counts down the right step.
        val behind = time(offsetMs = 90_000)
        assertEquals(start + 5_000, CodeTicker.trustedNowMs(behind, start + 5_000 - 90_000))

        val list = CodeList(time(), listOf(code, hotp, totp(from = code.validFrom!! - 15, period = 60u)), emptyList(), false)
        assertEquals(start + 30_000, CodeTicker.nextRefreshAtMs(list))
        assertFalse(CodeTicker.needsRefresh(list, start + 29_999))
        assertTrue(CodeTicker.needsRefresh(list, start + 30_000))

        assertNull(CodeTicker.secondsLeft(hotp, start))
        assertNull(CodeTicker.progress(hotp, start))
        assertEquals("333333", CodeTicker.codeToShow(hotp, start, lookaheadMs = 5_000))
        assertNull(CodeTicker.nextRefreshAtMs(CodeList(time(), listOf(hotp), emptyList(), false)))
        assertNull(CodeTicker.nextRefreshAtMs(CodeList(time(), emptyList(), emptyList(), false)))
    }

    @Test
    fun timeBannerAndClipboardPolicy() {
        assertEquals(TimeBanner.NONE, TimeBanner.of(time()))
        assertEquals(TimeBanner.DRIFTING, TimeBanner.of(time(), timeWarning = true))
        assertEquals(TimeBanner.UNVERIFIED, TimeBanner.of(time(TimeStatus.UNVERIFIED)))
        assertEquals(TimeBanner.DRIFTING, TimeBanner.of(time(TimeStatus.DRIFTING)))
        assertEquals(TimeBanner.CONFLICT, TimeBanner.of(time(TimeStatus.CONFLICT), timeWarning = true))

        val policy = ClipboardPolicy(maxKeepMs = 30_000)
        val code = totp(from = 60_000L)
        val start = code.validFrom!! * 1000
        // Copied with 28 s left: kept the full 30 s (still accepted one step after expiry).
        assertEquals(30_000, policy.clearDelayMs(code, start + 2_000))
        // A policy without the grace step clears when the code expires.
        assertEquals(8_000, ClipboardPolicy(30_000, acceptedAfterExpirySteps = 0).clearDelayMs(code, start + 22_000))
        assertEquals(0, ClipboardPolicy(30_000, acceptedAfterExpirySteps = 0).clearDelayMs(code, start + 40_000))
        assertEquals(30_000, policy.clearDelayMs(hotp, start))
        assertFalse(policy.shouldClear(nowMs = 1_029_999, copiedAtMs = 1_000_000, delayMs = 30_000, clipboardStillOurs = true))
        assertTrue(policy.shouldClear(nowMs = 1_030_000, copiedAtMs = 1_000_000, delayMs = 30_000, clipboardStillOurs = true))
        assertFalse(policy.shouldClear(nowMs = 1_090_000, copiedAtMs = 1_000_000, delayMs = 30_000, clipboardStillOurs = false))
        assertThrows<IllegalArgumentException> { ClipboardPolicy(maxKeepMs = 0) }
    }

    @Test
    fun errorHelpersGiveTheSentence() {
        val dup = KunciException.DuplicateAccount("GitHub (jo) is already here.")
        assertEquals("GitHub (jo) is already here.", dup.message)
        assertEquals("GitHub (jo) is already here.", dup.userMessage())
        assertEquals(ErrorAction.RESOLVE_DUPLICATE, dup.action())
        assertEquals(ErrorAction.UPDATE_APP, KunciException.NewerVault("x").action())
        assertEquals(ErrorAction.NONE, KunciException.Internal("bug").action())
        assertEquals("fallback", IllegalStateException("boom").userMessage("fallback"))
        assertEquals("busy", (KunciException.Busy("busy") as Throwable).userMessage("fallback"))
    }

    /** A core error thrown through the bindings: `message` is the sentence, nothing else. */
    @Test
    fun coreErrorsCarryTheUserSentenceAsMessage() {
        val e = assertThrows<KunciException.InvalidInput> { previewUri("https://example.com/") }
        val message = e.message!!
        assertFalse(message.contains("detail=") || message.contains("message="), message)
        assertTrue(message.contains("otpauth"), message)
        assertEquals(message, e.localizedMessage)
        assertEquals(message, (e as Throwable).userMessage("fallback"))
    }

    /** `AuthenticatorOptions()` is the core's real defaults, not zeros meaning "default". */
    @Test
    fun optionsDefaultsAreTheCoreDefaults() {
        val defaults = AuthenticatorOptions()
        assertEquals(defaultOptions(), defaults)
        assertEquals(65_536u, defaults.kdfMemoryKib)
        assertEquals(3u, defaults.kdfIterations)
        assertEquals(3u, defaults.quorum)
        assertNull(defaults.ntpServers, "null means the built-in public servers")
        assertTrue(defaults.httpsUrls.isEmpty())
        // A quorum of 0 cannot be met: refused before any file is written.
        val zero = assertThrows<KunciException.InvalidInput> {
            val setup = Fixtures.setup(Fixtures.vaultPath(dir, "q0.kunci"), options = Fixtures.fastOptions().copy(quorum = 0u))
            Authenticator.create(setup, "pw".toByteArray())
        }
        assertTrue(zero.message!!.contains("quorum"), zero.message)
        assertFalse(java.io.File(Fixtures.vaultPath(dir, "q0.kunci")).exists())
    }

    @Test
    fun kunciVaultRunsCallsOnTheGivenDispatcher() {
        val executor = Executors.newFixedThreadPool(4) { r -> Thread(r, "kunci-io").apply { isDaemon = true } }
        val dispatcher = executor.asCoroutineDispatcher()
        val wrapper = AesGcmKeyWrapper()
        val seenThreads = java.util.concurrent.ConcurrentHashMap.newKeySet<String>()
        val clock = object : BootClock {
            override fun bootId() = "b".also { seenThreads += Thread.currentThread().name.substringBefore(" @coroutine") }
            override fun elapsedMs() = System.nanoTime() / 1_000_000
        }
        try {
            val path = Fixtures.vaultPath(dir)
            runBlocking {
                KunciVault.create(Fixtures.setup(path, clock), keyWrapper = wrapper, dispatcher = dispatcher).use { vault ->
                    val secret = Fixtures.randomSecret()
                    vault.enrollUri(Fixtures.uri("Vault", "kt", secret))
                    val dup = runCatching { vault.enrollUri(Fixtures.uri("Vault", "kt")) }.exceptionOrNull()
                    assertTrue(dup is KunciException.DuplicateAccount, dup.toString())
                    val lists = (1..16).map { async { vault.codes() } }.awaitAll()
                    assertTrue(lists.all { it.codes.size == 1 })
                    val list = lists.last()
                    assertEquals(Fixtures.referenceTotp(secret, list.time.utcMs / 1000), list.codes.single().code)
                    assertEquals(TimeBanner.UNVERIFIED, TimeBanner.of(list))
                    assertTrue(vault.exportFile(ExportFormat.URIS).isNotEmpty())
                }
                KunciVault.openWithKeyWrapper(Fixtures.setup(path, clock), wrapper, dispatcher).use { vault ->
                    assertEquals(listOf("Vault"), vault.accounts().map { it.issuer })
                    vault.lock()
                    assertThrows<KunciException.Locked> { runBlocking { vault.codes() } }
                    vault.unlockWithKeyWrapper(wrapper)
                    assertEquals(1, vault.codes().codes.size, "unlocked through the wrapper")
                }
            }
            assertEquals(setOf("kunci-io"), seenThreads.toSet(), "the core was called only on the dispatcher")
            assertTrue(KunciVault.coreVersion.matches(Regex("""\d+\.\d+\.\d+.*""")), KunciVault.coreVersion)
        } finally {
            executor.shutdownNow()
        }
    }
    @Test
    fun kunciVaultTakesPassphrasesAsCharArraysAndWipesItsUtf8Copies() {
        // The UTF-8 copy handed to the core is wiped after the call; the caller's array is not
        // touched (the caller wipes it when its screen is done with it).
        val typed = "kata sandi äöü ✓".toCharArray()
        var handed: ByteArray? = null
        withUtf8(typed) { bytes ->
            assertArrayEquals("kata sandi äöü ✓".toByteArray(Charsets.UTF_8), bytes)
            handed = bytes
        }
        assertTrue(handed!!.all { it == 0.toByte() }, "the UTF-8 copy is wiped")
        assertEquals("kata sandi äöü ✓", String(typed))

        val executor = Executors.newSingleThreadExecutor()
        val dispatcher = executor.asCoroutineDispatcher()
        try {
            val path = Fixtures.vaultPath(dir)
            runBlocking {
                val secret = Fixtures.randomSecret()
                KunciVault.create(Fixtures.setup(path), typed, dispatcher = dispatcher).use { vault ->
                    vault.enrollUri(Fixtures.uri("Bank", "ana", secret))
                    vault.changePassphrase(typed, "the new one".toCharArray())
                    vault.lock()
                    assertThrows<KunciException.WrongPassphrase> { runBlocking { vault.unlockWithPassphrase(typed) } }
                    vault.unlockWithPassphrase("the new one".toCharArray())
                    val backup = vault.exportFile(ExportFormat.KUNCI, "backup pw".toCharArray())
                    KunciVault.create(Fixtures.setup(Fixtures.vaultPath(dir, "b.kunci")), "other one".toCharArray(), dispatcher = dispatcher).use { dst ->
                        assertThrows<KunciException.WrongPassword> { runBlocking { dst.importFile(backup, null, "nope".toCharArray()) } }
                        assertEquals(1u, dst.importFiles(listOf(backup), null, "backup pw".toCharArray()).added)
                    }
                    // One account's QR code (the per-account transfer screen) scans back to it.
                    val id = vault.accounts().single().id
                    val preview = decodeQrImage(vault.accountQrPng(id)).single()
                    assertEquals(QrKind.OTPAUTH, preview.kind)
                    assertEquals("Bank" to "ana", preview.accounts.single().let { it.issuer to it.name })
                    assertNull(preview.text, "no otpauth URI crosses back")
                }
                KunciVault.openWithPassphrase(Fixtures.setup(path), "the new one".toCharArray(), dispatcher).use { vault ->
                    assertEquals(Fixtures.referenceTotp(secret, 1_700_000_000), vault.authenticator.codesAt(1_700_000_000_000).codes.single().code)
                }
            }
        } finally {
            executor.shutdownNow()
        }
    }
}

package app.kunci

import java.nio.file.Path
import java.time.Instant
import java.time.ZoneOffset
import java.time.format.DateTimeFormatter
import java.util.concurrent.CopyOnWriteArrayList
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNotNull
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import org.junit.jupiter.api.io.TempDir

/** Trusted time against fake SNTP servers and a Kotlin HttpsDate, carried on a Kotlin BootClock. */
class TimeSyncTest {
    @TempDir
    lateinit var dir: Path

    private val skewMs = 90_000L

    @Test
    fun oneLocalServerAheadBy90sMovesTimeAndCodes() {
        FakeSntpServer(skewMs).use { server ->
            val secret = Fixtures.randomSecret()
            Fixtures.newVault(dir).use { auth ->
                auth.enrollUri(Fixtures.uri("Portal", "jo", secret), OnConflict.REJECT)
                assertEquals(TimeStatus.UNVERIFIED, auth.timeNow().status, "never synced")

                val result = auth.syncTimeWith(listOf(server.address), 1u)
                assertEquals(SyncStatus.SYNCED, result.status, result.rejected.toString())
                assertEquals(1u, result.agreeing)
                assertTrue(server.requests.get() >= 1)
                assertNear(skewMs, result.offsetMs, 500, "sync result")

                val time = auth.timeNow()
                assertEquals(TimeStatus.SYNCED, time.status)
                assertNear(skewMs, time.offsetMs, 500, "timeNow")
                assertCodesAreAtWallPlusSkew(auth, secret)
            }
        }
    }

    @Test
    fun threeServersAgreeAndASilentOneDoesNotStallTheSync() {
        val servers = List(3) { FakeSntpServer(skewMs) }
        val silent = FakeSntpServer(0, silent = true)
        try {
            val secret = Fixtures.randomSecret()
            Fixtures.newVault(dir).use { auth ->
                auth.enrollUri(Fixtures.uri("Portal", "jo", secret), OnConflict.REJECT)
                val started = System.nanoTime()
                val result = auth.syncTimeWith(servers.map { it.address } + silent.address, 3u)
                val tookMs = (System.nanoTime() - started) / 1_000_000
                assertEquals(SyncStatus.SYNCED, result.status, result.rejected.toString())
                assertEquals(3u, result.agreeing)
                assertTrue(tookMs < 3_000, "sync took $tookMs ms with a silent server")
                assertTrue(silent.requests.get() >= 1, "the silent server was asked")
                assertNear(skewMs, auth.timeNow().offsetMs, 500, "3 servers")
                assertCodesAreAtWallPlusSkew(auth, secret)
            }

            // Only a silent server: a typed failure within a few seconds, time stays unverified.
            Fixtures.newVault(dir, name = "silent.kunci").use { auth ->
                val started = System.nanoTime()
                val e = assertThrows<KunciException> { auth.syncTimeWith(listOf(silent.address), 1u) }
                val tookMs = (System.nanoTime() - started) / 1_000_000
                assertTrue(e is KunciException.TimeSyncFailed, e.toString())
                assertTrue(e.userMessage().isNotBlank())
                assertTrue(tookMs < 5_000, "a lone silent server took $tookMs ms")
                assertEquals(TimeStatus.UNVERIFIED, auth.timeNow().status)
            }
        } finally {
            servers.forEach { it.close() }
            silent.close()
        }
    }

    @Test
    fun kotlinHttpsDateIsATimeSourceOfTheCore() {
        val urls = CopyOnWriteArrayList<String>()
        val https = object : HttpsDate {
            override fun fetchDate(url: String): String {
                urls += url
                val at = Instant.ofEpochMilli(System.currentTimeMillis() + skewMs).atZone(ZoneOffset.UTC)
                return DateTimeFormatter.RFC_1123_DATE_TIME.format(at)
            }

            override fun isAuthenticated(url: String): Boolean = url.startsWith("https://")
        }
        val url = "https://time.example.test/"
        val options = Fixtures.fastOptions(httpsUrls = listOf(url), quorum = 1u)
        Fixtures.newVault(dir, https = https, options = options).use { auth ->
            // No NTP servers for this sync: the HTTPS Date header alone decides.
            val result = auth.syncTimeWith(emptyList(), 1u)
            assertEquals(listOf(url), urls.toList())
            assertEquals(SyncStatus.SYNCED, result.status, result.rejected.toString())
            assertEquals(1u, result.responded)
            // A Date header has whole seconds: the interval is about a second wide.
            assertNear(skewMs, result.offsetMs, 1_500, "https date")
            assertTrue(result.uncertaintyMs in 400L..1_500L, "uncertainty ${result.uncertaintyMs}")
        }

        // An HttpsDate that throws is a rejected source with a reason, not a crash.
        val failing = object : HttpsDate {
            override fun fetchDate(url: String): String = throw PlatformException.Failed("offline")
            override fun isAuthenticated(url: String): Boolean = true
        }
        Fixtures.newVault(dir, name = "offline.kunci", https = failing, options = options).use { auth ->
            val e = assertThrows<KunciException> { auth.syncTimeWith(emptyList(), 1u) }
            assertTrue(e is KunciException.TimeSyncFailed, e.toString())
            assertEquals(TimeStatus.UNVERIFIED, auth.timeNow().status)
        }
    }

    @Test
    fun throwingBootClockGivesUnverifiedTimeNotACrash() {
        val clock = ThrowingBootClock()
        val secret = Fixtures.randomSecret()
        Fixtures.newVault(dir, bootClock = clock).use { auth ->
            auth.enrollUri(Fixtures.uri("Portal", "jo", secret), OnConflict.REJECT)
            val time = auth.timeNow()
            assertEquals(TimeStatus.UNVERIFIED, time.status)
            assertTrue(clock.calls.get() >= 1, "the core asked the Kotlin clock")
            assertNear(0, time.offsetMs, 1_000, "falls back to the wall clock")
            val list = auth.codes()
            assertEquals(Fixtures.referenceTotp(secret, list.time.utcMs / 1000), list.codes.single().code)
            assertEquals(TimeBanner.UNVERIFIED, TimeBanner.of(list))
        }
    }

    /**
     * Once the Kotlin BootClock throws, no anchor may carry time on it: a sync must not leave
     * time frozen at the sync instant and reported SYNCED (a bug this test found once).
     */
    @Test
    fun syncWithAThrowingBootClockNeverClaimsSyncedTime() {
        FakeSntpServer(skewMs).use { server ->
            Fixtures.newVault(dir, bootClock = ThrowingBootClock()).use { auth ->
                runCatching { auth.syncTimeWith(listOf(server.address), 1u) }
                val first = auth.timeNow()
                Thread.sleep(1_100)
                val second = auth.timeNow()
                assertTrue(second.utcMs - first.utcMs >= 1_000, "time advances: $first then $second")
                assertEquals(TimeStatus.UNVERIFIED, second.status)
            }
        }
    }

    @Test
    fun diagnosticsIsARecordWithTimeFieldsAndNoAccountNames() {
        FakeSntpServer(skewMs).use { server ->
            Fixtures.newVault(dir).use { auth ->
                auth.enrollUri(Fixtures.uri("SecretIssuer", "hidden.person"), OnConflict.REJECT)
                val before = auth.diagnostics("Asia/Jakarta", 7 * 3600)
                assertNull(before.lastSync)
                assertNull(before.lastSyncUnixMs)
                assertEquals(TimeStatus.UNVERIFIED, before.status)
                assertTrue(Regex("\"last_sync\":null").containsMatchIn(before.json), before.json)

                auth.syncTimeWith(listOf(server.address), 1u)
                val d = auth.diagnostics("Asia/Jakarta", 7 * 3600)
                assertEquals(TimeStatus.SYNCED, d.status)
                assertNear(skewMs, d.offsetMs, 500, "diagnostics offset")
                assertTrue(d.uncertaintyMs >= 0, "uncertainty ${d.uncertaintyMs}")
                assertTrue(d.lastSync!!.startsWith("20"), d.lastSync)
                assertNotNull(d.lastSyncUnixMs)
                assertEquals("Asia/Jakarta", d.timeZone)
                assertEquals(7 * 3600, d.utcOffsetSeconds)
                assertEquals(listOf(server.address), d.sources.map { it.source })
                assertEquals(kunciVersion(), d.coreVersion)
                // The JSON for a ticket says the same.
                for (key in listOf("status", "offset_ms", "uncertainty_ms", "last_sync")) {
                    assertTrue(d.json.contains("\"$key\":"), "$key in ${d.json}")
                }
                assertTrue(d.json.contains("\"offset_ms\":${d.offsetMs}"), d.json)
                assertFalse(d.json.contains("SecretIssuer") || d.json.contains("hidden.person"), d.json)
                assertFalse(d.toString().contains("SecretIssuer") || d.toString().contains("hidden.person"), d.toString())
            }
        }
    }

    /** codes() is at the trusted time, which is 90 s ahead of the JVM's wall clock. */
    private fun assertCodesAreAtWallPlusSkew(auth: Authenticator, secret: ByteArray) {
        val wallBefore = System.currentTimeMillis()
        val list = auth.codes()
        val wallAfter = System.currentTimeMillis()
        assertTrue(list.time.utcMs in (wallBefore + skewMs - 500)..(wallAfter + skewMs + 500), "utc ${list.time.utcMs - wallBefore}")
        val code = list.codes.single()
        assertEquals(Fixtures.referenceTotp(secret, list.time.utcMs / 1000), code.code)
        assertEquals(auth.codesAt(list.time.utcMs).codes.single().code, code.code)
        assertTrue(code.validFrom!! * 1000 > wallAfter + 30_000, "the code is from a step 60-90 s ahead")
        assertEquals(TimeBanner.NONE, TimeBanner.of(list))
    }

    private fun assertNear(expected: Long, actual: Long, tolerance: Long, what: String) =
        assertTrue(kotlin.math.abs(actual - expected) <= tolerance, "$what: $actual not within $tolerance of $expected")
}

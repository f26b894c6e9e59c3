package app.kunci

import java.nio.file.Path
import java.util.concurrent.ConcurrentHashMap
import java.util.concurrent.CountDownLatch
import java.util.concurrent.Executors
import java.util.concurrent.TimeUnit
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.io.TempDir

/** One Authenticator shared by many threads, as a UI thread pool and a sync worker share it. */
class ConcurrencyTest {
    @TempDir
    lateinit var dir: Path

    @Test
    fun eightThreadsTimesFiftyCallsOnOneAuthenticator() {
        val threads = 8
        val calls = 50
        val t = 1_700_000_000L
        val seed = Fixtures.randomSecret()
        Fixtures.newVault(dir).use { auth ->
            auth.enrollUri(Fixtures.uri("Seed", "0", seed), OnConflict.REJECT)
            val expectedSeedCode = Fixtures.referenceTotp(seed, t)
            val secrets = ConcurrentHashMap<String, ByteArray>()
            val failures = ConcurrentHashMap.newKeySet<String>()
            val start = CountDownLatch(1)
            val pool = Executors.newFixedThreadPool(threads)
            repeat(threads) { th ->
                pool.execute {
                    start.await()
                    for (i in 0 until calls) {
                        try {
                            when (i % 5) {
                                0 -> {
                                    val s = Fixtures.randomSecret()
                                    val name = "t$th-$i"
                                    secrets[name] = s
                                    auth.enrollUri(Fixtures.uri("Load", name, s), OnConflict.REJECT)
                                }
                                1 -> {
                                    val list = auth.codesAt(t * 1000)
                                    val code = list.codes.first { it.issuer == "Seed" }.code
                                    if (code != expectedSeedCode) failures += "seed code $code"
                                }
                                2 -> auth.codes().codes.forEach { if (it.code.length != 6) failures += "code ${it.code}" }
                                3 -> auth.timeNow()
                                else -> auth.accounts()
                            }
                        } catch (e: Throwable) {
                            failures += "thread $th call $i: $e"
                        }
                    }
                }
            }
            start.countDown()
            pool.shutdown()
            assertTrue(pool.awaitTermination(120, TimeUnit.SECONDS), "threads finished")
            assertTrue(failures.isEmpty(), failures.take(5).toString())

            val expectedCount = 1 + threads * (calls / 5)
            assertEquals(expectedCount, secrets.size + 1)
            val list = auth.codesAt(t * 1000)
            assertEquals(expectedCount, list.codes.size)
            assertTrue(list.unreadable.isEmpty())
            for (code in list.codes.filter { it.issuer == "Load" }) {
                assertEquals(Fixtures.referenceTotp(secrets.getValue(code.name), t), code.code, code.name)
            }
            assertEquals(expectedCount, list.codes.map { it.accountId }.toSet().size, "ids are unique")
        }
    }
}

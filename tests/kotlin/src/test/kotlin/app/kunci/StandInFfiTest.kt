package app.kunci

import java.nio.ByteBuffer
import java.nio.ByteOrder
import javax.crypto.Mac
import javax.crypto.spec.SecretKeySpec
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows

/** Proves the harness on the stand-in FFI: each kind of thing the real surface crosses the FFI with. */
class StandInFfiTest {
    @Test
    fun versionComesFromTheCoreThroughTheAndroidApi() {
        val version = KunciVersion.core
        assertTrue(Regex("""\d+\.\d+\.\d+.*""").matches(version), version)
        assertEquals(kunciVersion(), version)
    }

    @Test
    fun totpMatchesRfc6238ComputedHereIndependently() {
        val secret = "12345678901234567890".toByteArray(Charsets.US_ASCII)
        // RFC 6238 appendix B, SHA-1 (8 digits there: 94287082 at 59 s; 6 digits: the last six).
        assertEquals("287082", totpCode(secret, 59uL))
        for (unix in listOf(59L, 1111111109L, 1111111111L, 1234567890L, 2000000000L, 20000000000L)) {
            assertEquals(referenceTotp(secret, unix), totpCode(secret, unix.toULong()), "at $unix")
        }
    }

    @Test
    fun rustErrorArrivesAsTypedKotlinException() {
        val e = assertThrows<KunciException.InvalidInput> { totpCode(ByteArray(0), 59uL) }
        assertTrue(e.reason.contains("empty"), e.reason)
    }

    @Test
    fun rustCallsBackIntoAKotlinBootClock() {
        class FixedBootClock(private val ms: ULong) : BootClock {
            var calls = 0
            override fun elapsedMs(): ULong {
                calls++
                return ms
            }
        }
        val clock = FixedBootClock(123_456_789_012uL)
        assertEquals(123_456_789_012uL, readBootClock(clock))
        assertEquals(1, clock.calls)
    }

    @Test
    fun borrowedBytesNeedADirectByteBuffer() {
        val frame = ByteBuffer.allocateDirect(640 * 480)
        assertEquals(640uL * 480uL, byteLen(frame))
        assertEquals(0uL, byteLen(ByteBuffer.allocateDirect(0)))
        // uniffi 0.32's zero-copy &[u8] refuses heap buffers (no stable native address).
        assertThrows<IllegalArgumentException> { byteLen(ByteBuffer.wrap(ByteArray(4))) }
    }

    /** RFC 6238 TOTP with SHA-1, 30 s steps, 6 digits: javax.crypto, independent of the core. */
    private fun referenceTotp(secret: ByteArray, unix: Long): String {
        val counter = ByteBuffer.allocate(8).order(ByteOrder.BIG_ENDIAN).putLong(unix / 30).array()
        val mac = Mac.getInstance("HmacSHA1").apply { init(SecretKeySpec(secret, "HmacSHA1")) }
        val hash = mac.doFinal(counter)
        val offset = hash[hash.size - 1].toInt() and 0x0f
        val binary = ((hash[offset].toInt() and 0x7f) shl 24) or
            ((hash[offset + 1].toInt() and 0xff) shl 16) or
            ((hash[offset + 2].toInt() and 0xff) shl 8) or
            (hash[offset + 3].toInt() and 0xff)
        return (binary % 1_000_000).toString().padStart(6, '0')
    }
}

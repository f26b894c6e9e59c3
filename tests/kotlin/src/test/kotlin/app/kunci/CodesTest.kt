package app.kunci

import java.nio.file.Path
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.io.TempDir

/** RFC 6238 appendix B through both code paths, checked against javax.crypto.Mac here. */
class CodesTest {
    @TempDir
    lateinit var dir: Path

    private val seeds = mapOf(
        "SHA1" to "12345678901234567890",
        "SHA256" to "12345678901234567890123456789012",
        "SHA512" to "1234567890123456789012345678901234567890123456789012345678901234",
    ).mapValues { it.value.toByteArray(Charsets.US_ASCII) }

    private val vectors: Map<Long, List<String>> = linkedMapOf(
        59L to listOf("94287082", "46119246", "90693936"),
        1111111109L to listOf("07081804", "68084774", "25091201"),
        1111111111L to listOf("14050471", "67062674", "99943326"),
        1234567890L to listOf("89005924", "91819424", "93441116"),
        2000000000L to listOf("69279037", "90698825", "38618901"),
        20000000000L to listOf("65353130", "77737706", "47863826"),
    )

    private fun uri(algo: String) =
        "otpauth://totp/RFC6238:$algo?secret=${Fixtures.base32(seeds.getValue(algo))}&algorithm=$algo&digits=8&period=30&issuer=RFC6238"

    @Test
    fun codesAtAndCodeForUriMatchRfc6238AndAnIndependentHmac() {
        val algos = listOf("SHA1", "SHA256", "SHA512")
        Fixtures.newVault(dir).use { auth ->
            algos.forEach { auth.enrollUri(uri(it), OnConflict.REJECT) }
            for ((t, expected) in vectors) {
                val list = auth.codesAt(t * 1000)
                assertEquals(TimeStatus.SYNCED, list.time.status)
                assertEquals(t * 1000, list.time.utcMs)
                assertEquals(algos, list.codes.map { it.name })
                for ((i, algo) in algos.withIndex()) {
                    val mac = "Hmac$algo"
                    val mine = Fixtures.referenceTotp(seeds.getValue(algo), t, 8, mac)
                    assertEquals(expected[i], mine, "the Kotlin reference itself, $algo at $t")
                    val code = list.codes[i]
                    assertEquals(expected[i], code.code, "codesAt $algo at $t")
                    assertEquals(t / 30 * 30, code.validFrom)
                    assertEquals(t / 30 * 30 + 30, code.validUntil)
                    assertEquals(Fixtures.referenceTotp(seeds.getValue(algo), t + 30, 8, mac), code.next)
                    assertEquals(Fixtures.referenceTotp(seeds.getValue(algo), t - 30, 8, mac), code.previous)

                    val single = codeForUri(uri(algo), t)
                    assertEquals(code.copy(accountId = 0), single, "codeForUri $algo at $t")
                }
            }
        }
    }

    @Test
    fun codeForUriHonoursPeriodDigitsAndSteam() {
        val secret = Fixtures.randomSecret()
        val b32 = Fixtures.base32(secret)
        val t = 1_750_000_123L
        val sixty = codeForUri("otpauth://totp/X:y?secret=$b32&period=60&digits=7", t)
        assertEquals(Fixtures.referenceTotp(secret, t, 7, period = 60), sixty.code)
        assertEquals(60u, sixty.period)
        assertEquals(t / 60 * 60 + 60, sixty.validUntil)

        val steam = codeForUri("otpauth://steam/Steam:gamer?secret=$b32", t)
        assertEquals(OtpKind.STEAM, steam.kind)
        assertEquals(5, steam.code.length)
        assertEquals(true, steam.code.all { it in "23456789BCDFGHJKMNPQRTVWXY" }, steam.code)

        // Lower case, spaces and padding in the secret are forgiven (with a warning in preview).
        val messy = b32.lowercase().chunked(4).joinToString("%20") + "===="
        assertEquals(Fixtures.referenceTotp(secret, t), codeForUri("otpauth://totp/X:y?secret=$messy", t).code)
        assertEquals(true, previewUri("otpauth://totp/X:y?secret=$messy").single().warnings.isNotEmpty())

        val hotp = codeForUri("otpauth://hotp/X:y?secret=$b32&counter=5", t)
        assertEquals(Fixtures.referenceOtp(secret, 5), hotp.code)
        // HOTP codes are valid until used: no validity window at all, not a sentinel value.
        assertNull(hotp.validFrom)
        assertNull(hotp.validUntil)
        assertNull(CodeTicker.secondsLeft(hotp, t * 1000))
    }
}

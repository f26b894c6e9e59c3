package app.kunci

import java.io.File
import java.net.DatagramPacket
import java.net.DatagramSocket
import java.net.InetAddress
import java.net.InetSocketAddress
import java.net.SocketException
import java.nio.ByteBuffer
import java.nio.ByteOrder
import java.nio.file.Files
import java.nio.file.Path
import java.security.SecureRandom
import java.util.concurrent.atomic.AtomicInteger
import javax.crypto.Cipher
import javax.crypto.KeyGenerator
import javax.crypto.Mac
import javax.crypto.SecretKey
import javax.crypto.spec.GCMParameterSpec
import javax.crypto.spec.SecretKeySpec

/** Shared fixtures: platform fakes written in Kotlin, paths, and an independent TOTP. */
object Fixtures {
    /** The checkout root (Surefire runs with the module directory, tests/kotlin, as cwd). */
    val root: File = File(System.getProperty("user.dir")).resolve("../..").canonicalFile

    /** The QR photo corpus: `tests/data/qr` in the repository, or `$KUNCI_QR_CORPUS`. */
    val corpus: File = (System.getenv("KUNCI_QR_CORPUS")?.let(::File) ?: root.resolve("tests/data/qr")).canonicalFile

    /** Argon2id at 8 MiB × 1 pass: a real passphrase slot, fast enough for tests. */
    fun fastOptions(
        ntpServers: List<String>? = null,
        httpsUrls: List<String> = emptyList(),
        quorum: UInt = 3u,
    ) = AuthenticatorOptions(
        kdfMemoryKib = 8u,
        kdfIterations = 1u,
        ntpServers = ntpServers,
        httpsUrls = httpsUrls,
        quorum = quorum,
    )

    fun vaultPath(dir: Path, name: String = "vault.kunci"): String = dir.resolve(name).toString()

    /** The vault at [path] with the tests' platform: a monotonic boot clock and [fastOptions]. */
    fun setup(
        path: String,
        bootClock: BootClock = MonotonicBootClock(),
        https: HttpsDate? = null,
        options: AuthenticatorOptions = fastOptions(),
    ) = VaultSetup(path, bootClock, https, options)

    /** A passphrase vault with a monotonic Kotlin boot clock; closed by the caller (`use`). */
    fun newVault(
        dir: Path,
        passphrase: String = "correct horse",
        name: String = "vault.kunci",
        bootClock: BootClock = MonotonicBootClock(),
        https: HttpsDate? = null,
        options: AuthenticatorOptions = fastOptions(),
    ): Authenticator = Authenticator.create(setup(vaultPath(dir, name), bootClock, https, options), passphrase.toByteArray())

    /** RFC 4226 dynamic truncation over javax.crypto.Mac: independent of the core. */
    fun referenceOtp(secret: ByteArray, counter: Long, digits: Int = 6, algorithm: String = "HmacSHA1"): String {
        val msg = ByteBuffer.allocate(8).order(ByteOrder.BIG_ENDIAN).putLong(counter).array()
        val mac = Mac.getInstance(algorithm).apply { init(SecretKeySpec(secret, algorithm)) }
        val hash = mac.doFinal(msg)
        val offset = hash[hash.size - 1].toInt() and 0x0f
        val binary = ((hash[offset].toInt() and 0x7f) shl 24) or
            ((hash[offset + 1].toInt() and 0xff) shl 16) or
            ((hash[offset + 2].toInt() and 0xff) shl 8) or
            (hash[offset + 3].toInt() and 0xff)
        var mod = 1L
        repeat(digits) { mod *= 10 }
        return (binary % mod).toString().padStart(digits, '0')
    }

    fun referenceTotp(secret: ByteArray, unixSeconds: Long, digits: Int = 6, algorithm: String = "HmacSHA1", period: Int = 30) =
        referenceOtp(secret, Math.floorDiv(unixSeconds, period.toLong()), digits, algorithm)

    /** RFC 4648 base32 without padding (for building otpauth URIs from raw secrets). */
    fun base32(bytes: ByteArray): String {
        val alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
        val out = StringBuilder()
        var buffer = 0
        var bits = 0
        for (b in bytes) {
            buffer = (buffer shl 8) or (b.toInt() and 0xff)
            bits += 8
            while (bits >= 5) {
                out.append(alphabet[(buffer shr (bits - 5)) and 31])
                bits -= 5
            }
        }
        if (bits > 0) out.append(alphabet[(buffer shl (5 - bits)) and 31])
        return out.toString()
    }

    fun randomSecret(bytes: Int = 20): ByteArray = ByteArray(bytes).also { SecureRandom().nextBytes(it) }

    fun uri(issuer: String, name: String, secret: ByteArray = randomSecret(), extra: String = ""): String =
        "otpauth://totp/$issuer:$name?secret=${base32(secret)}&issuer=$issuer$extra"
}

/** The JVM's monotonic clock as the boot clock: what `elapsedRealtime()` is on Android. */
class MonotonicBootClock(private val bootId: String = "jvm-boot-1") : BootClock {
    val calls = AtomicInteger()
    override fun bootId(): String = bootId.also { calls.incrementAndGet() }
    override fun elapsedMs(): Long = (System.nanoTime() / 1_000_000).also { calls.incrementAndGet() }
}

/** A boot clock whose platform calls fail (a broken sysfs, a SecurityException). */
class ThrowingBootClock : BootClock {
    val calls = AtomicInteger()
    override fun bootId(): String {
        calls.incrementAndGet()
        throw IllegalStateException("boot id unavailable")
    }

    override fun elapsedMs(): Long {
        calls.incrementAndGet()
        throw IllegalStateException("elapsedRealtime unavailable")
    }
}

/** AES-256-GCM under a key that lives only in this object: a stand-in for Android Keystore. */
class AesGcmKeyWrapper(private val key: SecretKey = KeyGenerator.getInstance("AES").apply { init(256) }.generateKey()) :
    KeyWrapper {
    val wraps = AtomicInteger()
    val unwraps = AtomicInteger()

    override fun wrap(key: ByteArray): ByteArray {
        wraps.incrementAndGet()
        val iv = ByteArray(12).also { SecureRandom().nextBytes(it) }
        val cipher = Cipher.getInstance("AES/GCM/NoPadding").apply { init(Cipher.ENCRYPT_MODE, this@AesGcmKeyWrapper.key, GCMParameterSpec(128, iv)) }
        return iv + cipher.doFinal(key)
    }

    override fun unwrapKey(wrapped: ByteArray): ByteArray {
        unwraps.incrementAndGet()
        if (wrapped.size < 12 + 16) throw PlatformException.KeyUnavailable("wrapped key too short")
        val cipher = Cipher.getInstance("AES/GCM/NoPadding")
        cipher.init(Cipher.DECRYPT_MODE, key, GCMParameterSpec(128, wrapped, 0, 12))
        return try {
            cipher.doFinal(wrapped, 12, wrapped.size - 12)
        } catch (e: javax.crypto.AEADBadTagException) {
            throw PlatformException.KeyUnavailable("the platform key cannot open this vault")
        }
    }
}

/** A key wrapper whose keystore is broken: throws an undeclared exception from every call. */
class ThrowingKeyWrapper : KeyWrapper {
    override fun wrap(key: ByteArray): ByteArray = throw IllegalStateException("keystore is gone")
    override fun unwrapKey(wrapped: ByteArray): ByteArray = throw IllegalStateException("keystore is gone")
}

/**
 * A minimal SNTP server on 127.0.0.1 whose clock is the JVM's wall clock + [offsetMs]: mode 4,
 * version 4, stratum 2, the client's transmit timestamp echoed as origin, a reference time a
 * minute before transmit. [silent]: reads requests and never answers.
 */
class FakeSntpServer(private val offsetMs: Long, private val silent: Boolean = false) : AutoCloseable {
    private val socket = DatagramSocket(InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
    val requests = AtomicInteger()
    val address: String get() = "127.0.0.1:${socket.localPort}"
    private val thread = Thread(::serve, "fake-sntp-${socket.localPort}").apply {
        isDaemon = true
        start()
    }

    private fun serve() {
        val buf = ByteArray(512)
        while (!socket.isClosed) {
            val packet = DatagramPacket(buf, buf.size)
            try {
                socket.receive(packet)
            } catch (e: SocketException) {
                return
            }
            requests.incrementAndGet()
            if (silent || packet.length < 48) continue
            val now = System.currentTimeMillis() + offsetMs
            val reply = ByteBuffer.allocate(48).order(ByteOrder.BIG_ENDIAN)
            reply.put(((0 shl 6) or (4 shl 3) or 4).toByte()) // LI 0, VN 4, mode 4 (server)
            reply.put(2) // stratum 2
            reply.put(6) // poll
            reply.put((-20).toByte()) // precision ~1 µs
            reply.putInt(msToShort(2)) // root delay
            reply.putInt(msToShort(3)) // root dispersion
            reply.put(byteArrayOf(127, 0, 0, 1)) // reference id
            reply.putLong(ntpTimestamp(now - 60_000)) // reference: before transmit
            reply.put(buf, 40, 8) // origin = the client's transmit timestamp
            reply.putLong(ntpTimestamp(now)) // receive
            reply.putLong(ntpTimestamp(now)) // transmit
            socket.send(DatagramPacket(reply.array(), 48, packet.socketAddress))
        }
    }

    override fun close() {
        socket.close()
        thread.join(2_000)
    }

    companion object {
        private const val NTP_UNIX_DELTA = 2_208_988_800L

        fun ntpTimestamp(unixMs: Long): Long {
            val seconds = (Math.floorDiv(unixMs, 1000L) + NTP_UNIX_DELTA) and 0xffff_ffffL
            val fraction = (Math.floorMod(unixMs, 1000L) shl 32) / 1000
            return (seconds shl 32) or fraction
        }

        private fun msToShort(ms: Int): Int = ((ms.toLong() shl 16) / 1000).toInt()
    }
}

/** Deletes a temp directory tree (JUnit's @TempDir does this; used where a test makes its own). */
fun deleteTree(dir: Path) {
    if (Files.exists(dir)) dir.toFile().deleteRecursively()
}

//! Platform fakes for the UI tests: a boot clock the test advances, an in-memory AES key wrapper
//! (Android Keystore does not exist under Robolectric), a document picker that hands over files,
//! a user check that says yes or no, a frame source the test feeds, a dispatcher that counts its
//! work (so Compose waits for core calls) and records that none ran on the main thread, and an
//! SNTP server on 127.0.0.1.
package app.kunci.app

import android.net.Uri
import android.os.Looper
import app.kunci.BootClock
import app.kunci.KeyWrapper
import app.kunci.KunciException
import app.kunci.LumaFrame
import java.io.File
import java.net.DatagramPacket
import java.net.DatagramSocket
import java.net.InetAddress
import java.net.InetSocketAddress
import java.net.SocketException
import java.nio.ByteBuffer
import java.nio.ByteOrder
import java.security.SecureRandom
import java.time.Instant
import java.util.concurrent.Executors
import java.util.concurrent.atomic.AtomicInteger
import java.util.concurrent.atomic.AtomicLong
import javax.crypto.Cipher
import javax.crypto.KeyGenerator
import javax.crypto.SecretKey
import javax.crypto.spec.GCMParameterSpec
import kotlin.coroutines.CoroutineContext
import kotlinx.coroutines.CoroutineDispatcher

class FakeBootClock(start: Long = 1_000_000) : BootClock {
    val now = AtomicLong(start)
    var boot = "boot-1"
    override fun bootId(): String = boot
    override fun elapsedMs(): Long = now.get()
    fun advance(ms: Long) = now.addAndGet(ms)
}

/** AES-256-GCM under a key that lives only in this object: a stand-in for the Keystore. */
class MemoryKeyWrapper(private val key: SecretKey = KeyGenerator.getInstance("AES").apply { init(256) }.generateKey()) : KeyWrapper {
    override fun wrap(key: ByteArray): ByteArray {
        val iv = ByteArray(12).also { SecureRandom().nextBytes(it) }
        val cipher = Cipher.getInstance("AES/GCM/NoPadding").apply { init(Cipher.ENCRYPT_MODE, this@MemoryKeyWrapper.key, GCMParameterSpec(128, iv)) }
        return iv + cipher.doFinal(key)
    }

    override fun unwrapKey(wrapped: ByteArray): ByteArray {
        if (wrapped.size < 28) throw KunciException.KeyUnavailable("wrapped key too short")
        val cipher = Cipher.getInstance("AES/GCM/NoPadding")
        cipher.init(Cipher.DECRYPT_MODE, key, GCMParameterSpec(128, wrapped, 0, 12))
        return try {
            cipher.doFinal(wrapped, 12, wrapped.size - 12)
        } catch (e: javax.crypto.AEADBadTagException) {
            throw KunciException.KeyUnavailable("the platform key cannot open this vault")
        }
    }
}

class FakeDocuments : Documents {
    /** The next file the "user" picks (null: they cancel). */
    var nextOpen: File? = null
    var nextCreate: File? = null
    val openedTypes = mutableListOf<List<String>>()

    override fun open(types: Array<String>, onResult: (Uri?) -> Unit) {
        openedTypes += types.toList()
        onResult(nextOpen?.let(Uri::fromFile))
    }

    override fun create(name: String, onResult: (Uri?) -> Unit) = onResult(nextCreate?.let(Uri::fromFile))
}

class FakeUserAuthenticator(var answer: Boolean = true) : UserAuthenticator {
    val asked = AtomicInteger()
    override fun authenticate(onResult: (Boolean) -> Unit) {
        asked.incrementAndGet()
        onResult(answer)
    }
}

class FakeFrameSource : FrameSource {
    @Volatile var sink: ((LumaFrame) -> Unit)? = null
    val starts = AtomicInteger()
    val stops = AtomicInteger()

    override fun start(onFrame: (LumaFrame) -> Unit): Boolean {
        starts.incrementAndGet()
        sink = onFrame
        return true
    }

    override fun stop() {
        stops.incrementAndGet()
        sink = null
    }

    fun push(frame: LumaFrame) = checkNotNull(sink) { "the scan screen is not showing" }(frame)
}

/** Two worker threads; counts pending work for Compose's idling and records main-thread runs. */
class CountingDispatcher : CoroutineDispatcher() {
    private val pool = Executors.newFixedThreadPool(2) { r -> Thread(r, "kunci-test-io").apply { isDaemon = true } }
    val busy = AtomicInteger()
    val ran = AtomicInteger()
    val ranOnMain = AtomicInteger()

    override fun dispatch(context: CoroutineContext, block: Runnable) {
        busy.incrementAndGet()
        pool.execute {
            try {
                ran.incrementAndGet()
                if (Looper.getMainLooper().isCurrentThread) ranOnMain.incrementAndGet()
                block.run()
            } finally {
                busy.decrementAndGet()
            }
        }
    }

    fun shutdown() = pool.shutdownNow()
}

/**
 * A minimal SNTP server on 127.0.0.1 whose clock is the real wall clock + [offsetMs] (Instant,
 * which Robolectric does not virtualize, as the core reads the real clock). [silent]: never answers.
 */
class FakeSntpServer(private val offsetMs: Long, private val silent: Boolean = false) : AutoCloseable {
    private val socket = DatagramSocket(InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
    val requests = AtomicInteger()
    val address: String get() = "127.0.0.1:${socket.localPort}"
    private val thread = Thread(::serve, "fake-sntp").apply {
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
            val now = Instant.now().toEpochMilli() + offsetMs
            val reply = ByteBuffer.allocate(48).order(ByteOrder.BIG_ENDIAN)
            reply.put(((4 shl 3) or 4).toByte()) // LI 0, VN 4, mode 4 (server)
            reply.put(2) // stratum
            reply.put(6) // poll
            reply.put((-20).toByte()) // precision
            reply.putInt(((2L shl 16) / 1000).toInt()) // root delay 2 ms
            reply.putInt(((3L shl 16) / 1000).toInt()) // root dispersion 3 ms
            reply.put(byteArrayOf(127, 0, 0, 1))
            reply.putLong(ntp(now - 60_000))
            reply.put(buf, 40, 8) // origin = the client's transmit timestamp
            reply.putLong(ntp(now))
            reply.putLong(ntp(now))
            socket.send(DatagramPacket(reply.array(), 48, packet.socketAddress))
        }
    }

    override fun close() {
        socket.close()
        thread.join(2_000)
    }

    private fun ntp(unixMs: Long): Long {
        val seconds = (Math.floorDiv(unixMs, 1000L) + 2_208_988_800L) and 0xffff_ffffL
        val fraction = (Math.floorMod(unixMs, 1000L) shl 32) / 1000
        return (seconds shl 32) or fraction
    }
}

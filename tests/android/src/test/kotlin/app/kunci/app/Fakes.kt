//! Platform fakes for the UI tests: a boot clock the test advances, an in-memory AES key wrapper
//! (Android Keystore does not exist under Robolectric) and one that, like the app lock's Keystore
//! key, refuses until the fake user check said yes, a document picker that hands over files,
//! a user check that says yes or no, a frame source the test feeds, a dispatcher that counts its
//! work (so Compose waits for core calls) and records that none ran on the main thread, and an
//! SNTP server on 127.0.0.1.
package app.kunci.app

import android.net.Uri
import android.os.Looper
import app.kunci.BootClock
import app.kunci.DeviceKey
import app.kunci.DeviceKeyState
import app.kunci.KunciException
import app.kunci.PlatformException
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

/**
 * AES-256-GCM under a key that lives only in this object: a stand-in for the Keystore's everyday
 * key. [delete] forgets it as the Keystore would ([state] MISSING, every use refused); [key] is
 * public so a test can check that the vault's slot, not just this object, stopped opening it.
 */
open class MemoryKeyWrapper(val key: SecretKey = KeyGenerator.getInstance("AES").apply { init(256) }.generateKey()) : DeviceKey {
    @Volatile var deleted = false
    val deletions = AtomicInteger()
    /** Unwraps of data this key did not wrap (a slot of another key): the key worked, the slot is not its. */
    val foreignSlots = AtomicInteger()

    /** Why the key cannot be used now, or null; [MemoryKeyWrapper] only knows "deleted". */
    protected open fun refusal(): DeviceKeyState? = if (deleted) DeviceKeyState.MISSING else null

    private fun check() {
        when (refusal()) {
            null, DeviceKeyState.READY -> Unit
            DeviceKeyState.MISSING -> throw PlatformException.KeyUnavailable("This device's key for the vault is gone; open it with your passphrase.")
            DeviceKeyState.NEEDS_USER -> throw PlatformException.KeyUnavailable("Unlock Kunci with your fingerprint or screen lock first.")
            DeviceKeyState.INVALIDATED -> throw PlatformException.KeyUnavailable("This device's key was invalidated; open the vault with your passphrase.")
            DeviceKeyState.FAILED -> throw PlatformException.KeyUnavailable("The device key store failed.")
        }
    }

    override fun wrap(key: ByteArray): ByteArray {
        // The Keystore makes a deleted key again on the next wrap; so does this fake.
        if (deleted) deleted = false
        check()
        val iv = ByteArray(12).also { SecureRandom().nextBytes(it) }
        val cipher = Cipher.getInstance("AES/GCM/NoPadding").apply { init(Cipher.ENCRYPT_MODE, this@MemoryKeyWrapper.key, GCMParameterSpec(128, iv)) }
        return iv + cipher.doFinal(key)
    }

    override fun unwrapKey(wrapped: ByteArray): ByteArray {
        check()
        if (wrapped.size < 28) throw KunciException.KeyUnavailable("wrapped key too short")
        val cipher = Cipher.getInstance("AES/GCM/NoPadding")
        cipher.init(Cipher.DECRYPT_MODE, key, GCMParameterSpec(128, wrapped, 0, 12))
        return try {
            cipher.doFinal(wrapped, 12, wrapped.size - 12)
        } catch (e: javax.crypto.AEADBadTagException) {
            foreignSlots.incrementAndGet()
            throw KunciException.KeyUnavailable("the platform key cannot open this vault")
        }
    }

    override fun state(): DeviceKeyState = refusal() ?: DeviceKeyState.READY

    override fun delete() {
        deletions.incrementAndGet()
        deleted = true
    }
}

/**
 * The app lock's key: like a Keystore key with `setUserAuthenticationParameters(30 s, …)`, it
 * refuses every use until [FakeUserAuthenticator] said yes, then works for [validMs] on the boot
 * clock. [invalidated] plays the Keystore's KeyPermanentlyInvalidatedException (screen lock
 * removed); [delete] and the next wrap make a fresh, valid key, as the Keystore would.
 */
class FakeUserKey(private val boot: FakeBootClock, private val validMs: Long = 30_000) : MemoryKeyWrapper() {
    @Volatile private var authenticatedAtMs: Long? = null
    @Volatile var invalidated = false
    /** A phone without a screen lock: a key that needs the user cannot be made. */
    @Volatile var noScreenLock = false

    fun userAuthenticated() {
        authenticatedAtMs = boot.elapsedMs()
    }

    override fun refusal(): DeviceKeyState? {
        super.refusal()?.let { return it }
        if (invalidated) return DeviceKeyState.INVALIDATED
        val at = authenticatedAtMs ?: return DeviceKeyState.NEEDS_USER
        return if (boot.elapsedMs() - at <= validMs) null else DeviceKeyState.NEEDS_USER
    }

    override fun wrap(key: ByteArray): ByteArray {
        if (noScreenLock) throw PlatformException.KeyUnavailable("The device key store failed (InvalidAlgorithmParameterException).")
        return super.wrap(key)
    }

    override fun delete() {
        super.delete()
        invalidated = false
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

/** The platform's picture decoder: the pictures it "opens" are given; every call is kept. */
class FakePictureConverter : PictureConverter {
    /** Picture bytes (as a list, for equality) to what the platform makes of them. */
    val opens = java.util.concurrent.ConcurrentHashMap<List<Byte>, ByteArray>()
    val calls = java.util.concurrent.CopyOnWriteArrayList<Pair<List<Byte>, Int>>()

    override fun convert(picture: ByteArray, maxSide: Int): ByteArray? {
        calls += picture.toList() to maxSide
        return opens[picture.toList()]
    }
}

/** The biometric prompt: says [answer]; a yes also opens the lock's key for a while. */
class FakeUserAuthenticator(var answer: Boolean = true, private val userKey: FakeUserKey? = null) : UserAuthenticator {
    val asked = AtomicInteger()
    override fun authenticate(onResult: (Boolean) -> Unit) {
        asked.incrementAndGet()
        if (answer) userKey?.userAuthenticated()
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

/**
 * Two worker threads; counts pending work for Compose's idling and records main-thread runs.
 * A test can [hold] the work and release it in an order it picks, to replay a race exactly.
 */
class CountingDispatcher : CoroutineDispatcher() {
    private val pool = Executors.newFixedThreadPool(2) { r -> Thread(r, "kunci-test-io").apply { isDaemon = true } }
    private val held = ArrayList<Runnable>()
    private var holding = false
    val busy = AtomicInteger()
    val ran = AtomicInteger()
    val ranOnMain = AtomicInteger()

    override fun dispatch(context: CoroutineContext, block: Runnable) {
        busy.incrementAndGet()
        val task = Runnable {
            try {
                ran.incrementAndGet()
                if (Looper.getMainLooper().isCurrentThread) ranOnMain.incrementAndGet()
                block.run()
            } finally {
                busy.decrementAndGet()
            }
        }
        val queued = synchronized(held) { holding.also { if (it) held.add(task) } }
        if (!queued) pool.execute(task)
    }

    /** From now on core calls wait (nothing runs) until [releaseNewestFirst]. */
    fun hold() = synchronized(held) { holding = true }

    /** Runs the held calls one at a time, the last one dispatched first, each to its end (so
     *  their results reach the main thread in that order); then work runs again as it comes.
     *  Returns how many ran. */
    fun releaseNewestFirst(): Int {
        val tasks = synchronized(held) {
            holding = false
            held.reversed().also { held.clear() }
        }
        tasks.forEach { pool.submit(it).get() }
        return tasks.size
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

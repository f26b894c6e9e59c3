//! The harness every UI test shares: the real app with the real core (libkunci through JNA) and
//! fake platform pieces, a fresh vault per test, helpers to launch, wait, tick the boot clock,
//! make QR pictures and save a PNG screenshot of what is on screen.
package app.kunci.app

import android.content.Intent
import android.graphics.Bitmap
import android.graphics.Canvas
import android.graphics.Color
import android.os.Looper
import android.view.Gravity
import android.view.View
import android.view.WindowManager
import androidx.compose.ui.semantics.SemanticsProperties
import androidx.compose.ui.semantics.getOrNull
import androidx.compose.ui.test.IdlingResource
import androidx.compose.ui.test.SemanticsMatcher
import androidx.compose.ui.test.junit4.createEmptyComposeRule
import androidx.compose.ui.test.onAllNodesWithTag
import androidx.compose.ui.test.onAllNodesWithText
import androidx.test.core.app.ActivityScenario
import androidx.test.core.app.ApplicationProvider
import app.kunci.AuthenticatorOptions
import app.kunci.LumaFrame
import app.kunci.renderQrPng
import java.io.File
import java.nio.file.Files
import java.util.concurrent.TimeUnit
import kotlinx.coroutines.runBlocking
import javax.imageio.ImageIO
import org.junit.After
import org.junit.Before
import org.junit.Rule
import org.robolectric.RuntimeEnvironment
import org.robolectric.Shadows.shadowOf

abstract class KunciTestBase {
    @get:Rule
    val compose = createEmptyComposeRule()

    lateinit var app: KunciApplication
    lateinit var dir: File
    val boot = FakeBootClock()
    val keyWrapper = MemoryKeyWrapper()
    val userKey = FakeUserKey(boot)
    val documents = FakeDocuments()
    val user = FakeUserAuthenticator(userKey = userKey)
    val frames = FakeFrameSource()
    val pictures = FakePictureConverter()
    val io = CountingDispatcher()
    var scenario: ActivityScenario<MainActivity>? = null

    /** Cheap Argon2 for passphrase slots and backups; no default time sources (no network). */
    open val options = AuthenticatorOptions(kdfMemoryKib = 8u, kdfIterations = 1u, ntpServers = emptyList(), httpsUrls = emptyList(), quorum = 1u)

    @Before
    fun setUpServices() {
        app = ApplicationProvider.getApplicationContext()
        dir = Files.createTempDirectory("kunci-ui").toFile()
        app.useServices(
            Services(
                dispatcher = io,
                bootClock = boot,
                keyWrapper = keyWrapper,
                userKey = userKey,
                https = null,
                vaultFile = File(dir, "vault.kunci"),
                documents = { documents },
                userAuthenticator = { user },
                frameSource = { frames },
                options = options,
                lockAfterMs = 60_000,
                pictures = pictures,
            ),
        )
        compose.registerIdlingResource(object : IdlingResource {
            override val isIdleNow: Boolean get() = io.busy.get() == 0
        })
    }

    @After
    fun tearDown() {
        scenario?.close()
        kotlinx.coroutines.runBlocking { app.closeVault() }
        io.shutdown()
        dir.deleteRecursively()
    }

    fun launch(intent: Intent? = null): ActivityScenario<MainActivity> {
        val s = if (intent == null) ActivityScenario.launch(MainActivity::class.java) else ActivityScenario.launch<MainActivity>(intent)
        scenario = s
        settle()
        return s
    }

    /**
     * Anchors the vault's trusted time with a sync against a fake server, then moves the (fake)
     * boot clock so that the trusted time sits [intoStepMs] into a 30 s step. From then on the
     * codes on screen no longer depend on when the test runs: the trusted time only moves with
     * the boot clock, and the test does not move it.
     */
    fun pinTimeInStep(intoStepMs: Long) {
        FakeSntpServer(0).use { ntp -> runBlocking { app.vault().syncTimeWith(listOf(ntp.address), 1u) } }
        val phase = Math.floorMod(runBlocking { app.vault().timeNow() }.utcMs, 30_000L)
        boot.advance(Math.floorMod(intoStepMs - phase, 30_000L))
    }

    /** Lets background core calls and the main looper finish (no clock moves). */
    fun settle() {
        repeat(50) {
            compose.waitForIdle()
            shadowOf(Looper.getMainLooper()).idle()
            if (io.busy.get() == 0) return
            Thread.sleep(20)
        }
        compose.waitForIdle()
    }

    /** Moves the boot clock (and the app's tick) forward by `ms`. */
    fun advanceBoot(ms: Long) {
        boot.advance(ms)
        tick()
    }

    /** Runs the view model's next tick (it is due every 500 ms of looper time). */
    fun tick() {
        shadowOf(Looper.getMainLooper()).idleFor(600, TimeUnit.MILLISECONDS)
        settle()
        shadowOf(Looper.getMainLooper()).idleFor(600, TimeUnit.MILLISECONDS)
        settle()
    }

    fun waitFor(what: String, condition: () -> Boolean) {
        repeat(200) {
            settle()
            if (condition()) return
            Thread.sleep(25)
        }
        screenshot("timeout")
        val warnings = org.robolectric.shadows.ShadowLog.getLogsForTag("Kunci").map { "${it.msg}: ${it.throwable}" }
        throw AssertionError("timed out waiting for $what; on screen: ${screenTexts()}; app warnings: $warnings")
    }

    /** Every text on screen (all windows, dialogs included), for failure messages. */
    fun screenTexts(): List<String> =
        compose.onAllNodes(SemanticsMatcher("any node") { true }, useUnmergedTree = true).fetchSemanticsNodes().flatMap { node ->
            node.config.getOrNull(SemanticsProperties.Text).orEmpty().map { it.text } +
                listOfNotNull(node.config.getOrNull(SemanticsProperties.EditableText)?.text)
        }

    fun waitForText(text: String, substring: Boolean = true) =
        waitFor("text '$text'") { compose.onAllNodesWithText(text, substring = substring).fetchSemanticsNodes().isNotEmpty() }

    fun waitForTag(tag: String) = waitFor("tag '$tag'") { compose.onAllNodesWithTag(tag).fetchSemanticsNodes().isNotEmpty() }

    /** How many nodes show `text` (substring). */
    fun count(text: String): Int = compose.onAllNodesWithText(text, substring = true).fetchSemanticsNodes().size

    fun string(id: Int, vararg args: Any): String = app.resources.getString(id, *args)

    /** Switches the language (or another qualifier) on top of the phone-sized screen ("+" appends). */
    fun setLanguage(tag: String) = RuntimeEnvironment.setQualifiers(if (tag.startsWith("+")) tag else "+$tag")

    /** What is on screen drawn into a PNG under target/screenshots/android/<name>-<lang>.png: the
     *  activity's window, then every window above it (dialogs) at its place, dimmed behind as a
     *  phone dims it. */
    fun screenshot(name: String) {
        settle()
        val outDir = File(System.getProperty("kunci.screenshots") ?: "target/screenshots/android").apply { mkdirs() }
        val lang = app.resources.configuration.locales[0].language.ifEmpty { "en" }
        checkNotNull(scenario).onActivity { activity ->
            val base = activity.window.decorView
            val bitmap = Bitmap.createBitmap(base.width.coerceAtLeast(1), base.height.coerceAtLeast(1), Bitmap.Config.ARGB_8888)
            val canvas = Canvas(bitmap)
            base.draw(canvas)
            for ((view, params) in windowsAbove(base)) {
                if (params.flags and WindowManager.LayoutParams.FLAG_DIM_BEHIND != 0) {
                    canvas.drawColor(Color.argb((params.dimAmount * 255).toInt(), 0, 0, 0))
                }
                // Robolectric does not place windows: a dialog (gravity centre) is centred here, as
                // the window manager would.
                val centred = params.gravity == 0 || params.gravity and Gravity.CENTER == Gravity.CENTER
                val x = if (centred) (base.width - view.width) / 2f else 0f
                val y = if (centred) (base.height - view.height) / 2f else 0f
                canvas.save()
                canvas.translate(x, y)
                view.draw(canvas)
                canvas.restore()
            }
            File(outDir, "$name-$lang.png").outputStream().use { bitmap.compress(Bitmap.CompressFormat.PNG, 100, it) }
        }
    }

    /** The windows added after `base` (dialogs), in order, read from the framework's window list
     *  (WindowManagerGlobal is hidden API, so through reflection). */
    @Suppress("UNCHECKED_CAST")
    private fun windowsAbove(base: View): List<Pair<View, WindowManager.LayoutParams>> {
        val global = Class.forName("android.view.WindowManagerGlobal")
        val instance = global.getMethod("getInstance").invoke(null)
        fun <T> field(name: String): List<T> = global.getDeclaredField(name).apply { isAccessible = true }.get(instance) as List<T>
        val views = field<View>("mViews")
        val params = field<WindowManager.LayoutParams>("mParams")
        val from = views.indexOf(base)
        if (from < 0) return emptyList()
        return (from + 1 until views.size).map { views[it] to params[it] }.filter { it.first.isShown }
    }

    /** A QR picture rendered by the core (PNG bytes). */
    fun qrPng(text: String): ByteArray = renderQrPng(text, 8u)

    /** A camera-like luma frame of a picture (PNG or JPEG bytes), centred on a larger grey field. */
    fun lumaFrame(picture: ByteArray): LumaFrame {
        val img = ImageIO.read(picture.inputStream()) ?: error("not a picture ImageIO reads")
        val w = img.width + 80
        val h = img.height + 80
        val stride = w + 16 // row padding, as camera planes have
        val bytes = ByteArray(stride * h) { 0xC0.toByte() }
        for (y in 0 until img.height) for (x in 0 until img.width) {
            val rgb = img.getRGB(x, y)
            val luma = (((rgb shr 16) and 0xff) * 299 + ((rgb shr 8) and 0xff) * 587 + (rgb and 0xff) * 114) / 1000
            bytes[(y + 40) * stride + x + 40] = luma.toByte()
        }
        return LumaFrame.of(java.nio.ByteBuffer.allocateDirect(bytes.size).put(bytes).flip() as java.nio.ByteBuffer, w, h, stride)
    }

    fun corpus(path: String): File = File(System.getProperty("kunci.root"), "tests/data/qr/$path")

    companion object {
        const val SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
        fun uri(issuer: String, name: String, secret: String = SECRET) = "otpauth://totp/$issuer:$name?secret=$secret&issuer=$issuer"
    }
}

//! The one activity: shows [KunciApp], wires the platform actions (document picker, biometric
//! prompt, camera, share, clipboard), takes `otpauth://` deep links and the QA intent extras,
//! keeps codes out of screenshots and recents (FLAG_SECURE), and locks after time in background.
package app.kunci.app

import android.content.ClipData
import android.content.ClipboardManager
import android.content.Intent
import android.content.pm.ApplicationInfo
import android.net.Uri
import android.os.Bundle
import android.view.WindowManager
import androidx.activity.compose.setContent
import androidx.activity.result.contract.ActivityResultContracts
import androidx.activity.viewModels
import androidx.compose.runtime.getValue
import androidx.fragment.app.FragmentActivity
import androidx.lifecycle.compose.collectAsStateWithLifecycle

/** What the screens ask of the platform (the activity implements it; tests drive it). */
interface PlatformActions {
    val unlock: () -> Unit
    val pickImage: () -> Unit
    val pickImport: () -> Unit
    fun exportBackup(password: String)
    fun share(text: String)
    fun copyText(text: String)
    fun frameSource(): FrameSource
    fun lockEnabled(): Boolean
    /** The lock switch: asks for the user's check first, then moves the vault to the other key. */
    fun setLock(on: Boolean)
    /** The passphrase screen's "open" (the user's check first when the lock is on). */
    fun openWithPassphrase(passphrase: String)
    /** QA time sources now: NTP servers, HTTPS URLs, quorum. */
    fun timeSources(): Triple<String, String, Int>
}

class MainActivity : FragmentActivity() {
    private val vm: MainViewModel by viewModels()
    private val app get() = application as KunciApplication

    private var openCallback: ((Uri?) -> Unit)? = null
    private var createCallback: ((Uri?) -> Unit)? = null
    private val openDocument = registerForActivityResult(ActivityResultContracts.OpenDocument()) { openCallback?.invoke(it) }
    private val createDocument = registerForActivityResult(ActivityResultContracts.CreateDocument("application/octet-stream")) {
        createCallback?.invoke(it)
    }

    /** The Storage Access Framework picker (no storage permission needed). */
    val documents = object : Documents {
        override fun open(types: Array<String>, onResult: (Uri?) -> Unit) {
            openCallback = onResult
            openDocument.launch(types)
        }

        override fun create(name: String, onResult: (Uri?) -> Unit) {
            createCallback = onResult
            createDocument.launch(name)
        }
    }

    private val actions = object : PlatformActions {
        override val unlock: () -> Unit = { app.services.userAuthenticator(this@MainActivity).authenticate(vm::onAuthenticated) }
        override val pickImage: () -> Unit = {
            app.services.documents(this@MainActivity).open(arrayOf("image/*")) { uri -> uri?.let(vm::enrollImage) }
        }
        override val pickImport: () -> Unit = {
            app.services.documents(this@MainActivity).open(arrayOf("*/*")) { uri -> uri?.let(vm::importFrom) }
        }

        override fun exportBackup(password: String) =
            app.services.documents(this@MainActivity).create("kunci-backup.kunci") { uri -> uri?.let { vm.exportBackup(it, password) } }

        override fun share(text: String) {
            val send = Intent(Intent.ACTION_SEND).setType("text/plain").putExtra(Intent.EXTRA_TEXT, text)
            startActivity(Intent.createChooser(send, getString(R.string.share)))
        }

        override fun copyText(text: String) {
            getSystemService(ClipboardManager::class.java)?.setPrimaryClip(ClipData.newPlainText("Kunci", text))
            vm.copiedText()
        }

        override fun frameSource(): FrameSource = app.services.frameSource(this@MainActivity)
        override fun lockEnabled(): Boolean = app.lockOn
        override fun setLock(on: Boolean) =
            app.services.userAuthenticator(this@MainActivity).authenticate { ok -> vm.setLockEnabled(on, ok) }

        override fun openWithPassphrase(passphrase: String) {
            if (app.lockOn) {
                app.services.userAuthenticator(this@MainActivity).authenticate { ok -> vm.openWithPassphrase(passphrase, ok) }
            } else {
                vm.openWithPassphrase(passphrase, false)
            }
        }
        override fun timeSources(): Triple<String, String, Int> = Triple(
            app.prefs.getString(KunciApplication.PREF_QA_NTP, "").orEmpty(),
            app.prefs.getString(KunciApplication.PREF_QA_HTTPS, "").orEmpty(),
            app.options().quorum.toInt(),
        )
    }

    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        // Codes and secrets never appear in screenshots, screen recordings or the recents list.
        window.setFlags(WindowManager.LayoutParams.FLAG_SECURE, WindowManager.LayoutParams.FLAG_SECURE)
        if (savedInstanceState == null) handleIntent(intent)
        setContent {
            val ui by vm.ui.collectAsStateWithLifecycle()
            KunciApp(ui, vm, actions)
        }
    }

    override fun onNewIntent(intent: Intent) {
        super.onNewIntent(intent)
        handleIntent(intent)
    }

    override fun onStart() {
        super.onStart()
        vm.onForeground()
    }

    override fun onStop() {
        super.onStop()
        vm.onBackground()
    }

    /** `otpauth://` links (QA: `adb shell am start -d 'otpauth://…'`) and, in debug builds, time sources. */
    private fun handleIntent(intent: Intent?) {
        intent ?: return
        val data = intent.data
        if (data != null && (data.scheme == "otpauth" || data.scheme == "otpauth-migration")) {
            vm.go(Screen.ADD)
            vm.enrollUri(data.toString())
        }
        val debuggable = applicationInfo.flags and ApplicationInfo.FLAG_DEBUGGABLE != 0
        val ntp = intent.getStringExtra(EXTRA_NTP)
        val https = intent.getStringExtra(EXTRA_HTTPS)
        if (debuggable && (ntp != null || https != null)) {
            vm.setTimeSources(ntp.orEmpty(), https.orEmpty(), intent.getIntExtra(EXTRA_QUORUM, 1))
        }
    }

    companion object {
        /** QA: `adb shell am start -n app.kunci/app.kunci.app.MainActivity --es ntp 10.0.2.2:1123 --ei quorum 1`. */
        const val EXTRA_NTP = "ntp"
        const val EXTRA_HTTPS = "https"
        const val EXTRA_QUORUM = "quorum"
    }
}

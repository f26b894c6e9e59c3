package app.kunci.app

import android.app.Application
import android.content.pm.ApplicationInfo
import android.net.Uri
import androidx.lifecycle.AndroidViewModel
import androidx.lifecycle.viewModelScope
import app.kunci.ClipboardPolicy
import app.kunci.CodeInfo
import app.kunci.CodeList
import app.kunci.CodeTicker
import app.kunci.ErrorAction
import app.kunci.KunciException
import app.kunci.KunciVault
import app.kunci.OnConflict
import app.kunci.action
import app.kunci.android.SensitiveClipboard
import app.kunci.userMessage
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.update
import kotlinx.coroutines.launch
import kotlinx.coroutines.withContext

/** What needs the user's choice after an enrollment hit an existing account. */
sealed interface PendingConflict {
    val detail: String

    data class Image(val bytes: ByteArray, override val detail: String) : PendingConflict
    data class Camera(override val detail: String) : PendingConflict
}

data class UiState(
    val list: CodeList? = null,
    val message: String? = null,
    val conflict: PendingConflict? = null,
    val syncing: Boolean = false,
    val scanning: Boolean = false,
    /** After a conflict in the camera, the choice applies to the next frame of that code. */
    val cameraOnConflict: OnConflict = OnConflict.REJECT,
)

class MainViewModel(app: Application) : AndroidViewModel(app) {
    private val state = MutableStateFlow(UiState())
    val ui: StateFlow<UiState> = state

    private val clipboard = SensitiveClipboard(app)
    private val debuggable = app.applicationInfo.flags and ApplicationInfo.FLAG_DEBUGGABLE != 0

    /** QA: `adb shell am start -n app.kunci/app.kunci.app.MainActivity --es ntp 10.0.2.2:1123`. */
    var qaNtpServer: String? = null
        set(value) {
            field = value?.takeIf { debuggable }
        }

    suspend fun vault(): KunciVault = getApplication<KunciApplication>().vault()

    fun refresh() = launchReporting { state.update { it.copy(list = vault().codes()) } }

    fun syncNow() = launchReporting {
        state.update { it.copy(syncing = true) }
        try {
            val qa = qaNtpServer
            val result = if (qa != null) vault().syncTimeWith(listOf(qa), 1u) else vault().syncTime()
            val rejected = result.rejected.joinToString("\n") { "${it.source}: ${it.reason}" }
            state.update { it.copy(message = rejected.ifEmpty { null }) }
        } finally {
            state.update { it.copy(syncing = false) }
            refresh()
        }
    }

    fun nextCode(id: Long) = launchReporting {
        vault().nextCode(id)
        refresh()
    }

    fun copy(code: CodeInfo, wallNowMs: Long) {
        val list = state.value.list ?: return
        val now = CodeTicker.trustedNowMs(list.time, wallNowMs)
        clipboard.copy("${code.issuer} code", CodeTicker.codeToShow(code, now), ClipboardPolicyHolder.policy.clearDelayMs(code, now))
    }

    fun importScreenshot(uri: Uri) = launchReporting {
        val bytes = withContext(Dispatchers.IO) {
            getApplication<Application>().contentResolver.openInputStream(uri)?.use { it.readBytes() }
        } ?: return@launchReporting
        enrollImage(bytes, OnConflict.REJECT)
    }

    private suspend fun enrollImage(bytes: ByteArray, onConflict: OnConflict) {
        try {
            vault().enrollImage(bytes, onConflict)
            refresh()
        } catch (e: KunciException.DuplicateAccount) {
            state.update { it.copy(conflict = PendingConflict.Image(bytes, e.userMessage())) }
        }
    }

    fun setScanning(on: Boolean) = state.update { it.copy(scanning = on, cameraOnConflict = OnConflict.REJECT) }

    /** Called from the camera's analyzer thread. */
    fun onCameraConflict(e: KunciException.DuplicateAccount) =
        state.update { it.copy(conflict = PendingConflict.Camera(e.userMessage())) }

    fun onCameraEnrolled() {
        state.update { it.copy(scanning = false, cameraOnConflict = OnConflict.REJECT) }
        refresh()
    }

    /** `choice` null: cancel. */
    fun resolveConflict(choice: OnConflict?) {
        val pending = state.value.conflict ?: return
        state.update { it.copy(conflict = null) }
        if (choice == null) {
            if (pending is PendingConflict.Camera) setScanning(false)
            return
        }
        when (pending) {
            is PendingConflict.Image -> launchReporting { enrollImage(pending.bytes, choice) }
            is PendingConflict.Camera -> state.update { it.copy(cameraOnConflict = choice) }
        }
    }

    fun dismissMessage() = state.update { it.copy(message = null) }

    private fun launchReporting(block: suspend () -> Unit) = viewModelScope.launch {
        try {
            block()
        } catch (e: KunciException) {
            if (e.action() != ErrorAction.RESOLVE_DUPLICATE) state.update { it.copy(message = e.userMessage()) }
        }
    }
}

/** The app's one clipboard policy (30 s at most, gone once the code is no longer accepted). */
object ClipboardPolicyHolder {
    val policy = ClipboardPolicy()
}

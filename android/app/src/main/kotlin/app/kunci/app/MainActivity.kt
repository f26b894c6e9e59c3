package app.kunci.app

import android.Manifest
import android.content.pm.PackageManager
import android.os.Bundle
import androidx.activity.ComponentActivity
import androidx.activity.compose.rememberLauncherForActivityResult
import androidx.activity.compose.setContent
import androidx.activity.result.PickVisualMediaRequest
import androidx.activity.result.contract.ActivityResultContracts
import androidx.activity.viewModels
import androidx.compose.foundation.clickable
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.lazy.LazyColumn
import androidx.compose.foundation.lazy.items
import androidx.compose.material3.AlertDialog
import androidx.compose.material3.Button
import androidx.compose.material3.LinearProgressIndicator
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Text
import androidx.compose.material3.TextButton
import androidx.compose.runtime.Composable
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableLongStateOf
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.remember
import androidx.compose.runtime.setValue
import androidx.compose.ui.Modifier
import androidx.compose.ui.platform.LocalContext
import androidx.compose.ui.unit.dp
import androidx.core.content.ContextCompat
import androidx.lifecycle.compose.collectAsStateWithLifecycle
import app.kunci.Authenticator
import app.kunci.CodeInfo
import app.kunci.CodeTicker
import app.kunci.OnConflict
import app.kunci.OtpKind
import app.kunci.TimeBanner
import kotlinx.coroutines.delay

class MainActivity : ComponentActivity() {
    private val model: MainViewModel by viewModels()

    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        model.qaNtpServer = intent.getStringExtra("ntp")
        setContent { MaterialTheme { KunciScreen(model) } }
    }
}

@Composable
private fun KunciScreen(model: MainViewModel) {
    val ui by model.ui.collectAsStateWithLifecycle()
    var wallNow by remember { mutableLongStateOf(System.currentTimeMillis()) }

    // Tick the countdown locally; fetch codes again only when a step ends.
    LaunchedEffect(Unit) {
        model.refresh()
        while (true) {
            delay(250)
            wallNow = System.currentTimeMillis()
            val list = model.ui.value.list ?: continue
            if (CodeTicker.needsRefresh(list, CodeTicker.trustedNowMs(list.time, wallNow))) model.refresh()
        }
    }

    val pickImage = rememberLauncherForActivityResult(ActivityResultContracts.PickVisualMedia()) { uri ->
        if (uri != null) model.importScreenshot(uri)
    }
    val askCamera = rememberLauncherForActivityResult(ActivityResultContracts.RequestPermission()) { granted ->
        if (granted) model.setScanning(true)
    }
    val context = LocalContext.current

    Column(Modifier.fillMaxSize().padding(16.dp), verticalArrangement = Arrangement.spacedBy(8.dp)) {
        ui.list?.let { TimeBannerRow(TimeBanner.of(it), ui.syncing, model::syncNow) }
        Row(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
            Button(onClick = {
                if (ContextCompat.checkSelfPermission(context, Manifest.permission.CAMERA) == PackageManager.PERMISSION_GRANTED) {
                    model.setScanning(true)
                } else {
                    askCamera.launch(Manifest.permission.CAMERA)
                }
            }) { Text("Scan QR") }
            Button(onClick = {
                pickImage.launch(PickVisualMediaRequest(ActivityResultContracts.PickVisualMedia.ImageOnly))
            }) { Text("Import screenshot") }
        }
        if (ui.scanning) {
            ScannerPane(model)
        } else {
            val list = ui.list
            val trustedNow = list?.let { CodeTicker.trustedNowMs(it.time, wallNow) } ?: wallNow
            LazyColumn(Modifier.fillMaxWidth()) {
                items(list?.codes.orEmpty(), key = { it.accountId }) { code ->
                    CodeRow(code, trustedNow, onCopy = { model.copy(code, wallNow) }, onNext = { model.nextCode(code.accountId) })
                }
            }
        }
    }

    ui.conflict?.let { conflict ->
        AlertDialog(
            onDismissRequest = { model.resolveConflict(null) },
            title = { Text("Account already added") },
            text = { Text(conflict.detail) },
            confirmButton = { TextButton(onClick = { model.resolveConflict(OnConflict.REPLACE) }) { Text("Replace") } },
            dismissButton = { TextButton(onClick = { model.resolveConflict(OnConflict.KEEP_BOTH) }) { Text("Keep both") } },
        )
    }
    ui.message?.let { message ->
        AlertDialog(
            onDismissRequest = model::dismissMessage,
            text = { Text(message) },
            confirmButton = { TextButton(onClick = model::dismissMessage) { Text("OK") } },
        )
    }
}

@Composable
private fun TimeBannerRow(banner: TimeBanner, syncing: Boolean, onSync: () -> Unit) {
    val text = when (banner) {
        TimeBanner.NONE -> return
        TimeBanner.UNVERIFIED -> "Time not verified: codes use this phone's clock."
        TimeBanner.DRIFTING -> "Time is uncertain: a code may be one step off."
        TimeBanner.CONFLICT -> "The phone clock was set back. Sync time before using codes."
    }
    Row(Modifier.fillMaxWidth(), horizontalArrangement = Arrangement.SpaceBetween) {
        Text(text, Modifier.weight(1f))
        TextButton(onClick = onSync, enabled = !syncing) { Text(if (syncing) "Syncing…" else "Sync now") }
    }
}

@Composable
private fun CodeRow(code: CodeInfo, trustedNowMs: Long, onCopy: () -> Unit, onNext: () -> Unit) {
    Column(Modifier.fillMaxWidth().clickable(onClick = onCopy).padding(vertical = 8.dp)) {
        Text("${code.issuer} · ${code.name}", style = MaterialTheme.typography.labelMedium)
        Row(horizontalArrangement = Arrangement.spacedBy(12.dp)) {
            Text(CodeTicker.codeToShow(code, trustedNowMs), style = MaterialTheme.typography.headlineMedium)
            CodeTicker.secondsLeft(code, trustedNowMs)?.let { Text("${it}s") }
            if (code.kind == OtpKind.HOTP) TextButton(onClick = onNext) { Text("Next code") }
        }
        CodeTicker.progress(code, trustedNowMs)?.let { LinearProgressIndicator(progress = { it }, modifier = Modifier.fillMaxWidth()) }
    }
}

@Composable
private fun ScannerPane(model: MainViewModel) {
    var authenticator by remember { mutableStateOf<Authenticator?>(null) }
    LaunchedEffect(Unit) { authenticator = model.vault().authenticator }
    val auth = authenticator ?: return
    val analyzer = remember(auth) {
        QrFrameAnalyzer(
            authenticator = auth,
            onConflict = { model.ui.value.cameraOnConflict },
            paused = { model.ui.value.conflict != null },
            enrolled = model::onCameraEnrolled,
            conflict = model::onCameraConflict,
        )
    }
    Column {
        QrScanner(analyzer, Modifier.fillMaxWidth().weight(1f, fill = false))
        TextButton(onClick = { model.setScanning(false) }) { Text("Cancel") }
    }
}

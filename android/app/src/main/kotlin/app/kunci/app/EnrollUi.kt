//! Enrollment screens (point 1): the choice of ways (camera, picture, pasted URI, typed key), the
//! manual form with field-level errors, the camera scan over a [FrameSource], the enroll report
//! (what was added, warnings, "1 of 3: scan the next"), and the guided first code.
package app.kunci.app

import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.rememberScrollState
import androidx.compose.foundation.verticalScroll
import androidx.compose.material3.Button
import androidx.compose.material3.Card
import androidx.compose.material3.LinearProgressIndicator
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.OutlinedTextField
import androidx.compose.material3.Switch
import androidx.compose.material3.Text
import androidx.compose.material3.TextButton
import androidx.compose.runtime.Composable
import androidx.compose.runtime.DisposableEffect
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.platform.testTag
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.text.font.FontFamily
import androidx.compose.ui.text.font.FontWeight
import androidx.compose.ui.unit.dp
import androidx.compose.ui.unit.sp
import app.kunci.CodeTicker
import app.kunci.EnrollReport

@Composable
fun AddScreen(ui: UiState, vm: MainViewModel, actions: PlatformActions) {
    Column(Modifier.fillMaxSize().verticalScroll(rememberScrollState())) {
        Header(stringResource(R.string.add_title), vm::back)
        ui.report?.let { ReportCard(it) }
        Column(Modifier.padding(12.dp)) {
            Button(onClick = { vm.go(Screen.SCAN) }, modifier = Modifier.fillMaxWidth().testTag("scan")) { Text(stringResource(R.string.add_scan)) }
            OutlinedButton(onClick = actions.pickImage, modifier = Modifier.fillMaxWidth().testTag("pick-image")) { Text(stringResource(R.string.add_picture)) }
            OutlinedButton(onClick = { vm.go(Screen.MANUAL) }, modifier = Modifier.fillMaxWidth().testTag("manual")) { Text(stringResource(R.string.add_manual)) }
            Text(stringResource(R.string.add_paste_hint), modifier = Modifier.padding(top = 16.dp))
            OutlinedTextField(
                value = ui.pasted, onValueChange = vm::setPasted, label = { Text(stringResource(R.string.add_paste_label)) },
                modifier = Modifier.fillMaxWidth().testTag("paste"),
            )
            Button(onClick = { vm.enrollUri(ui.pasted) }, enabled = ui.pasted.isNotBlank(), modifier = Modifier.testTag("paste-add")) {
                Text(stringResource(R.string.add))
            }
        }
    }
}

/** What an enrollment did, in words; a Google export batch says which QR code comes next. */
@Composable
fun ReportCard(report: EnrollReport) {
    Card(Modifier.fillMaxWidth().padding(12.dp).testTag("report")) {
        Column(Modifier.padding(12.dp)) {
            report.added.forEach { a ->
                Text(stringResource(R.string.report_added, listOf(a.issuer, a.name).filter { it.isNotEmpty() }.joinToString(" · ")))
            }
            report.warnings.forEach { Text(stringResource(R.string.report_warning, it), style = MaterialTheme.typography.bodySmall) }
            report.refused.forEach { Text(stringResource(R.string.report_refused, it.label), style = MaterialTheme.typography.bodySmall) }
            report.batch?.let { b ->
                // The core counts QR codes of an export from 0; people count from 1.
                val line = if (b.index + 1u < b.size) R.string.report_batch_next else R.string.report_batch_done
                Text(stringResource(line, b.index.toInt() + 1, b.size.toInt()), fontWeight = FontWeight.Bold, modifier = Modifier.testTag("batch"))
            }
        }
    }
}

@Composable
fun ManualScreen(ui: UiState, vm: MainViewModel) {
    val f = ui.manual
    Column(Modifier.fillMaxSize().verticalScroll(rememberScrollState())) {
        Header(stringResource(R.string.manual_title), vm::back)
        Column(Modifier.padding(12.dp)) {
            Field(f.issuer, { vm.updateManual(f.copy(issuer = it)) }, R.string.manual_issuer, "issuer", f.errors["issuer"])
            Field(f.account, { vm.updateManual(f.copy(account = it)) }, R.string.manual_account, "account", f.errors["account"])
            Field(f.secret, { vm.updateManual(f.copy(secret = it)) }, R.string.manual_secret, "secret", f.errors["secret"])
            Row(verticalAlignment = Alignment.CenterVertically) {
                Text(stringResource(R.string.manual_advanced), modifier = Modifier.weight(1f))
                Switch(checked = f.advanced, onCheckedChange = { vm.updateManual(f.copy(advanced = it)) }, modifier = Modifier.testTag("advanced"))
            }
            if (f.advanced) AdvancedFields(f, vm)
            Button(onClick = vm::submitManual, modifier = Modifier.fillMaxWidth().padding(top = 12.dp).testTag("manual-add")) {
                Text(stringResource(R.string.add))
            }
        }
    }
}

@Composable
private fun AdvancedFields(f: ManualForm, vm: MainViewModel) {
    Row(verticalAlignment = Alignment.CenterVertically) {
        Text(stringResource(R.string.manual_type), modifier = Modifier.weight(1f))
        listOf(false to "TOTP", true to "HOTP").forEach { (hotp, label) ->
            TextButton(onClick = { vm.updateManual(f.copy(hotp = hotp)) }, modifier = Modifier.testTag("type-$label")) {
                Text((if (f.hotp == hotp) "✓ " else "") + label)
            }
        }
    }
    Row(verticalAlignment = Alignment.CenterVertically) {
        Text(stringResource(R.string.manual_algorithm), modifier = Modifier.weight(1f))
        listOf("SHA1", "SHA256", "SHA512").forEach { alg ->
            TextButton(onClick = { vm.updateManual(f.copy(algorithm = alg)) }) { Text((if (f.algorithm == alg) "✓ " else "") + alg) }
        }
    }
    Field(f.digits, { vm.updateManual(f.copy(digits = it)) }, R.string.manual_digits, "digits", f.errors["digits"])
    if (f.hotp) {
        Field(f.counter, { vm.updateManual(f.copy(counter = it)) }, R.string.manual_counter, "counter", f.errors["counter"])
    } else {
        Field(f.period, { vm.updateManual(f.copy(period = it)) }, R.string.manual_period, "period", f.errors["period"])
    }
}

@Composable
private fun Field(value: String, onChange: (String) -> Unit, label: Int, tag: String, error: UiText?) {
    OutlinedTextField(
        value = value, onValueChange = onChange, singleLine = true,
        label = { Text(stringResource(label)) },
        isError = error != null,
        supportingText = error?.let { e -> { Text(e.resolve(), modifier = Modifier.testTag("error-$tag")) } },
        modifier = Modifier.fillMaxWidth().testTag(tag),
    )
}

/** Camera scanning: frames from the [FrameSource] go to the core until one holds a code. */
@Composable
fun ScanScreen(ui: UiState, vm: MainViewModel, actions: PlatformActions) {
    DisposableEffect(Unit) {
        val source = actions.frameSource()
        val started = source.start { frame -> vm.onFrame(frame) }
        if (!started) vm.cameraUnavailable()
        onDispose { source.stop() }
    }
    Column(Modifier.fillMaxSize()) {
        Header(stringResource(R.string.scan_title), vm::back)
        ui.report?.let { ReportCard(it) }
        Text(stringResource(R.string.scan_hint), modifier = Modifier.padding(16.dp).testTag("scan-hint"))
    }
}

/** The first account: its code large, with the countdown and what to do with it. */
@Composable
fun GuidedScreen(ui: UiState, vm: MainViewModel) {
    val code = ui.list?.codes?.firstOrNull { it.accountId == ui.guidedId }
    Column(Modifier.fillMaxSize().padding(24.dp), horizontalAlignment = Alignment.CenterHorizontally) {
        Text(stringResource(R.string.guided_title), style = MaterialTheme.typography.headlineSmall)
        if (code != null) {
            Text(code.issuer.ifEmpty { code.name }, modifier = Modifier.padding(top = 16.dp))
            Text(
                grouped(code.code), fontFamily = FontFamily.Monospace, fontSize = 48.sp, fontWeight = FontWeight.Bold,
                modifier = Modifier.padding(vertical = 16.dp).testTag("guided-code"),
            )
            CodeTicker.secondsLeft(code, ui.trustedNowMs)?.let { left ->
                Text(stringResource(R.string.seconds_left, left))
                CodeTicker.progress(code, ui.trustedNowMs)?.let { p ->
                    LinearProgressIndicator(progress = { p }, modifier = Modifier.fillMaxWidth().padding(vertical = 8.dp))
                }
            }
            Text(stringResource(R.string.guided_body), modifier = Modifier.padding(top = 8.dp))
        }
        Button(onClick = { vm.finishGuided() }, modifier = Modifier.padding(top = 24.dp).testTag("guided-done")) {
            Text(stringResource(R.string.guided_done))
        }
    }
}

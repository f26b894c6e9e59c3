//! The root of the UI and the codes screen (point 2): the list with its countdown on the boot
//! clock, the time banner (point 3), search, groups, copy, HOTP next, the first-run and backup
//! prompts, and the dialogs every screen shares (duplicate, delete, import password, message).
package app.kunci.app

import android.content.res.Resources
import androidx.compose.foundation.clickable
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.Spacer
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.height
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.layout.width
import androidx.compose.foundation.lazy.LazyColumn
import androidx.compose.foundation.lazy.items
import androidx.compose.foundation.text.KeyboardOptions
import androidx.compose.material3.AlertDialog
import androidx.compose.material3.Button
import androidx.compose.material3.Card
import androidx.compose.material3.CardDefaults
import androidx.compose.material3.LinearProgressIndicator
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.OutlinedTextField
import androidx.compose.material3.Surface
import androidx.compose.material3.Text
import androidx.compose.material3.TextButton
import androidx.compose.runtime.Composable
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.remember
import androidx.compose.runtime.setValue
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.platform.LocalContext
import androidx.compose.ui.platform.testTag
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.text.font.FontFamily
import androidx.compose.ui.text.font.FontWeight
import androidx.compose.ui.text.input.KeyboardType
import androidx.compose.ui.text.input.PasswordVisualTransformation
import androidx.compose.ui.unit.dp
import androidx.compose.ui.unit.sp
import app.kunci.CodeInfo
import app.kunci.CodeTicker
import app.kunci.OnConflict
import app.kunci.OtpKind
import app.kunci.TimeBanner
import app.kunci.TimeStatus

fun UiText.resolveWith(r: Resources): String =
    r.getString(res, *args.map { if (it is UiText) it.resolveWith(r) else it }.toTypedArray())

@Composable
fun UiText.resolve(): String = resolveWith(LocalContext.current.resources)

/** A code as people read it aloud: "123 456". */
fun grouped(code: String): String = if (code.length < 6) code else code.substring(0, code.length / 2) + " " + code.substring(code.length / 2)

@Composable
fun KunciApp(ui: UiState, vm: MainViewModel, actions: PlatformActions) {
    MaterialTheme {
        Surface(modifier = Modifier.fillMaxSize()) {
            Column(Modifier.fillMaxSize()) {
                Box(Modifier.weight(1f)) {
                    when {
                        ui.keyLost != null -> KeyLostScreen(ui.keyLost, vm.recoverySet(), actions::openWithPassphrase)
                        ui.locked -> LockScreen(onUnlock = actions.unlock)
                        else -> ScreenFor(ui, vm, actions)
                    }
                }
                ui.message?.let { MessageBar(it, vm::dismissMessage) }
            }
            Dialogs(ui, vm)
        }
    }
}

@Composable
private fun Box(modifier: Modifier, content: @Composable () -> Unit) =
    androidx.compose.foundation.layout.Box(modifier) { content() }

@Composable
private fun ScreenFor(ui: UiState, vm: MainViewModel, actions: PlatformActions) = when (ui.screen) {
    Screen.CODES -> CodesScreen(ui, vm)
    Screen.ADD -> AddScreen(ui, vm, actions)
    Screen.MANUAL -> ManualScreen(ui, vm)
    Screen.SCAN -> ScanScreen(ui, vm, actions)
    Screen.GUIDED -> GuidedScreen(ui, vm)
    Screen.ACCOUNT -> AccountScreen(ui, vm)
    Screen.HELP -> HelpScreen(ui, vm, actions)
    Screen.SETTINGS -> SettingsScreen(ui, vm, actions)
    Screen.DIAGNOSTICS -> DiagnosticsScreen(ui, vm, actions)
    Screen.TRANSFER -> TransferScreen(ui, vm)
}

@Composable
fun Header(title: String, onBack: (() -> Unit)?, actions: @Composable () -> Unit = {}) {
    Row(
        Modifier.fillMaxWidth().padding(horizontal = 8.dp, vertical = 8.dp),
        verticalAlignment = Alignment.CenterVertically,
    ) {
        if (onBack != null) TextButton(onClick = onBack, modifier = Modifier.testTag("back")) { Text(stringResource(R.string.back)) }
        Text(title, style = MaterialTheme.typography.titleLarge, modifier = Modifier.weight(1f).padding(start = 8.dp))
        actions()
    }
}

@Composable
private fun CodesScreen(ui: UiState, vm: MainViewModel) {
    Column(Modifier.fillMaxSize()) {
        Header(stringResource(R.string.app_name), null) {
            TextButton(onClick = { vm.go(Screen.ADD) }) { Text(stringResource(R.string.add)) }
            TextButton(onClick = { vm.go(Screen.SETTINGS) }) { Text(stringResource(R.string.settings)) }
        }
        TimeBannerView(ui, vm)
        if (ui.backupReminder) {
            PromptCard(stringResource(R.string.backup_reminder), stringResource(R.string.backup_now)) { vm.go(Screen.SETTINGS) }
        }
        val codes = ui.list?.codes.orEmpty()
        if (ui.ready && codes.isEmpty()) {
            Welcome(vm)
            return@Column
        }
        OutlinedTextField(
            value = ui.query, onValueChange = vm::search, singleLine = true,
            label = { Text(stringResource(R.string.search)) },
            modifier = Modifier.fillMaxWidth().padding(horizontal = 12.dp).testTag("search"),
        )
        GroupFilter(ui, vm)
        val shown = visibleCodes(ui, codes)
        LazyColumn(Modifier.fillMaxSize().testTag("codes")) {
            items(shown, key = { it.accountId }) { code -> CodeRow(code, ui, vm) }
        }
    }
}

/** Search over issuer, name, notes and group (case-insensitive), then the group filter. */
private fun visibleCodes(ui: UiState, codes: List<CodeInfo>): List<CodeInfo> {
    val byId = ui.accounts.associateBy { it.id }
    val q = ui.query.trim()
    return codes.filter { c ->
        val a = byId[c.accountId]
        val hay = listOf(c.issuer, c.name, a?.notes.orEmpty(), a?.group.orEmpty())
        (q.isEmpty() || hay.any { it.contains(q, ignoreCase = true) }) && (ui.group == null || a?.group == ui.group)
    }
}

@Composable
private fun GroupFilter(ui: UiState, vm: MainViewModel) {
    val groups = ui.accounts.mapNotNull { it.group }.distinct().sorted()
    if (groups.isEmpty()) return
    Row(Modifier.padding(horizontal = 8.dp), horizontalArrangement = Arrangement.spacedBy(4.dp)) {
        val all = stringResource(R.string.group_all)
        (listOf<String?>(null) + groups).forEach { g ->
            val selected = ui.group == g
            val label = (if (selected) "✓ " else "") + (g ?: all)
            OutlinedButton(onClick = { vm.filterGroup(g) }) { Text(label) }
        }
    }
}

@Composable
private fun CodeRow(code: CodeInfo, ui: UiState, vm: MainViewModel) {
    val now = ui.trustedNowMs
    val left = CodeTicker.secondsLeft(code, now)
    val progress = CodeTicker.progress(code, now)
    Card(
        Modifier.fillMaxWidth().padding(horizontal = 12.dp, vertical = 4.dp).clickable { vm.copy(code) }.testTag("code-${code.accountId}"),
        colors = CardDefaults.cardColors(),
    ) {
        Column(Modifier.padding(12.dp)) {
            Row(verticalAlignment = Alignment.CenterVertically) {
                Column(Modifier.weight(1f)) {
                    Text(code.issuer.ifEmpty { code.name }, style = MaterialTheme.typography.titleMedium)
                    if (code.issuer.isNotEmpty()) Text(code.name, style = MaterialTheme.typography.bodySmall)
                }
                TextButton(onClick = { vm.go(Screen.ACCOUNT, code.accountId) }, modifier = Modifier.testTag("edit-${code.accountId}")) {
                    Text(stringResource(R.string.edit))
                }
            }
            Row(verticalAlignment = Alignment.CenterVertically) {
                Text(
                    grouped(code.code), fontFamily = FontFamily.Monospace, fontSize = 30.sp, fontWeight = FontWeight.Bold,
                    modifier = Modifier.weight(1f).testTag("otp-${code.accountId}"),
                )
                if (code.kind == OtpKind.HOTP) {
                    OutlinedButton(onClick = { vm.nextCode(code.accountId) }, modifier = Modifier.testTag("next-${code.accountId}")) {
                        Text(stringResource(R.string.hotp_next))
                    }
                } else if (left != null) {
                    Text(stringResource(R.string.seconds_left, left), modifier = Modifier.testTag("left-${code.accountId}"))
                }
            }
            if (progress != null) {
                LinearProgressIndicator(progress = { progress }, modifier = Modifier.fillMaxWidth().padding(top = 6.dp))
                if (left != null && left <= NEXT_CODE_SHOWN_S) {
                    Text(stringResource(R.string.next_code, grouped(code.next)), style = MaterialTheme.typography.bodySmall)
                }
            }
        }
    }
}

private const val NEXT_CODE_SHOWN_S = 5

@Composable
private fun Welcome(vm: MainViewModel) {
    Column(Modifier.fillMaxWidth().padding(24.dp), horizontalAlignment = Alignment.CenterHorizontally) {
        Text(stringResource(R.string.welcome_title), style = MaterialTheme.typography.headlineSmall)
        Spacer(Modifier.height(8.dp))
        Text(stringResource(R.string.welcome_body))
        Spacer(Modifier.height(16.dp))
        Button(onClick = { vm.go(Screen.ADD) }, modifier = Modifier.testTag("add-first")) { Text(stringResource(R.string.add_first)) }
    }
}

/** The time banner in words (point 3), with "sync now" and the outcome of the last sync. */
@Composable
fun TimeBannerView(ui: UiState, vm: MainViewModel) {
    val list = ui.list ?: return
    val time = list.time
    val line: UiText? = when (TimeBanner.of(list)) {
        TimeBanner.UNVERIFIED -> text(R.string.time_unverified)
        TimeBanner.DRIFTING -> text(R.string.time_drifting)
        TimeBanner.CONFLICT -> text(R.string.time_conflict)
        TimeBanner.NONE -> when {
            time.status == TimeStatus.SYNCED && time.offsetMs >= OFFSET_WORTH_SAYING_MS -> text(R.string.time_behind, durationText(time.offsetMs))
            time.status == TimeStatus.SYNCED && time.offsetMs <= -OFFSET_WORTH_SAYING_MS -> text(R.string.time_ahead, durationText(time.offsetMs))
            else -> null
        }
    }
    val sync = ui.sync
    if (line == null && sync == null) return
    Card(Modifier.fillMaxWidth().padding(12.dp).testTag("time-banner")) {
        Column(Modifier.padding(12.dp)) {
            line?.let { Text(it.resolve()) }
            sync?.let {
                Text(it.line.resolve(), fontWeight = FontWeight.Bold, modifier = Modifier.padding(top = 4.dp).testTag("sync-outcome"))
                it.details.forEach { d -> Text(d, style = MaterialTheme.typography.bodySmall) }
            }
            Row {
                Button(onClick = vm::syncNow, enabled = !ui.syncing, modifier = Modifier.testTag("sync-now")) {
                    Text(stringResource(if (ui.syncing) R.string.syncing else R.string.sync_now))
                }
            }
        }
    }
}

private const val OFFSET_WORTH_SAYING_MS = 2_000L

@Composable
fun PromptCard(body: String, action: String, onAction: () -> Unit) {
    Card(Modifier.fillMaxWidth().padding(horizontal = 12.dp, vertical = 4.dp)) {
        Row(Modifier.padding(12.dp), verticalAlignment = Alignment.CenterVertically) {
            Text(body, modifier = Modifier.weight(1f))
            TextButton(onClick = onAction) { Text(action) }
        }
    }
}

@Composable
private fun MessageBar(message: UiText, onDismiss: () -> Unit) {
    Surface(color = MaterialTheme.colorScheme.inverseSurface, modifier = Modifier.fillMaxWidth().testTag("message")) {
        Row(Modifier.padding(12.dp), verticalAlignment = Alignment.CenterVertically) {
            Text(message.resolve(), color = MaterialTheme.colorScheme.inverseOnSurface, modifier = Modifier.weight(1f))
            TextButton(onClick = onDismiss) { Text(stringResource(R.string.ok)) }
        }
    }
}

@Composable
private fun LockScreen(onUnlock: () -> Unit) {
    Column(Modifier.fillMaxSize().padding(32.dp), verticalArrangement = Arrangement.Center, horizontalAlignment = Alignment.CenterHorizontally) {
        Text(stringResource(R.string.locked_title), style = MaterialTheme.typography.headlineSmall)
        Spacer(Modifier.height(16.dp))
        Button(onClick = onUnlock, modifier = Modifier.testTag("unlock")) { Text(stringResource(R.string.unlock)) }
    }
}

/** The device key is invalidated or gone: why, and the recovery passphrase to open the vault. */
@Composable
private fun KeyLostScreen(why: UiText, recoverySet: Boolean, onOpen: (String) -> Unit) {
    var passphrase by remember { mutableStateOf("") }
    Column(Modifier.fillMaxSize().padding(24.dp), verticalArrangement = Arrangement.Center) {
        Text(stringResource(R.string.key_lost_title), style = MaterialTheme.typography.headlineSmall)
        Spacer(Modifier.height(12.dp))
        Text(why.resolve(), modifier = Modifier.testTag("key-lost-why"))
        if (!recoverySet) {
            Spacer(Modifier.height(8.dp))
            Text(stringResource(R.string.key_lost_no_recovery), style = MaterialTheme.typography.bodySmall)
        }
        Spacer(Modifier.height(12.dp))
        SecretField(passphrase, { passphrase = it }, R.string.recovery_passphrase, "key-lost-passphrase")
        Spacer(Modifier.height(12.dp))
        Button(onClick = { onOpen(passphrase) }, modifier = Modifier.testTag("key-lost-open")) { Text(stringResource(R.string.key_lost_open)) }
    }
}

@Composable
private fun Dialogs(ui: UiState, vm: MainViewModel) {
    if (ui.duplicate != null) {
        AlertDialog(
            onDismissRequest = { vm.resolveDuplicate(null) },
            title = { Text(stringResource(R.string.duplicate_title)) },
            text = { Text(stringResource(R.string.duplicate_body)) },
            confirmButton = { TextButton(onClick = { vm.resolveDuplicate(OnConflict.REPLACE) }) { Text(stringResource(R.string.duplicate_replace)) } },
            dismissButton = {
                Row {
                    TextButton(onClick = { vm.resolveDuplicate(null) }) { Text(stringResource(R.string.cancel)) }
                    TextButton(onClick = { vm.resolveDuplicate(OnConflict.KEEP_BOTH) }) { Text(stringResource(R.string.duplicate_keep_both)) }
                }
            },
        )
    }
    ui.confirmDelete?.let { id ->
        val name = vm.accountById(id)?.let { it.issuer.ifEmpty { it.name } }.orEmpty()
        AlertDialog(
            onDismissRequest = { vm.askDelete(null) },
            title = { Text(stringResource(R.string.delete_title, name)) },
            text = { Text(stringResource(R.string.delete_body)) },
            confirmButton = { TextButton(onClick = { vm.delete(id) }, modifier = Modifier.testTag("confirm-delete")) { Text(stringResource(R.string.delete)) } },
            dismissButton = { TextButton(onClick = { vm.askDelete(null) }) { Text(stringResource(R.string.cancel)) } },
        )
    }
    if (ui.importPassword != null) PasswordDialog(R.string.import_password_title, vm::importWithPassword)
    if (ui.askRecovery) RecoveryDialog(vm)
}

@Composable
private fun PasswordDialog(title: Int, onDone: (String?) -> Unit) {
    var password by remember { mutableStateOf("") }
    AlertDialog(
        onDismissRequest = { onDone(null) },
        title = { Text(stringResource(title)) },
        text = { SecretField(password, { password = it }, R.string.password, "password-field") },
        confirmButton = { TextButton(onClick = { onDone(password) }, modifier = Modifier.testTag("password-ok")) { Text(stringResource(R.string.ok)) } },
        dismissButton = { TextButton(onClick = { onDone(null) }) { Text(stringResource(R.string.cancel)) } },
    )
}

@Composable
private fun RecoveryDialog(vm: MainViewModel) {
    val changing = remember { vm.recoverySet() }
    var current by remember { mutableStateOf("") }
    var first by remember { mutableStateOf("") }
    var second by remember { mutableStateOf("") }
    AlertDialog(
        onDismissRequest = vm::laterRecovery,
        title = { Text(stringResource(if (changing) R.string.recovery_change_title else R.string.recovery_title)) },
        text = {
            Column {
                Text(stringResource(R.string.recovery_body))
                if (changing) SecretField(current, { current = it }, R.string.recovery_current, "recovery-current")
                SecretField(first, { first = it }, R.string.recovery_passphrase, "recovery-1")
                SecretField(second, { second = it }, R.string.recovery_repeat, "recovery-2")
            }
        },
        confirmButton = { TextButton(onClick = { vm.setRecovery(first, second, current.takeIf { changing }) }, modifier = Modifier.testTag("recovery-save")) { Text(stringResource(R.string.save)) } },
        dismissButton = { TextButton(onClick = vm::laterRecovery, modifier = Modifier.testTag("recovery-later")) { Text(stringResource(R.string.later)) } },
    )
}

@Composable
fun SecretField(value: String, onChange: (String) -> Unit, label: Int, tag: String) {
    OutlinedTextField(
        value = value, onValueChange = onChange, singleLine = true, label = { Text(stringResource(label)) },
        visualTransformation = PasswordVisualTransformation(),
        keyboardOptions = KeyboardOptions(keyboardType = KeyboardType.Password),
        modifier = Modifier.fillMaxWidth().testTag(tag),
    )
}

@Composable
fun Gap() = Spacer(Modifier.width(8.dp).height(8.dp))

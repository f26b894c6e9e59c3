//! Settings (time sync and QA sources, app lock, recovery passphrase, backup export and import),
//! the account screen (rename, notes, group, order, delete), the guided help for "the portal
//! says Invalid Authenticator Code", and the diagnostics screen with copy and share (points 3–5).
package app.kunci.app

import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.rememberScrollState
import androidx.compose.foundation.verticalScroll
import androidx.compose.material3.Button
import androidx.compose.material3.HorizontalDivider
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.OutlinedTextField
import androidx.compose.material3.Switch
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.saveable.rememberSaveable
import androidx.compose.runtime.setValue
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.platform.testTag
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.text.font.FontFamily
import androidx.compose.ui.text.font.FontWeight
import androidx.compose.ui.unit.dp
import androidx.compose.ui.unit.sp
import app.kunci.DoctorFinding
import app.kunci.TimeStatus

@Composable
private fun Section(title: Int) {
    HorizontalDivider(Modifier.padding(top = 12.dp))
    Text(stringResource(title), style = MaterialTheme.typography.titleMedium, modifier = Modifier.padding(vertical = 8.dp))
}

@Composable
fun SettingsScreen(ui: UiState, vm: MainViewModel, actions: PlatformActions) {
    Column(Modifier.fillMaxSize().verticalScroll(rememberScrollState())) {
        Header(stringResource(R.string.settings), vm::back)
        Column(Modifier.padding(horizontal = 12.dp)) {
            Section(R.string.settings_time)
        }
        TimeBannerView(ui, vm)
        Column(Modifier.padding(horizontal = 12.dp)) {
            if (ui.list?.time?.status == TimeStatus.SYNCED && ui.sync == null) {
                OutlinedButton(onClick = vm::syncNow, modifier = Modifier.testTag("sync-now")) { Text(stringResource(R.string.sync_now)) }
            }
            Section(R.string.settings_safety)
            Row(verticalAlignment = Alignment.CenterVertically) {
                Text(stringResource(R.string.lock_setting), modifier = Modifier.weight(1f))
                Switch(checked = actions.lockEnabled(), onCheckedChange = actions::setLock, modifier = Modifier.testTag("lock-switch"))
            }
            OutlinedButton(onClick = vm::lockNow, modifier = Modifier.testTag("lock-now")) { Text(stringResource(R.string.lock_now)) }
            OutlinedButton(onClick = vm::offerRecovery, modifier = Modifier.testTag("recovery")) { Text(stringResource(if (vm.recoverySet()) R.string.recovery_change_title else R.string.recovery_title)) }
            BackupSection(actions)
            OutlinedButton(onClick = vm::startTransfer, modifier = Modifier.testTag("transfer")) { Text(stringResource(R.string.transfer_title)) }
            Section(R.string.settings_help)
            OutlinedButton(onClick = { vm.go(Screen.DIAGNOSTICS) }, modifier = Modifier.testTag("diagnostics")) { Text(stringResource(R.string.diagnostics_title)) }
            QaSources(vm, actions)
        }
    }
}

@Composable
private fun BackupSection(actions: PlatformActions) {
    var password by rememberSaveable { mutableStateOf("") }
    Section(R.string.settings_backup)
    Text(stringResource(R.string.backup_body), style = MaterialTheme.typography.bodySmall)
    SecretField(password, { password = it }, R.string.backup_password, "backup-password")
    Row {
        Button(onClick = { actions.exportBackup(password) }, modifier = Modifier.testTag("export")) { Text(stringResource(R.string.backup_export)) }
        Gap()
        OutlinedButton(onClick = actions.pickImport, modifier = Modifier.testTag("import")) { Text(stringResource(R.string.backup_import)) }
    }
}

/** QA: which time servers to ask (also settable by intent extras in debug builds). */
@Composable
private fun QaSources(vm: MainViewModel, actions: PlatformActions) {
    val current = actions.timeSources()
    var ntp by rememberSaveable { mutableStateOf(current.first) }
    var https by rememberSaveable { mutableStateOf(current.second) }
    var quorum by rememberSaveable { mutableStateOf(current.third.toString()) }
    Section(R.string.qa_title)
    OutlinedTextField(ntp, { ntp = it }, label = { Text(stringResource(R.string.qa_ntp)) }, modifier = Modifier.fillMaxWidth().testTag("qa-ntp"))
    OutlinedTextField(https, { https = it }, label = { Text(stringResource(R.string.qa_https)) }, modifier = Modifier.fillMaxWidth().testTag("qa-https"))
    OutlinedTextField(quorum, { quorum = it }, label = { Text(stringResource(R.string.qa_quorum)) }, modifier = Modifier.fillMaxWidth().testTag("qa-quorum"))
    OutlinedButton(onClick = { vm.setTimeSources(ntp, https, quorum.toIntOrNull() ?: 0) }, modifier = Modifier.testTag("qa-save")) {
        Text(stringResource(R.string.save))
    }
}

@Composable
fun AccountScreen(ui: UiState, vm: MainViewModel) {
    val account = vm.accountById(ui.selected)
    if (account == null) {
        Header(stringResource(R.string.account_title), vm::back)
        return
    }
    var issuer by rememberSaveable(account.id) { mutableStateOf(account.issuer) }
    var name by rememberSaveable(account.id) { mutableStateOf(account.name) }
    var notes by rememberSaveable(account.id) { mutableStateOf(account.notes) }
    var group by rememberSaveable(account.id) { mutableStateOf(account.group.orEmpty()) }
    Column(Modifier.fillMaxSize().verticalScroll(rememberScrollState())) {
        Header(stringResource(R.string.account_title), vm::back)
        Column(Modifier.padding(12.dp)) {
            OutlinedTextField(issuer, { issuer = it }, label = { Text(stringResource(R.string.manual_issuer)) }, modifier = Modifier.fillMaxWidth().testTag("edit-issuer"))
            OutlinedTextField(name, { name = it }, label = { Text(stringResource(R.string.manual_account)) }, modifier = Modifier.fillMaxWidth().testTag("edit-name"))
            OutlinedTextField(notes, { notes = it }, label = { Text(stringResource(R.string.account_notes)) }, modifier = Modifier.fillMaxWidth().testTag("edit-notes"))
            OutlinedTextField(group, { group = it }, label = { Text(stringResource(R.string.account_group)) }, modifier = Modifier.fillMaxWidth().testTag("edit-group"))
            Text(stringResource(R.string.account_params, account.kind.name, account.algorithm.name, account.digits.toInt(), account.period.toInt()), style = MaterialTheme.typography.bodySmall)
            Button(onClick = { vm.saveDetails(account.id, issuer, name, notes, group) }, modifier = Modifier.testTag("save")) { Text(stringResource(R.string.save)) }
            Row {
                OutlinedButton(onClick = { vm.move(account.id, -1) }, modifier = Modifier.testTag("move-up")) { Text(stringResource(R.string.move_up)) }
                Gap()
                OutlinedButton(onClick = { vm.move(account.id, 1) }, modifier = Modifier.testTag("move-down")) { Text(stringResource(R.string.move_down)) }
            }
            OutlinedButton(onClick = { vm.go(Screen.HELP, account.id) }, modifier = Modifier.testTag("help")) { Text(stringResource(R.string.help_button)) }
            OutlinedButton(onClick = { vm.askDelete(account.id) }, modifier = Modifier.testTag("delete")) { Text(stringResource(R.string.delete)) }
        }
    }
}

/** "The portal says Invalid Authenticator Code": the core doctor's findings for this account as
 *  numbered steps, each with the button it needs, then the two steps that always apply. */
@Composable
fun HelpScreen(ui: UiState, vm: MainViewModel, actions: PlatformActions) {
    val account = vm.accountById(ui.selected)
    Column(Modifier.fillMaxSize().verticalScroll(rememberScrollState())) {
        Header(stringResource(R.string.help_title), vm::back)
        Column(Modifier.padding(12.dp)) {
            val steps = ui.findings.orEmpty().map { it to helpStep(it, ui.list?.time) }
            // The last sync's outcome stays in view: the finding that asked for it is gone once it worked.
            ui.sync?.let { Text(it.line.resolve(), fontWeight = FontWeight.Bold, modifier = Modifier.testTag("sync-outcome")) }
            steps.forEachIndexed { i, (finding, step) ->
                Text(stringResource(R.string.help_numbered, i + 1, step.resolve()), modifier = Modifier.padding(top = 12.dp).testTag("help-step-${finding.code}"))
                when (helpAction(finding)) {
                    HelpAction.SYNC -> Button(onClick = vm::syncNow, modifier = Modifier.testTag("help-sync")) { Text(stringResource(R.string.sync_now)) }
                    HelpAction.DELETE -> OutlinedButton(onClick = { finding.accountId?.let(vm::askDelete) }, modifier = Modifier.testTag("help-delete")) {
                        Text(stringResource(R.string.help_delete_old))
                    }
                    HelpAction.NONE -> Unit
                }
            }
            Text(stringResource(R.string.help_numbered, steps.size + 1, stringResource(R.string.help_step_type_fast)), modifier = Modifier.padding(top = 12.dp))
            Text(stringResource(R.string.help_numbered, steps.size + 2, stringResource(R.string.help_step_ticket)), modifier = Modifier.padding(top = 12.dp))
            OutlinedButton(onClick = { actions.copyText(helpdeskTicket(ui, account?.let { it.issuer.ifEmpty { it.name } })) }, modifier = Modifier.testTag("help-ticket")) {
                Text(stringResource(R.string.help_copy_ticket))
            }
        }
    }
}

enum class HelpAction { SYNC, DELETE, NONE }

/** The button a finding needs: a time problem is fixed by a sync, an older duplicate by deleting it. */
fun helpAction(f: DoctorFinding): HelpAction = when (f.code) {
    "time_tampered", "time_unverified", "sync_no_quorum" -> HelpAction.SYNC
    "duplicate_account" -> if (f.fact("newest_id") != f.accountId?.toString()) HelpAction.DELETE else HelpAction.NONE
    else -> HelpAction.NONE
}

private fun DoctorFinding.fact(key: String): String? = facts.firstOrNull { it.key == key }?.value

/** A finding in the user's language, chosen by its stable code; a code this app does not know
 *  yet (a newer core) shows the core's own English sentence rather than nothing. */
fun helpStep(f: DoctorFinding, time: app.kunci.TimeInfo?): UiText = when (f.code) {
    "time_tampered" -> text(R.string.help_f_time_tampered)
    "time_unverified" -> text(R.string.help_f_time_unverified)
    "sync_no_quorum" -> text(R.string.help_f_sync_no_quorum)
    "phone_clock_off" -> {
        val offset = f.fact("offset_ms")?.toLongOrNull() ?: time?.offsetMs ?: 0L
        text(R.string.help_f_phone_clock_off, text(if (offset >= 0) R.string.time_behind else R.string.time_ahead, durationText(offset)))
    }
    "duplicate_account" -> {
        val count = f.fact("ids")?.split(',')?.size ?: 2
        val added = f.fact("newest_added").orEmpty()
        if (helpAction(f) == HelpAction.DELETE) text(R.string.help_f_duplicate_older, count, added) else text(R.string.help_f_duplicate_newest, count)
    }
    "unusual_parameters" -> text(R.string.help_f_unusual)
    "hotp_counter_ahead" -> text(R.string.help_f_hotp_ahead)
    "portal_clock_off" -> text(R.string.help_f_portal_clock_off)
    "all_clear" -> text(R.string.help_f_all_clear)
    else -> text(R.string.help_verbatim, f.sentence)
}

/** The ticket a helpdesk needs: the diagnostics (no secrets) and which account fails. */
fun helpdeskTicket(ui: UiState, account: String?): String =
    "Kunci helpdesk ticket\naccount: ${account.orEmpty()}\n\n${ui.diagnostics.orEmpty()}"

@Composable
fun DiagnosticsScreen(ui: UiState, vm: MainViewModel, actions: PlatformActions) {
    val report = ui.diagnostics.orEmpty()
    Column(Modifier.fillMaxSize().verticalScroll(rememberScrollState())) {
        Header(stringResource(R.string.diagnostics_title), vm::back)
        Text(stringResource(R.string.diagnostics_body), modifier = Modifier.padding(horizontal = 12.dp))
        Row(Modifier.padding(12.dp)) {
            Button(onClick = { actions.copyText(report) }, modifier = Modifier.testTag("diag-copy")) { Text(stringResource(R.string.copy)) }
            Gap()
            OutlinedButton(onClick = { actions.share(report) }, modifier = Modifier.testTag("diag-share")) { Text(stringResource(R.string.share)) }
        }
        Text(report, fontFamily = FontFamily.Monospace, fontSize = 11.sp, modifier = Modifier.padding(12.dp).testTag("diag-text"))
    }
}

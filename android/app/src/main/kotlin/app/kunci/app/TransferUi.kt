//! Moving accounts to another app (issue 15 point 4): the guide our users follow names FreeOTP as
//! the app to switch to, and FreeOTP only scans. One account's `otpauth://` QR code at a time, drawn
//! by the core as a PNG (the secret never crosses to Kotlin as text), with a warning; "done" drops
//! the picture. FLAG_SECURE (MainActivity) keeps it out of screenshots; another phone's camera
//! still sees it, which is the point.
package app.kunci.app

import android.graphics.BitmapFactory
import androidx.compose.foundation.Image
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.rememberScrollState
import androidx.compose.foundation.verticalScroll
import androidx.compose.material3.Button
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.remember
import androidx.compose.ui.Modifier
import androidx.compose.ui.graphics.FilterQuality
import androidx.compose.ui.graphics.asImageBitmap
import androidx.compose.ui.layout.ContentScale
import androidx.compose.ui.platform.testTag
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.text.font.FontWeight
import androidx.compose.ui.unit.dp

@Composable
fun TransferScreen(ui: UiState, vm: MainViewModel) {
    val accounts = ui.accounts
    val index = ui.transferIndex.coerceIn(0, (accounts.size - 1).coerceAtLeast(0))
    val account = accounts.getOrNull(index)
    Column(Modifier.fillMaxSize().verticalScroll(rememberScrollState())) {
        Header(stringResource(R.string.transfer_title), vm::finishTransfer)
        Column(Modifier.padding(12.dp)) {
            Text(stringResource(R.string.transfer_warning), fontWeight = FontWeight.Bold)
            if (account == null) {
                Text(stringResource(R.string.transfer_none), modifier = Modifier.padding(top = 12.dp))
                return@Column
            }
            val label = listOf(account.issuer, account.name).filter { it.isNotEmpty() }.joinToString(": ")
            Text(
                stringResource(R.string.transfer_step, index + 1, accounts.size, label),
                modifier = Modifier.padding(top = 12.dp).testTag("transfer-step"),
            )
            val png = ui.transferPng
            val bitmap = remember(png) { png?.let { BitmapFactory.decodeByteArray(it, 0, it.size)?.asImageBitmap() } }
            if (bitmap != null) {
                Image(
                    bitmap, contentDescription = stringResource(R.string.transfer_qr_description, label),
                    // Nearest-neighbour scaling keeps the modules sharp for the other camera.
                    filterQuality = FilterQuality.None, contentScale = ContentScale.Fit,
                    modifier = Modifier.fillMaxWidth().padding(vertical = 12.dp).testTag("transfer-qr"),
                )
            }
            Row {
                if (index + 1 < accounts.size) {
                    Button(onClick = vm::transferNext, modifier = Modifier.testTag("transfer-next")) { Text(stringResource(R.string.transfer_next)) }
                    Gap()
                }
                OutlinedButton(onClick = vm::finishTransfer, modifier = Modifier.testTag("transfer-done")) { Text(stringResource(R.string.transfer_done)) }
            }
        }
    }
}

//! Point 1: enrollment — a pasted or typed URI, the manual form's field errors, a duplicate's
//! replace / keep both, a Google export batch, a camera frame made from a corpus photo, a picked
//! picture, an unreadable file explained, and an `otpauth://` deep link; then the guided first code.
package app.kunci.app

import android.content.Intent
import android.net.Uri
import androidx.compose.ui.test.assertIsDisplayed
import androidx.compose.ui.test.onNodeWithTag
import androidx.compose.ui.test.onNodeWithText
import androidx.compose.ui.test.performClick
import androidx.compose.ui.test.performTextInput
import app.kunci.HashAlgorithm
import app.kunci.OnConflict
import app.kunci.OtpKind
import app.kunci.codeForUri
import java.io.ByteArrayOutputStream
import java.io.File
import java.util.Base64
import kotlinx.coroutines.runBlocking
import org.junit.Assert.assertEquals
import org.junit.Assert.assertTrue
import org.junit.Test
import org.junit.runner.RunWith
import org.robolectric.RobolectricTestRunner

@RunWith(RobolectricTestRunner::class)
class EnrollTest : KunciTestBase() {
    private fun accounts() = runBlocking { app.vault().accounts() }

    private fun openAdd() {
        launch()
        compose.onNodeWithTag("add-first").performClick()
        settle()
    }

    @Test
    fun pastedUriIsAddedThenTheFirstCodeIsGuided() {
        pinTimeInStep(5_000) // the code on screen and the one asked of the core are in one step
        openAdd()
        compose.onNodeWithTag("paste").performTextInput(uri("ASN Digital", "199001"))
        compose.onNodeWithTag("paste-add").performClick()
        waitForTag("guided-code")
        compose.onNodeWithText(string(R.string.guided_body)).assertIsDisplayed()
        val code = runBlocking { app.vault().codes() }.codes.single()
        compose.onNodeWithText(grouped(code.code)).assertIsDisplayed()
        screenshot("guided")
        compose.onNodeWithTag("guided-done").performClick()
        settle()
        // After the first code: the recovery passphrase is offered.
        compose.onNodeWithText(string(R.string.recovery_body)).assertIsDisplayed()
        screenshot("recovery-offer")
        assertEquals("ASN Digital", accounts().single().issuer)
    }

    @Test
    fun aLinkThatIsNotOtpauthIsExplained() {
        openAdd()
        compose.onNodeWithTag("paste").performTextInput("https://asn.example/login")
        compose.onNodeWithTag("paste-add").performClick()
        waitForText(string(R.string.error_not_otpauth))
        assertTrue(accounts().isEmpty())
    }

    @Test
    fun manualFormShowsFieldErrors() {
        openAdd()
        compose.onNodeWithTag("manual").performClick()
        settle()
        compose.onNodeWithTag("manual-add").performClick()
        settle()
        compose.onNodeWithText(string(R.string.manual_error_name)).assertIsDisplayed()
        compose.onNodeWithText(string(R.string.manual_error_secret_empty)).assertIsDisplayed()
        compose.onNodeWithTag("account").performTextInput("199001")
        compose.onNodeWithTag("secret").performTextInput("JBSW Y3DP 0000 1111")
        compose.onNodeWithTag("manual-add").performClick()
        settle()
        compose.onNodeWithText(string(R.string.manual_error_secret_chars)).assertIsDisplayed()
        screenshot("manual-errors")
        assertTrue(accounts().isEmpty())
    }

    @Test
    fun manualHotpWithAdvancedSettingsIsAdded() {
        openAdd()
        compose.onNodeWithTag("manual").performClick()
        settle()
        compose.onNodeWithTag("issuer").performTextInput("Bank")
        compose.onNodeWithTag("account").performTextInput("jo")
        compose.onNodeWithTag("secret").performTextInput("jbsw y3dp ehpk 3pxp")
        compose.onNodeWithTag("advanced").performClick()
        settle()
        compose.onNodeWithTag("type-HOTP").performClick()
        compose.onNodeWithText("SHA256").performClick()
        settle()
        compose.onNodeWithTag("manual-add").performClick()
        waitFor("the account") { accounts().isNotEmpty() }
        val a = accounts().single()
        assertEquals(OtpKind.HOTP, a.kind)
        assertEquals(HashAlgorithm.SHA256, a.algorithm)
        assertEquals("Bank", a.issuer)
    }

    private fun duplicateDialog() {
        runBlocking { app.vault().enrollUri(uri("Portal", "jo"), OnConflict.REJECT) }
        launch()
        compose.onNodeWithText(string(R.string.add)).performClick()
        settle()
        compose.onNodeWithTag("paste").performTextInput(uri("Portal", "jo", "KRSXG5DSNFXGOIDB"))
        compose.onNodeWithTag("paste-add").performClick()
        waitForText(string(R.string.duplicate_title))
    }

    @Test
    fun duplicateReplaceKeepsOneAccount() {
        duplicateDialog()
        screenshot("duplicate")
        compose.onNodeWithText(string(R.string.duplicate_replace)).performClick()
        val replaced = uri("Portal", "jo", "KRSXG5DSNFXGOIDB")
        waitFor("the new secret's code") {
            val code = runBlocking { app.vault().codes() }.codes.single()
            codeForUri(replaced, code.validFrom!!).code == code.code
        }
        assertEquals(1, accounts().size)
    }

    @Test
    fun duplicateKeepBothAddsASecond() {
        duplicateDialog()
        compose.onNodeWithText(string(R.string.duplicate_keep_both)).performClick()
        waitFor("two accounts") { accounts().size == 2 }
    }

    @Test
    fun googleExportBatchSaysScanTheNext() {
        openAdd()
        compose.onNodeWithTag("paste").performTextInput(migrationUri(index = 0, size = 3))
        compose.onNodeWithTag("paste-add").performClick()
        waitForText(string(R.string.report_batch_next, 1, 3))
        screenshot("batch")
        assertEquals(2, accounts().size)
    }

    @Test
    fun cameraFramesFromACorpusPhotoThenAnEnrollmentCode() {
        openAdd()
        compose.onNodeWithTag("scan").performClick()
        settle()
        assertEquals(1, frames.starts.get())
        // A real photo of a QR code that is not an authenticator code: explained, nothing added.
        frames.push(lumaFrame(corpus("zxing-qrcode-1/1.png").readBytes()))
        waitForText(string(R.string.error_not_authenticator_qr))
        assertTrue(accounts().isEmpty())
        screenshot("scan")
        // The portal's code, as a camera frame: added, the camera stops.
        frames.push(lumaFrame(qrPng(uri("ASN Digital", "199001"))))
        waitForTag("guided-code")
        assertEquals("ASN Digital", accounts().single().issuer)
        assertEquals(1, frames.stops.get())
    }

    @Test
    fun pickedScreenshotIsEnrolled() {
        val picture = File(dir, "shot.png").apply { writeBytes(qrPng(uri("Mail", "ani"))) }
        documents.nextOpen = picture
        openAdd()
        compose.onNodeWithTag("pick-image").performClick()
        waitForTag("guided-code")
        assertEquals(listOf("image/*"), documents.openedTypes.single())
        assertEquals("Mail", accounts().single().issuer)
        assertTrue("a screenshot the core reads never goes to the platform", pictures.calls.isEmpty())
    }

    @Test
    fun anUnreadablePictureIsExplainedNotACrash() {
        documents.nextOpen = File(dir, "broken.png").apply { writeBytes(byteArrayOf(0x89.toByte(), 'P'.code.toByte(), 1, 2, 3)) }
        openAdd()
        compose.onNodeWithTag("pick-image").performClick()
        waitFor("an error sentence") { count(string(R.string.error_unreadable_image)) + count(string(R.string.error_not_a_qr)) > 0 }
        assertEquals("the platform was asked once, and could not open it either", 1, pictures.calls.size)
        // A file that vanished (IOException from the provider): also a sentence.
        documents.nextOpen = File(dir, "gone.png")
        compose.onNodeWithTag("pick-image").performClick()
        waitForText(string(R.string.error_io))
        assertTrue(accounts().isEmpty())
        assertEquals(1, pictures.calls.size)
    }

    /** A HEIF photo from the camera (or one over the core's pixel cap): opened by the platform, downscaled. */
    @Test
    fun aPictureTheCoreCannotOpenGoesThroughThePlatform() {
        val heif = "....ftypheic: a photo only the platform decodes".toByteArray()
        pictures.opens[heif.toList()] = qrPng(uri("Mail", "ani"))
        documents.nextOpen = File(dir, "photo.heic").apply { writeBytes(heif) }
        openAdd()
        compose.onNodeWithTag("pick-image").performClick()
        waitForTag("guided-code")
        assertEquals("Mail", accounts().single().issuer)
        assertEquals(listOf(heif.toList() to 3200), pictures.calls.toList())
    }

    /** What the platform makes of a picture is not handed back to it when the core refuses that too. */
    @Test
    fun aConvertedPictureIsTriedOnce() {
        val odd = "a platform that answers with something else".toByteArray()
        pictures.opens[odd.toList()] = "not a picture either".toByteArray()
        documents.nextOpen = File(dir, "odd.gif").apply { writeBytes(odd) }
        openAdd()
        compose.onNodeWithTag("pick-image").performClick()
        waitForText(string(R.string.error_unreadable_image))
        assertEquals(listOf(odd.toList() to 3200), pictures.calls.toList())
        assertTrue(accounts().isEmpty())
    }

    @Test
    fun otpauthDeepLinkEnrolls() {
        val intent = Intent(Intent.ACTION_VIEW, Uri.parse(uri("Portal", "jo")))
            .setClassName(app, MainActivity::class.java.name)
        launch(intent)
        waitFor("the account") { accounts().isNotEmpty() }
        waitForTag("guided-code")
    }

    private fun migrationUri(index: Int, size: Int): String {
        fun varint(out: ByteArrayOutputStream, v: Long) {
            var x = v
            while (x >= 0x80) {
                out.write(((x and 0x7f) or 0x80).toInt())
                x = x ushr 7
            }
            out.write(x.toInt())
        }
        fun bytesField(out: ByteArrayOutputStream, field: Int, b: ByteArray) {
            varint(out, ((field shl 3) or 2).toLong()); varint(out, b.size.toLong()); out.write(b)
        }
        fun intField(out: ByteArrayOutputStream, field: Int, v: Long) {
            varint(out, (field shl 3).toLong()); varint(out, v)
        }
        fun otp(name: String, issuer: String, secret: ByteArray): ByteArray = ByteArrayOutputStream().also {
            bytesField(it, 1, secret); bytesField(it, 2, name.toByteArray()); bytesField(it, 3, issuer.toByteArray())
            intField(it, 4, 1); intField(it, 5, 1); intField(it, 6, 2)
        }.toByteArray()
        val payload = ByteArrayOutputStream()
        bytesField(payload, 1, otp("jo", "Bank", ByteArray(20) { it.toByte() }))
        bytesField(payload, 1, otp("ani", "Mail", ByteArray(20) { (it * 7).toByte() }))
        intField(payload, 2, 1); intField(payload, 3, size.toLong()); intField(payload, 4, index.toLong()); intField(payload, 5, 4242)
        val data = java.net.URLEncoder.encode(Base64.getEncoder().encodeToString(payload.toByteArray()), "UTF-8")
        return "otpauth-migration://offline?data=$data"
    }
}

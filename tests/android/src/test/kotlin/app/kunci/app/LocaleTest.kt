//! Point 6: two languages — every string in values/ has an Indonesian twin, the screens render
//! in Indonesian, and every core error variant maps to its own localized sentence.
package app.kunci.app

import androidx.compose.ui.test.assertIsDisplayed
import androidx.compose.ui.test.onNodeWithTag
import androidx.compose.ui.test.onNodeWithText
import androidx.compose.ui.test.performClick
import androidx.compose.ui.test.performTextInput
import app.kunci.KunciException
import app.kunci.OnConflict
import java.io.File
import javax.xml.parsers.DocumentBuilderFactory
import kotlinx.coroutines.runBlocking
import org.junit.Assert.assertEquals
import org.junit.Assert.assertNotEquals
import org.junit.Assert.assertTrue
import org.junit.Test
import org.junit.runner.RunWith
import org.robolectric.RobolectricTestRunner

@RunWith(RobolectricTestRunner::class)
class LocaleTest : KunciTestBase() {
    private fun strings(dir: String): Map<String, String> {
        val file = File(System.getProperty("kunci.root"), "android/app/src/main/res/$dir/strings.xml")
        val doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(file)
        val nodes = doc.getElementsByTagName("string")
        return (0 until nodes.length).associate { i -> nodes.item(i).attributes.getNamedItem("name").nodeValue to nodes.item(i).textContent }
    }

    @Test
    fun everyEnglishStringHasAnIndonesianOne() {
        val en = strings("values")
        val id = strings("values-in")
        assertEquals(en.keys, id.keys)
        val same = en.filter { (k, v) -> id[k] == v && v.any(Char::isLetter) && k !in setOf("app_name", "ok") }
        assertTrue("untranslated: ${same.keys}", same.size <= 3)
    }

    @Test
    fun everyCoreErrorHasItsOwnLocalizedSentence() {
        val errors = listOf(
            KunciException.InvalidInput("x"), KunciException.NotAQrCode("x"), KunciException.UnreadableImage("x"),
            KunciException.WrongPassphrase("x"), KunciException.PasswordRequired("x"), KunciException.WrongPassword("x"),
            KunciException.VaultDamaged("x"), KunciException.Locked("x"),
            KunciException.Busy("x"), KunciException.KeyUnavailable("x"), KunciException.TimeSyncFailed("x"),
            KunciException.UnsupportedFile("x"), KunciException.Io("x"),
        )
        val ids = errors.map { errorText(it).res }
        assertEquals(ids.size, ids.toSet().size)
        setLanguage("in")
        errors.forEach { e -> assertNotEquals("x", errorText(e).resolveWith(app.resources)) }
        assertEquals("Frasa sandi salah. Coba lagi.", errorText(KunciException.WrongPassphrase("Wrong passphrase.")).resolveWith(app.resources))
        assertEquals(R.string.error_io, errorText(java.io.IOException("disk")).res)
        assertEquals(R.string.error_security, errorText(SecurityException("no")).res)
    }

    @Test
    fun everyCoreErrorVariantHasASentence() {
        // Every variant the generated bindings have (reflection: a new core variant is caught here).
        val variants = KunciException::class.java.declaredClasses.filter { KunciException::class.java.isAssignableFrom(it) }
        assertTrue(variants.size >= 20)
        for (v in variants) {
            val ctor = v.constructors.maxBy { it.parameterCount }
            val args: List<Any?> = ctor.parameterTypes.map { t ->
                when (t) {
                    String::class.java -> "x"
                    java.lang.Long.TYPE -> 0L
                    Integer.TYPE -> 0
                    else -> null as Any?
                }
            }
            val e = ctor.newInstance(*args.toTypedArray()) as KunciException
            val res = errorText(e).res
            if (v.simpleName != "Internal") assertNotEquals("${v.simpleName} has no sentence of its own", R.string.error_unexpected, res)
        }
    }

    @Test
    fun screensInIndonesian() {
        setLanguage("in")
        runBlocking { app.vault().enrollUri(uri("ASN Digital", "199001"), OnConflict.REJECT) }
        launch()
        compose.onNodeWithText("Waktu belum diperiksa", substring = true).assertIsDisplayed()
        compose.onNodeWithText("Cari akun").assertIsDisplayed()
        screenshot("codes")
        compose.onNodeWithText("Tambah").performClick()
        settle()
        compose.onNodeWithText("Pindai kode QR dengan kamera").assertIsDisplayed()
        screenshot("add")
        compose.onNodeWithTag("manual").performClick()
        settle()
        compose.onNodeWithTag("secret").performTextInput("0189")
        compose.onNodeWithTag("manual-add").performClick()
        settle()
        compose.onNodeWithText("Kunci hanya berisi huruf A sampai Z", substring = true).assertIsDisplayed()
        screenshot("manual-errors")
    }
}

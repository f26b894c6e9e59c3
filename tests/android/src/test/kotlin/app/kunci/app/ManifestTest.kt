//! The app's manifest asks for exactly the permissions we can explain to users, takes
//! otpauth:// links, keeps data out of cloud backups, and the manifest Robolectric runs the UI
//! tests with says the same.
package app.kunci.app

import java.io.File
import javax.xml.parsers.DocumentBuilderFactory
import org.junit.Assert.assertEquals
import org.junit.Test
import org.w3c.dom.Document

class ManifestTest {
    private val android = "http://schemas.android.com/apk/res/android"

    private fun parse(path: String): Document = DocumentBuilderFactory.newInstance().apply { isNamespaceAware = true }
        .newDocumentBuilder().parse(File(System.getProperty("kunci.root"), path))

    private fun Document.values(tag: String, attr: String): Set<String> {
        val nodes = getElementsByTagName(tag)
        return (0 until nodes.length).mapNotNull { nodes.item(it).attributes.getNamedItemNS(android, attr)?.nodeValue }.toSet()
    }

    private val app = parse("android/app/src/main/AndroidManifest.xml")
    private val test = parse("tests/android/src/test/AndroidManifest.xml")

    @Test
    fun permissionsAreExactlyTheOnesWeExplain() {
        val expected = setOf(
            "android.permission.INTERNET", "android.permission.ACCESS_NETWORK_STATE",
            "android.permission.CAMERA", "android.permission.USE_BIOMETRIC",
        )
        assertEquals(expected, app.values("uses-permission", "name"))
        assertEquals(expected, test.values("uses-permission", "name"))
    }

    @Test
    fun otpauthLinksOpenTheAppAndNothingGoesToCloudBackup() {
        for (doc in listOf(app, test)) {
            assertEquals(setOf("otpauth", "otpauth-migration"), doc.values("data", "scheme"))
            assertEquals(setOf("false"), doc.values("application", "allowBackup"))
            assertEquals(setOf(".KunciApplication"), doc.values("application", "name"))
        }
    }
}

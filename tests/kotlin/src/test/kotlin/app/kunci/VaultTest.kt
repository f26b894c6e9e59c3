package app.kunci

import java.nio.file.Path
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import org.junit.jupiter.api.io.TempDir

/** Vault lifecycle through the generated API with Kotlin platform implementations. */
class VaultTest {
    @TempDir
    lateinit var dir: Path

    private val t = 1_700_000_000L

    @Test
    fun kotlinKeyWrapperCreatesAndReopensTheVaultAndAWrongKeyIsRefused() {
        val wrapper = AesGcmKeyWrapper()
        val path = Fixtures.vaultPath(dir)
        val secret = Fixtures.randomSecret()
        Authenticator.create(Fixtures.setup(path), keyWrapper = wrapper).use {
            it.enrollUri(Fixtures.uri("GitHub", "jo", secret), OnConflict.REJECT)
        }
        assertEquals(1, wrapper.wraps.get(), "the vault key was wrapped by Kotlin")

        Authenticator.openWithKeyWrapper(Fixtures.setup(path), wrapper).use {
            assertEquals(listOf("GitHub"), it.accounts().map { a -> a.issuer })
            assertEquals(Fixtures.referenceTotp(secret, t), it.codesAt(t * 1000).codes.single().code)
        }
        assertTrue(wrapper.unwraps.get() >= 1)

        // Another keystore key (a reinstalled app): a typed error, nothing overwritten.
        val e = assertThrows<KunciException.KeyUnavailable> {
            Authenticator.openWithKeyWrapper(Fixtures.setup(path), AesGcmKeyWrapper())
        }
        assertTrue(e.userMessage().isNotBlank())
        Authenticator.openWithKeyWrapper(Fixtures.setup(path), wrapper).use {
            assertEquals(1, it.accounts().size)
        }
    }

    @Test
    fun passphraseVaultReopensAndAWrongPassphraseIsTyped() {
        val path = Fixtures.vaultPath(dir)
        Authenticator.create(Fixtures.setup(path), "correct horse".toByteArray()).use {
            it.enrollUri(Fixtures.uri("Bank", "jo"), OnConflict.REJECT)
        }
        val e = assertThrows<KunciException.WrongPassphrase> {
            Authenticator.openWithPassphrase(Fixtures.setup(path), "wrong horse".toByteArray())
        }
        assertTrue(e.message!!.isNotBlank())
        assertEquals(e.message!!, e.userMessage())
        assertEquals(ErrorAction.ASK_PASSWORD, e.action())
        assertTrue(!e.message!!.contains("horse"), "the passphrase must not appear in the error")

        Authenticator.openWithPassphrase(Fixtures.setup(path), "correct horse".toByteArray()).use {
            assertEquals(listOf("Bank"), it.accounts().map { a -> a.issuer })
        }
        assertThrows<KunciException.VaultMissing> {
            Authenticator.openWithPassphrase(Fixtures.setup(Fixtures.vaultPath(dir, "nope.kunci")), "x".toByteArray())
        }
        assertThrows<KunciException.VaultExists> {
            Authenticator.create(Fixtures.setup(path), "again".toByteArray())
        }
        assertThrows<KunciException.InvalidInput> {
            Authenticator.create(Fixtures.setup(Fixtures.vaultPath(dir, "keyless.kunci")))
        }
    }

    /**
     * `VaultSetup(path, bootClock)` is a whole setup: no HTTPS source and the core's default
     * options, which the vault then uses (a backup's header carries the Argon2id cost it was
     * written with, docs/backup-format.md). A wrong passphrase is still the native exception.
     */
    @Test
    fun aSetupWithOnlyPathAndBootClockTakesTheDefaults() {
        val setup = VaultSetup(Fixtures.vaultPath(dir), MonotonicBootClock())
        assertNull(setup.https)
        assertEquals(defaultOptions(), setup.options)
        assertEquals(3u, setup.options.quorum)

        Authenticator.create(setup, "kopi susu pagi".toByteArray()).use {
            it.enrollUri(Fixtures.uri("ASN Digital", "budi"), OnConflict.REJECT)
        }
        Authenticator.openWithPassphrase(setup, "kopi susu pagi".toByteArray()).use {
            assertEquals(listOf("ASN Digital"), it.accounts().map { a -> a.issuer })
            val backup = it.exportFile(ExportFormat.KUNCI, "cadangan".toByteArray())
            val header = java.nio.ByteBuffer.wrap(backup, 11, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN)
            assertEquals(65_536, header.getInt(), "Argon2id memory: the default 64 MiB")
            assertEquals(3, header.getInt(), "Argon2id passes: the default 3")
        }

        val e = assertThrows<KunciException.WrongPassphrase> {
            Authenticator.openWithPassphrase(setup, "teh manis sore".toByteArray())
        }
        assertTrue(e.message!!.contains("passphrase is wrong"), e.message)
        assertFalse(e.message!!.contains("detail="), e.message)
        assertEquals(e.message, e.localizedMessage)
    }

    @Test
    fun duplicateEnrollmentIsAConflictThenReplaceOrKeepBoth() {
        Fixtures.newVault(dir).use { auth ->
            val newSecret = Fixtures.randomSecret()
            val id = auth.enrollUri(Fixtures.uri("HR-Portal", "nip-1987"), OnConflict.REJECT).added.single().id
            val reset = Fixtures.uri("HR-Portal", "nip-1987", newSecret)

            val dup = assertThrows<KunciException.DuplicateAccount> { auth.enrollUri(reset, OnConflict.REJECT) }
            // The existing account is the one with that issuer and name (ids stay on the Rust side).
            assertEquals(listOf(id), auth.accounts().filter { it.issuer == "HR-Portal" && it.name == "nip-1987" }.map { it.id })
            assertTrue(dup.message!!.contains("id $id"), dup.message)
            // The app asks which account it would replace, for its "replace or keep both?" dialog.
            assertEquals(id, auth.existingAccount(reset)?.id)
            assertNull(auth.existingAccount(Fixtures.uri("Other", "someone")))
            assertEquals(ErrorAction.RESOLVE_DUPLICATE, dup.action())
            assertEquals(1, auth.accounts().size)

            // "Reset MFA" on the portal: the new secret replaces the old one.
            auth.enrollUri(reset, OnConflict.REPLACE)
            val afterReplace = auth.accounts()
            assertEquals(1, afterReplace.size)
            assertEquals(Fixtures.referenceTotp(newSecret, t), auth.codesAt(t * 1000).codes.single().code)

            auth.enrollUri(Fixtures.uri("HR-Portal", "nip-1987"), OnConflict.KEEP_BOTH)
            val both = auth.accounts()
            assertEquals(2, both.size)
            assertEquals(setOf("nip-1987"), both.map { it.name }.toSet())
            assertEquals(2, both.map { it.id }.toSet().size)
        }
    }

    @Test
    fun hotpNextCodeAdvancesAndTheCounterSurvivesReopen() {
        // RFC 4226 appendix D secret: counters 0..3 give 755224, 287082, 359152, 969429.
        val secret = "12345678901234567890".toByteArray(Charsets.US_ASCII)
        val rfc = (0L..3L).map { Fixtures.referenceOtp(secret, it) }
        assertEquals(listOf("755224", "287082", "359152", "969429"), rfc)
        val path = Fixtures.vaultPath(dir)
        val id = Authenticator.create(Fixtures.setup(path), "pw".toByteArray()).use { auth ->
            val id = auth.enrollUri("otpauth://hotp/RFC:4226?secret=${Fixtures.base32(secret)}&counter=0", OnConflict.REJECT).added.single().id
            assertEquals(rfc[0], auth.codesAt(t * 1000).codes.single().code, "codes() shows the stored counter")
            // "Next" spends the shown code: the counter moves on (saved first) and the new
            // counter's code comes back, which is also what codes() shows from then on.
            assertEquals(rfc[1], auth.nextCode(id))
            assertEquals(1uL, auth.accounts().single().counter)
            assertEquals(rfc[1], auth.codes().codes.single().code)
            assertEquals(rfc[2], auth.nextCode(id))
            id
        }
        Authenticator.openWithPassphrase(Fixtures.setup(path), "pw".toByteArray()).use { auth ->
            assertEquals(2uL, auth.accounts().single().counter, "the counter was saved")
            val code = auth.codes().codes.single()
            assertEquals(OtpKind.HOTP, code.kind)
            assertEquals(rfc[2], code.code)
            assertEquals(rfc[3], code.next)
            assertEquals(rfc[3], auth.nextCode(id))
            assertEquals(3uL, auth.accounts().single().counter)
            assertThrows<KunciException.NotFound> { auth.nextCode(id + 1000) }
            val totpId = auth.enrollUri(Fixtures.uri("T", "otp"), OnConflict.REJECT).added.single().id
            assertThrows<KunciException.InvalidInput> { auth.nextCode(totpId) }
        }
    }

    @Test
    fun exportAndImportRoundTripKunciAegisAndUris() {
        val uris = listOf(
            Fixtures.uri("GitHub", "jo"),
            Fixtures.uri("Bank", "jo", extra = "&algorithm=SHA256&digits=8"),
            "otpauth://hotp/Lab:door?secret=${Fixtures.base32(Fixtures.randomSecret())}&counter=7&issuer=Lab",
        )
        Fixtures.newVault(dir, name = "source.kunci").use { src ->
            uris.forEach { src.enrollUri(it, OnConflict.REJECT) }
            val expected = src.codesAt(t * 1000).codes.map { Triple(it.issuer, it.name, it.code) }

            val cases = listOf(
                Triple(ExportFormat.KUNCI, "backup pw".toByteArray(), ImportFormat.KUNCI),
                Triple(ExportFormat.AEGIS, null, ImportFormat.AEGIS),
                Triple(ExportFormat.URIS, null, ImportFormat.URIS),
            )
            for ((i, case) in cases.withIndex()) {
                val (exportFormat, password, importFormat) = case
                val bytes = src.exportFile(exportFormat, password)
                if (exportFormat == ExportFormat.KUNCI) {
                    assertTrue(!String(bytes, Charsets.ISO_8859_1).contains("GitHub"), "the Kunci backup is encrypted")
                }
                Fixtures.newVault(dir, name = "dest-$i.kunci").use { dst ->
                    // Once with the format given, once detected, the second finds only duplicates.
                    val report = dst.importFile(bytes, importFormat, password)
                    assertEquals(3u, report.added, "$exportFormat: ${report.lines}")
                    assertTrue(report.refused.isEmpty(), report.refused.toString())
                    assertEquals(3u, dst.importFile(bytes, null, password).duplicates, "$exportFormat detected")
                    val got = dst.codesAt(t * 1000).codes.map { Triple(it.issuer, it.name, it.code) }
                    assertEquals(expected.sortedBy { it.toString() }, got.sortedBy { it.toString() }, "$exportFormat")
                }
            }

            // The URIs export is plain otpauth text, one per line.
            val text = String(src.exportFile(ExportFormat.URIS, null), Charsets.UTF_8)
            assertEquals(3, text.lines().count { it.startsWith("otpauth://") })

            // A Kunci backup needs a password both ways.
            assertThrows<KunciException.PasswordRequired> { src.exportFile(ExportFormat.KUNCI, null) }
            val backup = src.exportFile(ExportFormat.KUNCI, "backup pw".toByteArray())
            Fixtures.newVault(dir, name = "dest-pw.kunci").use { dst ->
                val missing = assertThrows<KunciException.PasswordRequired> { dst.importFile(backup, null, null) }
                assertTrue(missing.message!!.isNotBlank())
                assertEquals(ErrorAction.ASK_PASSWORD, missing.action())
                assertThrows<KunciException.WrongPassword> { dst.importFile(backup, ImportFormat.KUNCI, "nope".toByteArray()) }
                assertTrue(dst.accounts().isEmpty())
                assertThrows<KunciException.UnsupportedFile> { dst.importFile("{\"hello\": 1}".toByteArray(), null, null) }
            }
        }
    }

    @Test
    fun previewOfAMigrationUriListsEveryAccount() {
        // Google Authenticator export (protobuf MigrationPayload) with three accounts, built here.
        val secrets = List(3) { Fixtures.randomSecret(10 + it) }
        val names = listOf("alice@corp", "bob@corp", "svc-backup")
        val issuers = listOf("Corp", "Corp", "Backup")
        val payload = migrationPayload(secrets.indices.map { Triple(secrets[it], names[it], issuers[it]) })
        val b64 = java.util.Base64.getEncoder().encodeToString(payload)
        val uri = "otpauth-migration://offline?data=" + java.net.URLEncoder.encode(b64, "UTF-8")

        val preview = previewUri(uri)
        assertEquals(names, preview.map { it.name })
        assertEquals(issuers, preview.map { it.issuer })
        assertEquals(secrets.map { it.size.toUInt() * 8u }, preview.map { it.secretBits })
        assertTrue(preview.all { it.kind == OtpKind.TOTP && it.digits == 6.toUByte() && it.period == 30u })

        Fixtures.newVault(dir).use { auth ->
            val report = auth.enrollUri(uri, OnConflict.REJECT)
            assertEquals(names, report.added.map { it.name })
            assertEquals(ExportBatch(index = 0u, size = 1u, id = 42), report.batch)
            for ((i, code) in auth.codesAt(t * 1000).codes.withIndex()) {
                assertEquals(Fixtures.referenceTotp(secrets[i], t), code.code)
            }
        }
        assertThrows<KunciException.InvalidInput> { previewUri("https://example.com/") }
    }

    @Test
    fun closedAuthenticatorFailsCleanlyAndLockedIsTyped() {
        val auth = Fixtures.newVault(dir)
        auth.enrollUri(Fixtures.uri("A", "b"), OnConflict.REJECT)
        auth.lock()
        val locked = assertThrows<KunciException.Locked> { auth.accounts() }
        assertTrue(locked.message!!.isNotBlank())
        assertThrows<KunciException.WrongPassphrase> { auth.unlockWithPassphrase("not it".toByteArray()) }
        auth.unlockWithPassphrase("correct horse".toByteArray())
        assertEquals(1, auth.accounts().size, "unlocked again without reopening")
        auth.close()
        assertTrue(auth.uniffiIsDestroyed)
        assertThrows<IllegalStateException> { auth.codes() }
        auth.close() // idempotent

        // `use {}` closes; the same file opens again afterwards (the SQLite handle was released).
        val path = Fixtures.vaultPath(dir)
        val escaped = Authenticator.openWithPassphrase(Fixtures.setup(path), "correct horse".toByteArray()).use {
            assertEquals(1, it.accounts().size)
            it
        }
        assertThrows<IllegalStateException> { escaped.timeNow() }

        // Dropped without close: the cleaner frees them; nothing crashes and the file stays usable.
        repeat(20) {
            Authenticator.openWithPassphrase(Fixtures.setup(path), "correct horse".toByteArray()).accounts()
        }
        repeat(3) {
            System.gc()
            Thread.sleep(50)
        }
        Authenticator.openWithPassphrase(Fixtures.setup(path), "correct horse".toByteArray()).use {
            it.enrollUri(Fixtures.uri("C", "d"), OnConflict.REJECT)
            assertEquals(2, it.accounts().size)
        }
    }

    @Test
    fun throwingKeyWrapperBecomesATypedErrorNotACrash() {
        val path = Fixtures.vaultPath(dir)
        val e = assertThrows<KunciException> {
            Authenticator.create(Fixtures.setup(path), keyWrapper = ThrowingKeyWrapper())
        }
        assertTrue(e is KunciException.KeyUnavailable || e is KunciException.Internal, e.toString())
        assertTrue(e.userMessage().isNotBlank())

        // Adding a broken platform slot to a working vault fails; the vault keeps working.
        Fixtures.newVault(dir, name = "ok.kunci").use { auth ->
            assertThrows<KunciException> { auth.addPlatformKey(ThrowingKeyWrapper()) }
            auth.enrollUri(Fixtures.uri("Still", "works"), OnConflict.REJECT)
            assertEquals(1, auth.accounts().size)
        }
        // A vault whose key slot works opens even after the failed attempt above.
        val wrapper = AesGcmKeyWrapper()
        Fixtures.newVault(dir, name = "ok2.kunci").use { it.addPlatformKey(wrapper) }
        Authenticator.openWithKeyWrapper(Fixtures.setup(Fixtures.vaultPath(dir, "ok2.kunci")), wrapper).close()
        assertThrows<KunciException> {
            Authenticator.openWithKeyWrapper(Fixtures.setup(Fixtures.vaultPath(dir, "ok2.kunci")), ThrowingKeyWrapper())
        }
    }

    /** A MigrationPayload protobuf: OtpParameters {1 secret, 2 name, 3 issuer, 4 SHA1, 5 six, 6 TOTP}. */
    private fun migrationPayload(accounts: List<Triple<ByteArray, String, String>>): ByteArray {
        val out = java.io.ByteArrayOutputStream()
        fun varint(o: java.io.ByteArrayOutputStream, v: Long) {
            var x = v
            while (x >= 0x80) {
                o.write(((x and 0x7f) or 0x80).toInt())
                x = x ushr 7
            }
            o.write(x.toInt())
        }
        fun bytesField(o: java.io.ByteArrayOutputStream, field: Int, b: ByteArray) {
            varint(o, (field.toLong() shl 3) or 2)
            varint(o, b.size.toLong())
            o.write(b)
        }
        fun intField(o: java.io.ByteArrayOutputStream, field: Int, v: Long) {
            varint(o, field.toLong() shl 3)
            varint(o, v)
        }
        for ((secret, name, issuer) in accounts) {
            val p = java.io.ByteArrayOutputStream()
            bytesField(p, 1, secret)
            bytesField(p, 2, name.toByteArray())
            bytesField(p, 3, issuer.toByteArray())
            intField(p, 4, 1)
            intField(p, 5, 1)
            intField(p, 6, 2)
            bytesField(out, 1, p.toByteArray())
        }
        intField(out, 2, 1)
        intField(out, 3, 1)
        intField(out, 4, 0)
        intField(out, 5, 42)
        return out.toByteArray()
    }
}

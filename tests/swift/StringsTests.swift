// The app's words: every key in English and Bahasa Indonesia, the same {slots} in both, every key
// the app's Swift uses present, core errors shown by variant, and screens driven in Indonesian.
import Foundation
import Kunci
import KunciAppLogic
import XCTest

final class StringsTests: XCTestCase {
    static let allTests = [
        ("testEveryKeyInBothLanguagesWithTheSameSlots", testEveryKeyInBothLanguagesWithTheSameSlots),
        ("testEveryKeyTheAppUsesExists", testEveryKeyTheAppUsesExists),
        ("testCoreErrorsAreShownByVariant", testCoreErrorsAreShownByVariant),
        ("testStringsFileParser", testStringsFileParser),
        ("testLanguageChoice", testLanguageChoice),
        ("testScreensInIndonesian", asyncTest(testScreensInIndonesian)),
    ]

    private func slots(_ s: String) -> Set<String> {
        var found = Set<String>()
        var rest = s[...]
        while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
            found.insert(String(rest[rest.index(after: open)..<close]))
            rest = rest[rest.index(after: close)...]
        }
        return found
    }

    func testEveryKeyInBothLanguagesWithTheSameSlots() throws {
        let en = try Localizer.table(language: "en", directory: stringsDirectory())
        let id = try Localizer.table(language: "id", directory: stringsDirectory())
        XCTAssertGreaterThan(en.count, 150)
        XCTAssertEqual(Set(en.keys).subtracting(id.keys).sorted(), [], "missing in Indonesian")
        XCTAssertEqual(Set(id.keys).subtracting(en.keys).sorted(), [], "missing in English")
        for (key, text) in en {
            let other = try XCTUnwrap(id[key])
            XCTAssertFalse(text.trimmingCharacters(in: .whitespaces).isEmpty, key)
            XCTAssertFalse(other.trimmingCharacters(in: .whitespaces).isEmpty, key)
            XCTAssertEqual(slots(text), slots(other), "slots of \(key)")
        }
        // Translated, not copied: most sentences differ (names such as "OK" may not).
        let same = en.filter { id[$0.key] == $0.value && $0.value.count > 12 && !$0.value.hasPrefix("{") }
        XCTAssertEqual(same.keys.sorted(), [], "left in English")
    }

    /// Every "group.name" literal in the app logic and the SwiftUI views is a key in the table,
    /// so no screen shows a raw key.
    func testEveryKeyTheAppUsesExists() throws {
        let en = try Localizer.table(language: "en", directory: stringsDirectory())
        let ios = stringsDirectory().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let dirs = [ios.appendingPathComponent("Sources/KunciAppLogic"), ios.appendingPathComponent("KunciApp/Sources"),
                    ios.appendingPathComponent("KunciApp/Sources/Platform")]
        let prefixes = Set(en.keys.compactMap { $0.split(separator: ".").first.map(String.init) })
        let regex = try NSRegularExpression(pattern: "\"([a-z]+(?:\\.[A-Za-z]+)+)\"")
        var used = Set<String>()
        var files = 0
        for dir in dirs {
            for name in try FileManager.default.contentsOfDirectory(atPath: dir.path) where name.hasSuffix(".swift") {
                files += 1
                let text = try String(contentsOf: dir.appendingPathComponent(name), encoding: .utf8)
                for m in regex.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                    guard let r = Range(m.range(at: 1), in: text) else { continue }
                    let key = String(text[r])
                    if prefixes.contains(String(key.split(separator: ".")[0])) { used.insert(key) }
                }
            }
        }
        XCTAssertGreaterThan(files, 15)
        XCTAssertGreaterThan(used.count, 100)
        let notKeys: Set<String> = ["lock.afterSeconds", "backup.lastExportAccounts", "lock.fill"] // settings, an SF Symbol
        XCTAssertEqual(used.subtracting(en.keys).subtracting(notKeys).sorted(), [])
    }

    func testCoreErrorsAreShownByVariant() throws {
        let en = try localizer("en"), id = try localizer("id")
        let errors: [KunciError] = [
            .InvalidInput(message: "d"), .NotAQrCode(message: "d"), .UnreadableImage(message: "d"),
            .DuplicateAccount(message: "d"), .WrongPassphrase(message: "d"), .PasswordRequired(message: "d"),
            .WrongPassword(message: "d"), .VaultDamaged(message: "d"), .TamperedAccount(message: "d"),
            .NewerVault(message: "d"), .NotFound(message: "d"), .VaultMissing(message: "d"),
            .VaultExists(message: "d"), .Locked(message: "d"), .Busy(message: "d"), .KeyUnavailable(message: "d"),
            .TimeSyncFailed(message: "d"), .UnsupportedFile(message: "d"), .NotExportable(message: "d"), .Io(message: "d"),
            .Internal(message: "d"), .ConfirmationRequired(message: "d"), .Cancelled(message: "d"),
        ]
        let keys = errors.map { ErrorText.key(for: $0) }
        XCTAssertEqual(Set(keys).count, errors.count, "one sentence per variant")
        XCTAssertEqual(Set(keys + ["error.unexpected"]), Set(ErrorText.allKeys))
        for e in errors {
            let key = ErrorText.key(for: e)
            XCTAssertTrue(en.has(key) && id.has(key), key)
            XCTAssertNotEqual(ErrorText.message(e, en), ErrorText.message(e, id), key)
            XCTAssertEqual(Problem(e, id).detail, "d", "the core's detail is kept beside the sentence")
        }
        struct Other: Error {}
        XCTAssertEqual(ErrorText.message(Other(), id), "Terjadi kesalahan. Silakan coba lagi.")
        // A real error from the core, in Indonesian.
        let path = try temporaryDirectory(self).appendingPathComponent("v.kunci").path
        _ = try Authenticator.create(setup: fastSetup(path), passphrase: Data("benar sekali ya".utf8))
        XCTAssertThrowsError(try Authenticator.openWithPassphrase(setup: fastSetup(path), passphrase: Data("salah".utf8))) {
            XCTAssertEqual(ErrorText.message($0, id), "Frasa sandi pemulihan itu salah. Periksa huruf besar dan spasi.")
        }
    }

    func testStringsFileParser() throws {
        let text = """
        /* a comment "with quotes" */
        // a line comment
        "a" = "one";
        "b.c" = "say \\"hi\\"\\nthen {name}";
          "spaced"   =   "x y" ;
        """
        XCTAssertEqual(try StringsFile.parse(text), ["a": "one", "b.c": "say \"hi\"\nthen {name}", "spaced": "x y"])
        XCTAssertThrowsError(try StringsFile.parse("\"a\" = \"one\"")) // no semicolon
        XCTAssertThrowsError(try StringsFile.parse("\"a\" = \"one\";\n\"a\" = \"two\";")) // twice
        XCTAssertThrowsError(try StringsFile.parse("/* never closed"))
        XCTAssertThrowsError(try StringsFile.parse("\"open = \"x\";\n"))
        XCTAssertEqual(try StringsFile.parse(""), [:])
        let l = Localizer(language: "en", table: ["greet": "Hi {who}, {who}!"], fallback: ["only": "fallback"])
        XCTAssertEqual(l.text("greet", ["who": "Siti"]), "Hi Siti, Siti!")
        XCTAssertEqual(l["only"], "fallback")
        XCTAssertEqual(l["missing.key"], "missing.key", "a missing key shows itself, never crashes")
    }

    func testLanguageChoice() throws {
        XCTAssertEqual(Localizer.pick(preferred: ["id-ID", "en-US"]), "id")
        XCTAssertEqual(Localizer.pick(preferred: ["in"]), "id", "Java's old code for Indonesian")
        XCTAssertEqual(Localizer.pick(preferred: ["fr-FR", "en-GB"]), "en")
        XCTAssertEqual(Localizer.pick(preferred: ["jv-ID", "id"]), "id")
        XCTAssertEqual(Localizer.pick(preferred: []), "en")
        let id = try localizer("id")
        XCTAssertEqual(id.duration(ms: 90_400), "1 menit 30 detik")
        XCTAssertEqual(id.duration(ms: -3_720_000), "1 jam 2 menit")
        XCTAssertEqual(try localizer("en").duration(ms: 400), "0 s")
    }

    @MainActor
    func testScreensInIndonesian() async throws {
        let server = try FakeNtpServer(offsetSeconds: 90)
        defer { server.stop() }
        let rig = try await Rig.ready(self, language: "id", syncServers: [server.address])
        XCTAssertEqual(rig.codes.banner?.text, "Waktu belum diperiksa. Kode memakai jam ponsel ini sampai Anda menyinkronkan waktu.")
        await rig.codes.sync()
        XCTAssertEqual(rig.codes.notice, "Waktu diperiksa dengan 1 server. Jam ponsel Anda terlambat 1 menit 30 detik; kode sudah dikoreksi.")
        XCTAssertEqual(rig.codes.banner?.text, "Jam ponsel Anda terlambat 1 menit 30 detik; kode sudah dikoreksi.")
        await rig.enroll.enroll(text: githubUri)
        rig.codes.requestDelete(id: rig.codes.rows[0].id)
        XCTAssertEqual(rig.codes.pendingDelete?.title, "Hapus GitHub (jo)?")
        rig.codes.cancelDelete()
        await rig.enroll.enroll(text: githubUri)
        XCTAssertEqual(rig.enroll.duplicate?.question.hasPrefix("Akun ini sudah ada di Kunci."), true)
        await rig.enroll.decide(.cancel)
        await rig.enroll.submitForm()
        XCTAssertEqual(rig.enroll.formErrors[.secret], "Isi kunci rahasia yang ditampilkan portal di bawah kode QR.")
        await rig.enroll.enroll(image: Data("bukan gambar".utf8))
        XCTAssertEqual(rig.enroll.problem?.message, "Gambar ini tidak dapat dibaca. Coba tangkapan layar (PNG atau JPEG).")
        rig.app.lock()
        rig.auth.answer = .failed(reason: "Face ID tidak dikenali.")
        await rig.app.unlock()
        XCTAssertEqual(rig.app.problem?.message, "Tidak dapat membuka: Face ID tidak dikenali.")
        XCTAssertEqual(rig.auth.prompts.last, "Buka Kunci untuk melihat kode Anda")
    }
}

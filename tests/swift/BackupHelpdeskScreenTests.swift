// Backups, imports and the helpdesk screens with the real core: encrypted export then import on a
// "new phone", another app's file, the diagnostics text (no secrets) and the guided help steps.
import Foundation
import Kunci
import KunciAppLogic
import XCTest

final class BackupHelpdeskScreenTests: XCTestCase {
    static let allTests = [
        ("testBackupExportThenImportOnANewPhone", asyncTest(testBackupExportThenImportOnANewPhone)),
        ("testImportAnotherAppsFile", asyncTest(testImportAnotherAppsFile)),
        ("testDiagnosticsTextWithoutSecrets", asyncTest(testDiagnosticsTextWithoutSecrets)),
        ("testGuidedHelpForInvalidAuthenticatorCode", asyncTest(testGuidedHelpForInvalidAuthenticatorCode)),
        ("testGuidedHelpNamesSettingsPortalsRejectFromTheDoctor", asyncTest(testGuidedHelpNamesSettingsPortalsRejectFromTheDoctor)),
    ]

    @MainActor
    func testBackupExportThenImportOnANewPhone() async throws {
        let old = try await Rig.ready(self)
        await old.enroll.enroll(text: githubUri)
        await old.enroll.enroll(text: asnUri)
        XCTAssertTrue(old.app.needsBackup, "accounts that no backup holds: the list reminds")
        let backup = try XCTUnwrap(old.app.makeBackup())
        let day = Date(timeIntervalSince1970: 1_796_000_000) // 2026-11-30 UTC
        await backup.prepareExport(password: "short", confirm: "short", date: day)
        XCTAssertEqual(backup.problem?.message, "Use at least 8 characters.")
        XCTAssertNil(backup.exportFile)
        await backup.prepareExport(password: "rahasia-kantor", confirm: "rahasia-kantor", date: day)
        let file = try XCTUnwrap(backup.exportFile)
        XCTAssertEqual(file.filename, "kunci-backup-2026-11-30.kunci")
        XCTAssertEqual(file.accounts, 2)
        XCTAssertNil(file.data.range(of: Data("JBSWY3DPEHPK3PXP".utf8)), "the secret is not in the file in clear")
        XCTAssertNil(file.data.range(of: Data("GitHub".utf8)), "nor the account names")
        backup.exportFinished(saved: false)
        XCTAssertTrue(old.app.needsBackup, "a cancelled save is not a backup")
        await backup.prepareExport(password: "rahasia-kantor", confirm: "rahasia-kantor", date: day)
        let data = try XCTUnwrap(backup.exportFile?.data)
        backup.exportFinished(saved: true)
        XCTAssertFalse(old.app.needsBackup)
        XCTAssertNil(backup.exportFile)

        let new = try await Rig.ready(self)
        let restore = try XCTUnwrap(new.app.makeBackup())
        await restore.importFile(data, filename: "kunci-backup-2026-11-30.kunci")
        XCTAssertEqual(restore.importState, .needsPassword(filename: "kunci-backup-2026-11-30.kunci", wrong: false))
        await restore.importPassword("tebak-tebakan")
        XCTAssertEqual(restore.importState, .needsPassword(filename: "kunci-backup-2026-11-30.kunci", wrong: true))
        await restore.importPassword("rahasia-kantor")
        guard case let .done(title, lines) = restore.importState else { return XCTFail("\(restore.importState)") }
        XCTAssertEqual(title, "2 added, 0 already here, 0 not added.")
        XCTAssertEqual(lines.first, "Read as: kunci", "the screen says what the file was")
        XCTAssertEqual(lines.count, 3)
        XCTAssertEqual(new.codes.rows.map(\.title), ["GitHub", "ASN Digital"])
        await old.codes.refresh()
        XCTAssertEqual(new.codes.rows.map(\.code), old.codes.rows.map(\.code), "same codes on both phones")
    }

    @MainActor
    func testImportAnotherAppsFile() async throws {
        // An Aegis export (plain JSON), as the Aegis app writes it, made here by another vault.
        let other = try await Rig.ready(self)
        await other.enroll.enroll(text: githubUri)
        await other.enroll.enroll(text: asnUri)
        let aegis = try await other.core.run { try $0.exportFile(format: .aegis, password: nil) }
        XCTAssertEqual(try JSONSerialization.jsonObject(with: aegis) is [String: Any], true)

        let rig = try await Rig.ready(self)
        await rig.enroll.enroll(text: githubUri)
        let importer = try XCTUnwrap(rig.app.makeBackup())
        await importer.importFile(aegis, filename: "aegis-export.json")
        guard case let .done(title, lines) = importer.importState else { return XCTFail("\(importer.importState)") }
        XCTAssertEqual(title, "1 added, 1 already here, 0 not added.")
        XCTAssertEqual(lines.first, "Read as: aegis")
        XCTAssertEqual(rig.codes.rows.count, 2)

        await importer.importFile(Data("{\"surely\": \"not an export\"}".utf8), filename: "notes.json")
        XCTAssertEqual(importer.importState, .idle)
        XCTAssertEqual(importer.problem?.key, "error.unsupportedFile")
        XCTAssertEqual(importer.problem?.message, "Kunci does not know this kind of file, or it is damaged.")
    }

    @MainActor
    func testDiagnosticsTextWithoutSecrets() async throws {
        let server = try FakeNtpServer(offsetSeconds: -150)
        defer { server.stop() }
        let rig = try await Rig.ready(self, syncServers: [server.address])
        await rig.codes.sync()
        await rig.enroll.enroll(text: githubUri)
        let code = try XCTUnwrap(rig.codes.rows.first?.code)
        let diagnostics = try XCTUnwrap(rig.app.makeDiagnostics(appVersion: "1.0 (7)"))
        await diagnostics.load(timeZone: try XCTUnwrap(TimeZone(identifier: "Asia/Jakarta")))
        let text = diagnostics.text
        XCTAssertNil(diagnostics.problem)
        XCTAssertTrue(text.contains("App 1.0 (7), core \(kunciVersion())"), text)
        XCTAssertTrue(text.contains("Time: checked"), text)
        XCTAssertTrue(text.contains("Your phone clock is 2 min 30 s ahead"), text)
        XCTAssertTrue(text.contains("Time zone: Asia/Jakarta"), text)
        XCTAssertTrue(text.contains("Accounts: 1"), text)
        XCTAssertTrue(text.contains("- GitHub / jo: TOTP 30 s, sha1, 6"), text)
        XCTAssertFalse(text.contains("Last time check: never"), text)
        XCTAssertFalse(text.contains("JBSWY3DPEHPK3PXP"), "no secret")
        XCTAssertFalse(text.contains(code), "no code")
    }

    @MainActor
    func testGuidedHelpForInvalidAuthenticatorCode() async throws {
        let server = try FakeNtpServer(offsetSeconds: 90)
        defer { server.stop() }
        let rig = try await Rig.ready(self, syncServers: [server.address])
        await rig.enroll.enroll(text: githubUri)
        await rig.enroll.enroll(text: "otpauth://totp/GitHub:jo?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=GitHub")
        XCTAssertNotNil(rig.enroll.duplicate)
        await rig.enroll.decide(.keepBoth)
        let ids = rig.codes.rows.map(\.id)
        XCTAssertEqual(ids.count, 2)
        let help = try XCTUnwrap(rig.app.makeHelp())

        await help.load(accountId: ids[1])
        XCTAssertEqual(help.steps.first?.action, .syncNow, "time never checked: sync first")
        XCTAssertEqual(help.steps.first?.button, "Sync time now")
        XCTAssertTrue(help.steps.contains { $0.action == .deleteOld(id: ids[0]) }, "the older token with the same name")
        XCTAssertEqual(help.steps.last?.action, .copyTicket)

        await rig.codes.sync()
        await help.load(accountId: ids[1])
        XCTAssertFalse(help.steps.contains { $0.action == .syncNow })
        XCTAssertEqual(help.steps.first?.text,
                       "Your phone clock is 1 min 30 s behind. Kunci already corrects for it, so the code shown is right for the portal.")
        await help.load(accountId: ids[0])
        XCTAssertFalse(help.steps.contains { if case .deleteOld = $0.action { return true } else { return false } },
                       "the newer one is not offered for deletion from the older one")
        await help.load(accountId: 9_999)
        XCTAssertEqual(help.problem?.key, "error.notFound")
    }

    /// The help screen is built on the core's doctor: an account with settings many portals
    /// reject (60 s, SHA256, 8 digits) gets that step, in the user's words.
    @MainActor
    func testGuidedHelpNamesSettingsPortalsRejectFromTheDoctor() async throws {
        let rig = try await Rig.ready(self)
        await rig.enroll.enroll(text: "otpauth://totp/Portal:ana?secret=JBSWY3DPEHPK3PXP&issuer=Portal&period=60&algorithm=SHA256&digits=8")
        let id = try XCTUnwrap(rig.codes.rows.first?.id)
        let help = try XCTUnwrap(rig.app.makeHelp())
        await help.load(accountId: id)
        XCTAssertTrue(help.steps.contains { $0.text.hasPrefix("This account uses settings many portals do not accept") },
                      "\(help.steps.map(\.text))")
        await rig.enroll.enroll(text: githubUri)
        let plain = try XCTUnwrap(rig.codes.rows.first { $0.title == "GitHub" }?.id)
        await help.load(accountId: plain)
        XCTAssertFalse(help.steps.contains { $0.text.hasPrefix("This account uses settings") },
                       "30 s, SHA1, 6 digits: nothing unusual")
    }
}

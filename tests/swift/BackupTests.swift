// Exports written by one vault and read by a fresh one: Kunci's encrypted backup, Aegis JSON and
// plain URIs must carry every account so that codes stay the same.
import Foundation
import Kunci
import XCTest

final class BackupTests: XCTestCase {
    static let allTests = [
        ("testKunciBackupRoundTripsIntoAFreshVault", testKunciBackupRoundTripsIntoAFreshVault),
        ("testAegisAndUrisExportsRoundTrip", testAegisAndUrisExportsRoundTrip),
        ("testMissingOrWrongImportPasswordIsTyped", testMissingOrWrongImportPasswordIsTyped),
    ]

    private let uris = [
        "otpauth://totp/GitHub:jo?secret=JBSWY3DPEHPK3PXP&issuer=GitHub",
        "otpauth://totp/Portal%20HR:siti?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Portal%20HR&algorithm=SHA256&digits=8",
        "otpauth://hotp/VPN:ops?secret=KRSXG5CTMVRXEZLUKN2XAZLSKNSWG4TFOQ&issuer=VPN&counter=5",
    ]
    private let at: Int64 = 1_750_000_000_000

    private func vault(_ name: String) throws -> Authenticator {
        let path = try temporaryDirectory(self).appendingPathComponent(name).path
        return try Authenticator.create(setup: fastSetup(path), passphrase: Data("pw".utf8))
    }

    private func source() throws -> Authenticator {
        let auth = try vault("source.kunci")
        for uri in uris { _ = try auth.enrollUri(uri: uri, onConflict: .reject) }
        return auth
    }

    func testKunciBackupRoundTripsIntoAFreshVault() throws {
        let from = try source()
        let id = try XCTUnwrap(from.accounts().first { $0.kind == .hotp }?.id)
        _ = try from.nextCode(id: id) // counter 6: the backup must carry it
        _ = try from.setNotes(id: id, notes: "office VPN")
        let backup = try from.exportFile(format: .kunci, password: Data("backup pw".utf8))
        XCTAssertFalse(String(decoding: backup, as: UTF8.self).contains("JBSWY3DP"), "encrypted")

        let to = try vault("restored.kunci")
        let report = try to.importFile(bytes: backup, format: nil, password: Data("backup pw".utf8))
        XCTAssertEqual(report.added, 3)
        XCTAssertEqual(report.duplicates, 0)
        XCTAssertTrue(report.refused.isEmpty)
        XCTAssertEqual(codesByLabel(try to.codesAt(unixMs: at)), codesByLabel(try from.codesAt(unixMs: at)))
        let vpn = try XCTUnwrap(to.accounts().first { $0.kind == .hotp })
        XCTAssertEqual(vpn.counter, 6)
        XCTAssertEqual(vpn.notes, "office VPN")

        // Importing the same backup again finds duplicates, adds nothing.
        let again = try to.importFile(bytes: backup, format: .kunci, password: Data("backup pw".utf8))
        XCTAssertEqual(again.added, 0)
        XCTAssertEqual(again.duplicates, 3)
    }

    func testAegisAndUrisExportsRoundTrip() throws {
        let from = try source()
        let expected = codesByLabel(try from.codesAt(unixMs: at))

        let aegis = try from.exportFile(format: .aegis, password: nil)
        let aegisJson = try XCTUnwrap(JSONSerialization.jsonObject(with: aegis) as? [String: Any])
        XCTAssertNotNil(aegisJson["db"])
        let viaAegis = try vault("aegis.kunci")
        XCTAssertEqual(try viaAegis.importFile(bytes: aegis, format: .aegis, password: nil).added, 3)
        XCTAssertEqual(codesByLabel(try viaAegis.codesAt(unixMs: at)), expected)

        let plain = try from.exportFile(format: .uris, password: nil)
        let lines = String(decoding: plain, as: UTF8.self).split(separator: "\n")
        XCTAssertEqual(lines.count, 3)
        XCTAssertTrue(lines.allSatisfy { $0.hasPrefix("otpauth://") })
        let viaUris = try vault("uris.kunci")
        XCTAssertEqual(try viaUris.importFile(bytes: plain, format: nil, password: nil).added, 3)
        XCTAssertEqual(codesByLabel(try viaUris.codesAt(unixMs: at)), expected)
    }

    func testMissingOrWrongImportPasswordIsTyped() throws {
        let from = try source()
        XCTAssertThrowsError(try from.exportFile(format: .kunci, password: nil)) {
            guard case KunciError.PasswordRequired = $0 else { return XCTFail("expected PasswordRequired, got \($0)") }
        }
        let backup = try from.exportFile(format: .kunci, password: Data("backup pw".utf8))
        let to = try vault("restored.kunci")
        XCTAssertThrowsError(try to.importFile(bytes: backup, format: nil, password: nil)) {
            guard case let KunciError.PasswordRequired(detail) = $0 else {
                return XCTFail("expected PasswordRequired, got \($0)")
            }
            XCTAssertFalse(detail.isEmpty)
        }
        XCTAssertThrowsError(try to.importFile(bytes: backup, format: nil, password: Data("guess".utf8))) {
            guard case KunciError.WrongPassword = $0 else { return XCTFail("expected WrongPassword, got \($0)") }
        }
        XCTAssertThrowsError(try to.importFile(bytes: Data("{}".utf8), format: nil, password: nil)) {
            guard case KunciError.UnsupportedFile = $0 else { return XCTFail("expected UnsupportedFile, got \($0)") }
        }
        XCTAssertEqual(try to.accounts().count, 0, "nothing imported by a failed attempt")
    }
}

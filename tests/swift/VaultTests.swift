// Vault slots from Swift: a platform KeyWrapper, a passphrase, the typed errors the app turns into
// screens, and what happens when a Swift capability fails or an object goes away.
import Foundation
import Kunci
import XCTest

final class VaultTests: XCTestCase {
    static let allTests = [
        ("testCreateAndReopenWithSwiftKeyWrapper", testCreateAndReopenWithSwiftKeyWrapper),
        ("testPassphraseVaultReopensAndWrongPassphraseIsTyped", testPassphraseVaultReopensAndWrongPassphraseIsTyped),
        ("testFailingKeyWrappersBecomeSwiftErrors", testFailingKeyWrappersBecomeSwiftErrors),
        ("testDuplicateEnrollmentThenReplaceOrKeepBoth", testDuplicateEnrollmentThenReplaceOrKeepBoth),
        ("testDroppedAuthenticatorReleasesTheFile", testDroppedAuthenticatorReleasesTheFile),
        ("testErrorsReadAsTheUserSentence", testErrorsReadAsTheUserSentence),
        ("testOptionsDefaultsAreTheCoreDefaults", testOptionsDefaultsAreTheCoreDefaults),
        ("testSetupWithOnlyPathAndBootClockTakesTheDefaults", testSetupWithOnlyPathAndBootClockTakesTheDefaults),
        ("testHotpCodesHaveNoValidityWindow", testHotpCodesHaveNoValidityWindow),
    ]

    /// localizedDescription and "\(error)" are the core's sentence, not a debug dump.
    func testErrorsReadAsTheUserSentence() throws {
        XCTAssertThrowsError(try previewUri(uri: "https://example.com/")) { error in
            guard case let KunciError.InvalidInput(message) = error else {
                return XCTFail("expected InvalidInput, got \(error)")
            }
            XCTAssertTrue(message.contains("otpauth"), message)
            XCTAssertEqual(error.localizedDescription, message)
            XCTAssertEqual("\(error)", message)
            XCTAssertFalse(error.localizedDescription.contains("InvalidInput"), error.localizedDescription)
        }
        let path = try temporaryDirectory(self).appendingPathComponent("v.kunci").path
        _ = try Authenticator.create(setup: fastSetup(path), passphrase: Data("right".utf8))
        XCTAssertThrowsError(try Authenticator.openWithPassphrase(setup: fastSetup(path), passphrase: Data("wrong horse".utf8))) {
            XCTAssertEqual($0.localizedDescription, detailOf($0))
            XCTAssertFalse($0.localizedDescription.isEmpty)
            XCTAssertFalse($0.localizedDescription.contains("wrong horse"))
        }
    }

    /// `AuthenticatorOptions()` carries the real defaults; a quorum of 0 is refused up front.
    func testOptionsDefaultsAreTheCoreDefaults() throws {
        let defaults = AuthenticatorOptions()
        XCTAssertEqual(defaults, defaultOptions())
        XCTAssertEqual(defaults.kdfMemoryKib, 65_536)
        XCTAssertEqual(defaults.kdfIterations, 3)
        XCTAssertEqual(defaults.quorum, 3)
        XCTAssertNil(defaults.ntpServers, "nil means the built-in public servers")
        XCTAssertEqual(defaults.httpsUrls, [])
        var zero = fastOptions
        zero.quorum = 0
        let path = try temporaryDirectory(self).appendingPathComponent("q0.kunci").path
        XCTAssertThrowsError(try Authenticator.create(setup: fastSetup(path, options: zero), passphrase: Data("pw".utf8))) {
            guard case KunciError.InvalidInput = $0 else { return XCTFail("expected InvalidInput, got \($0)") }
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: path))
    }

    /// `VaultSetup(path:bootClock:)` is a whole setup: no HTTPS source and the core's default
    /// options, which the vault then uses (a backup's header carries the Argon2id cost it was
    /// written with, docs/backup-format.md). A wrong passphrase is still the native error.
    func testSetupWithOnlyPathAndBootClockTakesTheDefaults() throws {
        let setup = VaultSetup(path: try temporaryDirectory(self).appendingPathComponent("v.kunci").path,
                               bootClock: SystemBootClock())
        XCTAssertNil(setup.https)
        XCTAssertEqual(setup.options, defaultOptions())
        XCTAssertEqual(setup.options.quorum, 3)

        let created = try Authenticator.create(setup: setup, passphrase: Data("kopi susu pagi".utf8))
        _ = try created.enrollUri(uri: github, onConflict: .reject)
        let auth = try Authenticator.openWithPassphrase(setup: setup, passphrase: Data("kopi susu pagi".utf8))
        XCTAssertEqual(try auth.accounts().map(\.issuer), ["GitHub"])
        let backup = try auth.exportFile(format: .kunci, password: Data("cadangan".utf8))
        let le = { (offset: Int) in backup[offset ..< offset + 4].reversed().reduce(UInt32(0)) { $0 << 8 | UInt32($1) } }
        XCTAssertEqual(le(11), 65_536, "Argon2id memory: the default 64 MiB")
        XCTAssertEqual(le(15), 3, "Argon2id passes: the default 3")

        XCTAssertThrowsError(try Authenticator.openWithPassphrase(setup: setup, passphrase: Data("teh manis sore".utf8))) {
            guard case KunciError.WrongPassphrase = $0 else { return XCTFail("expected WrongPassphrase, got \($0)") }
            XCTAssertTrue($0.localizedDescription.contains("passphrase is wrong"), $0.localizedDescription)
            XCTAssertEqual($0.localizedDescription, detailOf($0))
            XCTAssertEqual("\($0)", $0.localizedDescription)
        }
    }

    /// HOTP codes are valid until used: nil, not a sentinel; TOTP codes have a window.
    func testHotpCodesHaveNoValidityWindow() throws {
        let hotp = try codeForUri(uri: "otpauth://hotp/VPN:ops?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&counter=1",
                                  unixTime: 1_700_000_000)
        XCTAssertNil(hotp.validFrom)
        XCTAssertNil(hotp.validUntil)
        XCTAssertNil(CodeTicker.countdown(for: hotp, nowMs: 1_700_000_000_000))
        let totp = try codeForUri(uri: github, unixTime: 1_700_000_000)
        XCTAssertEqual(totp.validFrom, 1_699_999_980)
        XCTAssertEqual(totp.validUntil, 1_700_000_010)
        XCTAssertThrowsError(try codeForUri(uri: github, unixTime: -5)) {
            guard case KunciError.InvalidInput = $0 else { return XCTFail("expected InvalidInput, got \($0)") }
        }
    }

    private let github = "otpauth://totp/GitHub:jo?secret=JBSWY3DPEHPK3PXP&issuer=GitHub"

    func testCreateAndReopenWithSwiftKeyWrapper() throws {
        let path = try temporaryDirectory(self).appendingPathComponent("v.kunci").path
        let wrapper = TestKeyWrapper()
        do {
            let auth = try Authenticator.create(setup: fastSetup(path), keyWrapper: wrapper)
            _ = try auth.enrollUri(uri: github, onConflict: .reject)
        }
        let reopened = try Authenticator.openWithKeyWrapper(setup: fastSetup(path), keyWrapper: wrapper)
        XCTAssertEqual(try reopened.accounts().map(\.issuer), ["GitHub"])
        XCTAssertEqual(try reopened.codesAt(unixMs: 1_700_000_000_000).codes.first?.code,
                       try codeForUri(uri: github, unixTime: 1_700_000_000).code)

        // Same file, another device's key: the unwrapped key is wrong and the core says so.
        XCTAssertThrowsError(try Authenticator.openWithKeyWrapper(setup: fastSetup(path), keyWrapper: TestKeyWrapper())) {
            XCTAssertNotNil($0 as? KunciError, "\($0)")
            XCTAssertFalse(detailOf($0)?.isEmpty ?? true)
        }
        // Creating over an existing vault is refused, nothing overwritten.
        XCTAssertThrowsError(try Authenticator.create(setup: fastSetup(path), passphrase: Data("x".utf8))) {
            guard case KunciError.VaultExists = $0 else { return XCTFail("expected VaultExists, got \($0)") }
        }
        XCTAssertEqual(try reopened.accounts().count, 1)
    }

    func testPassphraseVaultReopensAndWrongPassphraseIsTyped() throws {
        let path = try temporaryDirectory(self).appendingPathComponent("v.kunci").path
        do {
            let auth = try Authenticator.create(setup: fastSetup(path), passphrase: Data("correct horse".utf8))
            _ = try auth.enrollUri(uri: github, onConflict: .reject)
        }
        XCTAssertThrowsError(try Authenticator.openWithPassphrase(setup: fastSetup(path), passphrase: Data("wrong horse".utf8))) { error in
            guard case let KunciError.WrongPassphrase(detail) = error else {
                return XCTFail("expected KunciError.WrongPassphrase, got \(error)")
            }
            XCTAssertFalse(detail.isEmpty)
            XCTAssertFalse(detail.contains("wrong horse"), "the passphrase must not be echoed")
            // LocalizedError: what a SwiftUI alert would show.
            XCTAssertFalse(error.localizedDescription.isEmpty)
        }
        let auth = try Authenticator.openWithPassphrase(setup: fastSetup(path), passphrase: Data("correct horse".utf8))
        XCTAssertEqual(try auth.accounts().map(\.name), ["jo"])
        XCTAssertThrowsError(try Authenticator.openWithPassphrase(setup: fastSetup(path + ".missing"), passphrase: Data("x".utf8))) {
            guard case KunciError.VaultMissing = $0 else { return XCTFail("expected VaultMissing, got \($0)") }
        }
        // Locking forgets the key: every call fails with Locked, no crash.
        auth.lock()
        XCTAssertThrowsError(try auth.accounts()) {
            guard case KunciError.Locked = $0 else { return XCTFail("expected Locked, got \($0)") }
        }
        // Unlocking takes the passphrase again; a wrong one is typed and keeps it locked.
        XCTAssertThrowsError(try auth.unlockWithPassphrase(passphrase: Data("not it".utf8))) {
            guard case KunciError.WrongPassphrase = $0 else { return XCTFail("expected WrongPassphrase, got \($0)") }
        }
        try auth.unlockWithPassphrase(passphrase: Data("correct horse".utf8))
        XCTAssertEqual(try auth.accounts().map(\.name), ["jo"])
    }

    func testFailingKeyWrappersBecomeSwiftErrors() throws {
        let dir = try temporaryDirectory(self)
        // Creating with an unavailable keychain: the platform's detail reaches the user.
        let locked = dir.appendingPathComponent("a.kunci").path
        XCTAssertThrowsError(try Authenticator.create(setup: fastSetup(locked), keyWrapper: UnavailableKeyWrapper())) {
            guard case let KunciError.KeyUnavailable(detail) = $0 else { return XCTFail("expected KeyUnavailable, got \($0)") }
            XCTAssertTrue(detail.contains("keychain locked"), detail)
        }
        // A wrapper that wraps but cannot unwrap (a plain Swift error): refused at creation.
        let half = dir.appendingPathComponent("half.kunci").path
        XCTAssertThrowsError(try Authenticator.create(setup: fastSetup(half), keyWrapper: ForeignErrorKeyWrapper())) {
            guard case KunciError.KeyUnavailable = $0 else { return XCTFail("expected KeyUnavailable, got \($0)") }
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: half), "a failed create leaves no file behind")
        // A vault made with a working key, opened while the keychain fails.
        let path = dir.appendingPathComponent("b.kunci").path
        let wrapper = TestKeyWrapper()
        _ = try Authenticator.create(setup: fastSetup(path), passphrase: Data("recovery".utf8), keyWrapper: wrapper)
        XCTAssertThrowsError(try Authenticator.openWithKeyWrapper(setup: fastSetup(path), keyWrapper: UnavailableKeyWrapper())) {
            guard case KunciError.KeyUnavailable = $0 else { return XCTFail("expected KeyUnavailable, got \($0)") }
        }
        // A Swift error the core never declared still arrives as a KunciError, not a crash.
        XCTAssertThrowsError(try Authenticator.openWithKeyWrapper(setup: fastSetup(path), keyWrapper: ForeignErrorKeyWrapper())) {
            guard case KunciError.KeyUnavailable = $0 else { return XCTFail("expected KeyUnavailable, got \($0)") }
            XCTAssertFalse(detailOf($0)?.isEmpty ?? true)
        }
        // The recovery passphrase slot still opens it.
        XCTAssertNoThrow(try Authenticator.openWithPassphrase(setup: fastSetup(path), passphrase: Data("recovery".utf8)))
    }

    func testDuplicateEnrollmentThenReplaceOrKeepBoth() throws {
        let path = try temporaryDirectory(self).appendingPathComponent("v.kunci").path
        let auth = try Authenticator.create(setup: fastSetup(path), passphrase: Data("pw".utf8))
        let first = try XCTUnwrap(auth.enrollUri(uri: github, onConflict: .reject).added.first)
        // The portal's "Reset MFA" issued a new secret for the same issuer and account.
        let reset = "otpauth://totp/GitHub:jo?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=GitHub"
        XCTAssertThrowsError(try auth.enrollUri(uri: reset, onConflict: .reject)) {
            guard case let KunciError.DuplicateAccount(detail) = $0 else {
                return XCTFail("expected DuplicateAccount, got \($0)")
            }
            XCTAssertTrue(detail.contains("id \(first.id)"), detail)
        }
        XCTAssertEqual(try auth.accounts().count, 1)

        let replaced = try XCTUnwrap(auth.enrollUri(uri: reset, onConflict: .replace).added.first)
        XCTAssertEqual(replaced.id, first.id)
        XCTAssertEqual(try auth.accounts().count, 1)
        XCTAssertEqual(try auth.codesAt(unixMs: 59_000).codes.first?.code, "287082") // RFC 6238, 6 digits

        let kept = try XCTUnwrap(auth.enrollUri(uri: github, onConflict: .keepBoth).added.first)
        XCTAssertNotEqual(kept.id, first.id)
        let accounts = try auth.accounts()
        XCTAssertEqual(accounts.count, 2)
        XCTAssertEqual(Set(accounts.map(\.issuer)), ["GitHub"])
    }

    func testDroppedAuthenticatorReleasesTheFile() throws {
        let path = try temporaryDirectory(self).appendingPathComponent("v.kunci").path
        let wrapper = TestKeyWrapper()
        weak var weakAuth: Authenticator?
        do {
            let auth = try Authenticator.create(setup: fastSetup(path), keyWrapper: wrapper)
            _ = try auth.enrollUri(uri: github, onConflict: .reject)
            weakAuth = auth
        }
        XCTAssertNil(weakAuth, "the Swift object is freed with its last reference")
        // Open, drop, reopen many times: handles are freed and the foreign callbacks with them.
        for round in 0..<20 {
            let auth = try Authenticator.openWithKeyWrapper(setup: fastSetup(path), keyWrapper: wrapper)
            XCTAssertEqual(try auth.accounts().count, 1, "round \(round)")
            _ = auth.timeNow()
        }
        // Two live objects on the same file see each other's writes.
        let a = try Authenticator.openWithKeyWrapper(setup: fastSetup(path), keyWrapper: wrapper)
        let b = try Authenticator.openWithKeyWrapper(setup: fastSetup(path), keyWrapper: wrapper)
        _ = try a.enrollUri(uri: "otpauth://totp/GitLab:jo?secret=JBSWY3DPEHPK3PXQ&issuer=GitLab", onConflict: .reject)
        XCTAssertEqual(try b.accounts().count, 2)
    }
}

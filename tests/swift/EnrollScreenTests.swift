// Adding accounts (EnrollViewModel) with the real core: camera frames through a FrameSource, a
// picture, pasted text and otpauth links, the manual form's field errors, the duplicate decision,
// a Google export in several codes, and the guided first enrollment.
import Foundation
import Kunci
import KunciAppLogic
import XCTest

final class EnrollScreenTests: XCTestCase {
    static let allTests = [
        ("testEnrollFromCameraFrames", asyncTest(testEnrollFromCameraFrames)),
        ("testDuplicateFromCameraAsksWithThePayload", asyncTest(testDuplicateFromCameraAsksWithThePayload)),
        ("testDuplicateFromPictureReplacesWithTheNewSecret", asyncTest(testDuplicateFromPictureReplacesWithTheNewSecret)),
        ("testEnrollFromPicture", asyncTest(testEnrollFromPicture)),
        ("testPicturesThatAreNotCodesAreExplained", asyncTest(testPicturesThatAreNotCodesAreExplained)),
        ("testPicturesTheCoreCannotOpenGoThroughThePlatform", asyncTest(testPicturesTheCoreCannotOpenGoThroughThePlatform)),
        ("testManualEntryFieldErrors", asyncTest(testManualEntryFieldErrors)),
        ("testManualEntrySavesWhatWasTyped", asyncTest(testManualEntrySavesWhatWasTyped)),
        ("testDuplicateReplaceKeepBothOrCancel", asyncTest(testDuplicateReplaceKeepBothOrCancel)),
        ("testGoogleExportBatchProgress", asyncTest(testGoogleExportBatchProgress)),
        ("testOtpauthLinksAndPaste", asyncTest(testOtpauthLinksAndPaste)),
        ("testGuidedFirstEnrollment", asyncTest(testGuidedFirstEnrollment)),
    ]

    @MainActor
    func testEnrollFromCameraFrames() async throws {
        let rig = try await Rig.ready(self)
        let source = PictureFrameSource([blankFrame(), blankFrame(), try qrFrame(githubUri), try qrFrame(asnUri)])
        rig.enroll.startScanning(source)
        XCTAssertTrue(rig.enroll.scanning)
        try await waitUntil("a report") { rig.enroll.report != nil || rig.enroll.problem != nil }
        XCTAssertNil(rig.enroll.problem)
        XCTAssertEqual(rig.enroll.report?.added, ["GitHub (jo)"])
        XCTAssertFalse(rig.enroll.scanning)
        XCTAssertEqual(source.delivered, 3, "frames without a code are dropped quietly; the scan ends at the first code")
        try await waitUntil("the list refreshed") { rig.codes.rows.count == 1 }
        XCTAssertEqual(rig.codes.rows[0].title, "GitHub")
    }

    @MainActor
    func testDuplicateFromCameraAsksWithThePayload() async throws {
        let rig = try await Rig.ready(self)
        await rig.enroll.enroll(text: githubUri)
        let firstId = try XCTUnwrap(rig.codes.rows.first?.id)
        rig.enroll.startScanning(PictureFrameSource([try qrFrame(githubUri)]))
        try await waitUntil("the duplicate question") { rig.enroll.duplicate != nil || rig.enroll.problem != nil }
        XCTAssertEqual(rig.enroll.duplicate?.existingId, firstId, "found while the frame was valid")
        // The decision enrolls the frame copied while it was valid (the camera's buffer is gone).
        await rig.enroll.decide(.keepBoth)
        XCTAssertNil(rig.enroll.problem)
        do { let n = try await accountCount(rig); XCTAssertEqual(n, 2) }
    }

    /// "Reset MFA" shown as a QR code on the portal, saved as a screenshot: the picture itself is
    /// enrolled again with the user's choice.
    @MainActor
    func testDuplicateFromPictureReplacesWithTheNewSecret() async throws {
        let rig = try await Rig.ready(self)
        await rig.enroll.enroll(text: githubUri)
        let firstId = try XCTUnwrap(rig.codes.rows.first?.id)
        let reset = "otpauth://totp/GitHub:jo?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=GitHub"
        await rig.enroll.enroll(image: try renderQrPng(text: reset, modulePx: 5))
        XCTAssertNil(rig.enroll.problem)
        XCTAssertEqual(rig.enroll.duplicate?.existingId, firstId)
        await rig.enroll.decide(.replace)
        XCTAssertNil(rig.enroll.problem)
        let accounts = try await rig.core.run { try $0.accounts() }
        XCTAssertEqual(accounts.map(\.id), [firstId], "replaced in place")
        let now = try XCTUnwrap(rig.codes.trustedNowMs())
        XCTAssertEqual(rig.codes.rows.first?.code, try expectedCode(reset, atMs: now))
    }

    @MainActor
    func testEnrollFromPicture() async throws {
        let rig = try await Rig.ready(self)
        await rig.enroll.enroll(image: try renderQrPng(text: asnUri, modulePx: 6))
        XCTAssertNil(rig.enroll.problem)
        XCTAssertEqual(rig.enroll.report?.added, ["ASN Digital (198001012006041001)"])
        XCTAssertEqual(rig.codes.rows.map(\.title), ["ASN Digital"])
        XCTAssertFalse(rig.enroll.busy)
    }

    /// A HEIC photo from the camera, or one over the core's pixel cap: the core refuses it, the
    /// platform opens it (downscaled) and the account is enrolled from that. What the platform
    /// cannot open either keeps the core's explanation, nothing is tried twice, and a picture
    /// the core reads never goes to the platform.
    @MainActor
    func testPicturesTheCoreCannotOpenGoThroughThePlatform() async throws {
        let heic = Data("....ftypheic: a photo only the platform decodes".utf8)
        let unknown = Data("a file nobody can open".utf8)
        let stillNot = Data("a platform that answers with something else".utf8)
        let converter = FakePictureConverter([
            heic: try renderQrPng(text: asnUri, modulePx: 6),
            stillNot: Data("not a picture either".utf8),
        ])
        let rig = try await Rig.ready(self, pictures: converter)
        await rig.enroll.enroll(image: heic)
        XCTAssertNil(rig.enroll.problem)
        XCTAssertEqual(rig.enroll.report?.added, ["ASN Digital (198001012006041001)"])
        XCTAssertEqual(converter.calls, [heic])
        XCTAssertEqual(converter.sides, [3200])
        XCTAssertFalse(rig.enroll.busy)

        await rig.enroll.enroll(image: unknown)
        XCTAssertEqual(rig.enroll.problem?.key, "error.unreadableImage")
        XCTAssertEqual(rig.enroll.problem?.message, "This picture cannot be read. Try a screenshot (PNG or JPEG).")
        await rig.enroll.enroll(image: stillNot)
        XCTAssertEqual(rig.enroll.problem?.key, "error.unreadableImage")
        XCTAssertEqual(converter.calls, [heic, unknown, stillNot], "each picture once, the converted one not again")

        await rig.enroll.enroll(image: try renderQrPng(text: githubUri, modulePx: 6))
        XCTAssertNil(rig.enroll.problem)
        XCTAssertEqual(converter.calls.count, 3, "a PNG the core reads is not handed over")
        do { let n = try await accountCount(rig); XCTAssertEqual(n, 2) }
    }

    @MainActor
    func testPicturesThatAreNotCodesAreExplained() async throws {
        let rig = try await Rig.ready(self)
        await rig.enroll.enroll(image: Data("a text file, not a picture".utf8))
        XCTAssertEqual(rig.enroll.problem?.key, "error.unreadableImage")
        XCTAssertEqual(rig.enroll.problem?.message, "This picture cannot be read. Try a screenshot (PNG or JPEG).")
        // A real photo of a QR code that holds something else (the zxing corpus).
        let photo = try Data(contentsOf: corpusDirectory().appendingPathComponent("zxing-qrcode-1/1.png"))
        await rig.enroll.enroll(image: photo)
        XCTAssertEqual(rig.enroll.problem?.key, "enroll.qrNotOtp")
        XCTAssertTrue(rig.enroll.problem?.message.hasPrefix("This QR code is not for an authenticator app.") ?? false)
        XCTAssertFalse(rig.enroll.problem?.detail.isEmpty ?? true, "the core's reason is kept for the helpdesk")
        // From the camera too.
        let frame = try qrFrame("https://asndigital.bkn.go.id/login")
        rig.enroll.startScanning(PictureFrameSource([frame]))
        try await waitUntil("the refusal") { !rig.enroll.scanning }
        XCTAssertEqual(rig.enroll.problem?.key, "enroll.qrNotOtp")
        do { let n = try await accountCount(rig); XCTAssertEqual(n, 0) }
    }

    @MainActor
    func testManualEntryFieldErrors() async throws {
        let rig = try await Rig.ready(self)
        let e = rig.enroll
        await e.submitForm()
        XCTAssertEqual(e.formErrors[.account], "Enter the service or the account name.")
        XCTAssertEqual(e.formErrors[.secret], "Enter the key the portal shows under the QR code.")
        e.form.issuer = "ASN Digital"
        e.form.secret = "JBSWY3DP!HPK3PXP"
        e.form.digits = "5"
        e.form.period = "0"
        await e.submitForm()
        XCTAssertNil(e.formErrors[.account])
        XCTAssertEqual(e.formErrors[.secret], "\"!\" cannot be in a key: it only has letters A–Z and digits 2–7.")
        XCTAssertEqual(e.formErrors[.digits], "Digits must be a number from 6 to 10.")
        XCTAssertEqual(e.formErrors[.period], "Seconds must be a number from 1 to 3600 (usually 30).")
        e.form.secret = "JBSW Y3DP"
        e.form.digits = "6"
        e.form.period = "30"
        e.form.kind = .hotp
        e.form.counter = "-1"
        await e.submitForm()
        XCTAssertEqual(e.formErrors[.secret], "This key is too short. Check that you copied all of it.")
        XCTAssertEqual(e.formErrors[.counter], "The counter must be a whole number (usually 0).")
        XCTAssertNil(e.formErrors[.period], "period is not checked for HOTP")
        do { let n = try await accountCount(rig); XCTAssertEqual(n, 0, "nothing saved while a field is wrong") }
    }

    @MainActor
    func testManualEntrySavesWhatWasTyped() async throws {
        let rig = try await Rig.ready(self)
        let e = rig.enroll
        e.form.issuer = "ASN Digital"
        e.form.account = "198001012006041001"
        e.form.secret = "jbsw y3dp-ehpk 3pxp" // as read off a portal, with spaces and lower case
        await e.submitForm()
        XCTAssertEqual(e.formErrors, [:])
        XCTAssertNil(e.problem)
        XCTAssertEqual(e.report?.added, ["ASN Digital (198001012006041001)"])
        XCTAssertEqual(e.form, ManualEntry(), "the form is emptied after saving")
        let now = try XCTUnwrap(rig.codes.trustedNowMs())
        XCTAssertEqual(rig.codes.rows[0].code,
                       try expectedCode("otpauth://totp/x?secret=JBSWY3DPEHPK3PXP", atMs: now))
        let account = try XCTUnwrap(rig.codes.accounts.first)
        XCTAssertEqual([account.digits, UInt8(account.period)], [6, 30])
    }

    @MainActor
    func testDuplicateReplaceKeepBothOrCancel() async throws {
        let rig = try await Rig.ready(self)
        let e = rig.enroll
        await e.enroll(text: githubUri)
        let firstId = try XCTUnwrap(rig.codes.rows.first?.id)
        await e.enroll(text: githubUri)
        XCTAssertEqual(e.duplicate?.existingId, firstId)
        XCTAssertEqual(e.duplicate?.question.hasPrefix("This account is already in Kunci."), true)
        await e.decide(.cancel)
        XCTAssertNil(e.duplicate)
        do { let n = try await accountCount(rig); XCTAssertEqual(n, 1) }

        // "Reset MFA" on the portal: same label, new secret, replace keeps the row and its place.
        let reset = "otpauth://totp/GitHub:jo?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=GitHub"
        await e.enroll(text: reset)
        await e.decide(.replace)
        let accounts = try await rig.core.run { try $0.accounts() }
        XCTAssertEqual(accounts.map(\.id), [firstId])
        let now = try XCTUnwrap(rig.codes.trustedNowMs())
        XCTAssertEqual(rig.codes.rows[0].code, try expectedCode(reset, atMs: now))

        await e.enroll(text: githubUri)
        await e.decide(.keepBoth)
        do { let n = try await accountCount(rig); XCTAssertEqual(n, 2) }
    }

    @MainActor
    func testGoogleExportBatchProgress() async throws {
        let rig = try await Rig.ready(self)
        let e = rig.enroll
        func part(_ i: UInt8) -> String {
            migrationUri([MigrationAccount(secret: randomBytes(10), name: "user\(i)", issuer: "Portal\(i)")], batchSize: 3, batchIndex: i)
        }
        await e.enroll(text: part(0))
        XCTAssertEqual(e.report?.batch, "Code 1 of 3 scanned. Scan the next one.")
        XCTAssertEqual(e.report?.batchComplete, false)
        await e.enroll(text: part(2))
        XCTAssertEqual(e.report?.batch, "Code 2 of 3 scanned. Scan the next one.")
        await e.enroll(text: part(1))
        XCTAssertEqual(e.report?.batch, "All 3 codes scanned.")
        XCTAssertEqual(e.report?.batchComplete, true)
        XCTAssertEqual(rig.codes.rows.map(\.title), ["Portal0", "Portal2", "Portal1"])
    }

    @MainActor
    func testOtpauthLinksAndPaste() async throws {
        let rig = try await Rig.ready(self)
        let e = rig.enroll
        await e.open(url: try XCTUnwrap(URL(string: githubUri)))
        XCTAssertEqual(e.report?.added, ["GitHub (jo)"])
        await e.open(url: try XCTUnwrap(URL(string: "https://asndigital.bkn.go.id/")))
        XCTAssertEqual(e.problem?.message, "This link is not an authenticator link (it should start with otpauth://).")
        await e.enroll(text: "   \n")
        XCTAssertEqual(e.problem?.key, "enroll.pasteEmpty")
        await e.enroll(text: "  otpauth://totp/Gmail:siti@example.com?secret=JBSWY3DPEHPK3PXQ&issuer=Gmail\n")
        XCTAssertNil(e.problem)
        XCTAssertEqual(e.report?.added, ["Gmail (siti@example.com)"])
        await e.enroll(text: "otpauth://totp/Broken?secret=&issuer=x")
        XCTAssertEqual(e.problem?.key, "error.invalidInput")
    }

    @MainActor
    func testGuidedFirstEnrollment() async throws {
        let rig = try await Rig.ready(self)
        XCTAssertTrue(rig.app.offersGuide)
        let guide = GuidedEnrollment(localizer: rig.app.l)
        XCTAssertEqual(guide.step, .intro)
        guide.enrolled([]) // nothing happens before the user starts
        XCTAssertEqual(guide.step, .intro)
        guide.begin()
        XCTAssertEqual(guide.title, "Scan the QR code")
        await rig.enroll.enroll(image: try renderQrPng(text: asnUri, modulePx: 4))
        guide.enrolled(rig.enroll.lastAdded)
        let id = try XCTUnwrap(rig.codes.rows.first?.id)
        XCTAssertEqual(guide.step, .typeCode(accountId: id))
        XCTAssertEqual(guide.title, "Type this code on the portal now")
        XCTAssertEqual(guide.rejected(), id, "\"the portal says wrong\" leads to that account's help")
        guide.accepted()
        XCTAssertEqual(guide.step, .done)
        XCTAssertFalse(rig.app.offersGuide)
    }
}

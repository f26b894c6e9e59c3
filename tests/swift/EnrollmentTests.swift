// Enrollment from pictures and URIs, as the app does it: gallery photos, camera luma planes with
// padded rows, and the confirmation screen's preview of a Google export.
import Foundation
import Kunci
import XCTest

final class EnrollmentTests: XCTestCase {
    static let allTests = [
        ("testCorpusPhotoDecodesToItsTextExactly", testCorpusPhotoDecodesToItsTextExactly),
        ("testRenderedQrPngEnrollsThroughEnrollImage", testRenderedQrPngEnrollsThroughEnrollImage),
        ("testLumaFrameWithRowStrideWiderThanWidth", testLumaFrameWithRowStrideWiderThanWidth),
        ("testFrameWithoutQrCodeAndShortFrameAreTypedErrors", testFrameWithoutQrCodeAndShortFrameAreTypedErrors),
        ("testPreviewUriListsEveryAccountOfAMigrationUri", testPreviewUriListsEveryAccountOfAMigrationUri),
    ]

    private let uri = "otpauth://totp/Portal%20HR:siti%40example.go.id?secret=JBSWY3DPEHPK3PXP&issuer=Portal%20HR"

    func testCorpusPhotoDecodesToItsTextExactly() throws {
        // A phone photo (640x480 RGB, perspective, glare) from the zxing blackbox set.
        let dir = corpusDirectory().appendingPathComponent("zxing-qrcode-1")
        let image = try Data(contentsOf: dir.appendingPathComponent("1.png"))
        let expected = try Data(contentsOf: dir.appendingPathComponent("1.txt"))
        let codes = try decodeQrImage(image: image)
        XCTAssertEqual(codes.count, 1)
        // Not an authenticator code: its preview carries the text (an otpauth one's never does).
        XCTAssertEqual(codes.first?.kind, .other)
        XCTAssertEqual(codes.first?.text.map { Data($0.utf8) }, expected, "the text must equal the .txt file byte for byte")
    }

    func testRenderedQrPngEnrollsThroughEnrollImage() throws {
        let png = try renderQrPng(text: uri, modulePx: 4)
        XCTAssertEqual(Array(png.prefix(4)), [0x89, 0x50, 0x4E, 0x47])
        // A preview: kind and names, never the URI with its secret.
        let preview = try decodeQrImage(image: png)
        XCTAssertEqual(preview.map(\.kind), [.otpauth])
        XCTAssertEqual(preview.first?.text, nil)
        XCTAssertEqual(preview.first?.accounts.map(\.issuer), ["Portal HR"])
        XCTAssertEqual(preview.first?.accounts.map(\.name), ["siti@example.go.id"])

        let dir = try temporaryDirectory(self)
        let auth = try Authenticator.create(setup: fastSetup(dir.appendingPathComponent("v.kunci").path), passphrase: Data("pw".utf8))
        let report = try auth.enrollImage(image: png, onConflict: .reject)
        XCTAssertEqual(report.added.count, 1)
        XCTAssertEqual(report.added.first?.issuer, "Portal HR")
        XCTAssertEqual(report.added.first?.name, "siti@example.go.id")
        // The enrolled secret is the URI's: same code as computing it from the URI.
        let at: Int64 = 1_700_000_000
        let fromVault = try auth.codesAt(unixMs: at * 1000).codes.first?.code
        XCTAssertEqual(fromVault, try codeForUri(uri: uri, unixTime: at).code)
    }

    func testLumaFrameWithRowStrideWiderThanWidth() throws {
        let gray = try decodeGrayPng(try renderQrPng(text: uri, modulePx: 3))
        // A camera plane: rows padded to a 64-byte multiple plus some, the padding full of
        // noise that must never be read as pixels.
        let stride = (gray.width + 64 + 63) / 64 * 64
        var plane = randomBytes(stride * gray.height)
        for y in 0..<gray.height {
            plane.replaceSubrange(y * stride..<(y * stride + gray.width),
                                  with: gray.pixels[(y * gray.width)..<((y + 1) * gray.width)])
        }
        let frame = Data(plane)
        let codes = try decodeQrFrame(width: UInt32(gray.width), height: UInt32(gray.height),
                                      rowStride: UInt32(stride), frame: frame, thorough: false)
        XCTAssertEqual(codes.map(\.kind), [.otpauth])
        XCTAssertEqual(codes.flatMap(\.accounts).map(\.name), ["siti@example.go.id"])
        XCTAssertEqual(codes.first?.text, nil)

        let dir = try temporaryDirectory(self)
        let auth = try Authenticator.create(setup: fastSetup(dir.appendingPathComponent("v.kunci").path), keyWrapper: TestKeyWrapper())
        let report = try auth.enrollFrame(width: UInt32(gray.width), height: UInt32(gray.height),
                                          rowStride: UInt32(stride), frame: frame, onConflict: .reject)
        XCTAssertEqual(report.added.map(\.name), ["siti@example.go.id"])
    }

    func testFrameWithoutQrCodeAndShortFrameAreTypedErrors() {
        let blank = Data(repeating: 200, count: 320 * 240)
        XCTAssertThrowsError(try decodeQrFrame(width: 320, height: 240, rowStride: 320, frame: blank, thorough: false)) {
            guard case KunciError.NotAQrCode = $0 else { return XCTFail("expected NotAQrCode, got \($0)") }
            XCTAssertFalse(detailOf($0)?.isEmpty ?? true)
        }
        // Stride wider than the buffer holds: refused, not read out of bounds.
        XCTAssertThrowsError(try decodeQrFrame(width: 320, height: 240, rowStride: 384, frame: blank, thorough: true)) {
            guard case KunciError.InvalidInput = $0 else { return XCTFail("expected InvalidInput, got \($0)") }
        }
        XCTAssertThrowsError(try decodeQrImage(image: Data("not a picture".utf8))) {
            guard case KunciError.UnreadableImage = $0 else { return XCTFail("expected UnreadableImage, got \($0)") }
        }
    }

    func testPreviewUriListsEveryAccountOfAMigrationUri() throws {
        let secret1 = Array("12345678901234567890".utf8)
        let secret2 = randomBytes(32)
        let uri = migrationUri([
            MigrationAccount(secret: secret1, name: "siti@example.go.id", issuer: "Portal HR"),
            MigrationAccount(secret: secret2, name: "ops", issuer: "VPN", algorithm: 2, digits: 2, type: 1, counter: 7),
        ], batchSize: 2, batchIndex: 1)
        let previews = try previewUri(uri: uri)
        XCTAssertEqual(previews.count, 2)
        XCTAssertEqual(previews[0].issuer, "Portal HR")
        XCTAssertEqual(previews[0].name, "siti@example.go.id")
        XCTAssertEqual(previews[0].kind, .totp)
        XCTAssertEqual(previews[0].algorithm, .sha1)
        XCTAssertEqual(previews[0].digits, 6)
        XCTAssertEqual(previews[0].period, 30)
        XCTAssertEqual(previews[0].secretBits, 160)
        XCTAssertEqual(previews[1].issuer, "VPN")
        XCTAssertEqual(previews[1].kind, .hotp)
        XCTAssertEqual(previews[1].algorithm, .sha256)
        XCTAssertEqual(previews[1].digits, 8)
        XCTAssertEqual(previews[1].counter, 7)
        XCTAssertEqual(previews[1].secretBits, 256)

        // The first account is the RFC 4226/6238 secret: its code is the RFC's (6 digits).
        let dir = try temporaryDirectory(self)
        let auth = try Authenticator.create(setup: fastSetup(dir.appendingPathComponent("v.kunci").path), passphrase: Data("pw".utf8))
        let report = try auth.enrollUri(uri: uri, onConflict: .reject)
        XCTAssertEqual(report.added.count, 2)
        XCTAssertEqual(report.batch?.index, 1)
        XCTAssertEqual(report.batch?.size, 2)
        let codes = codesByLabel(try auth.codesAt(unixMs: 59_000))
        XCTAssertEqual(codes["Portal HR/siti@example.go.id"], "287082")
        XCTAssertThrowsError(try previewUri(uri: "https://example.com/not-otp")) {
            guard case KunciError.InvalidInput = $0 else { return XCTFail("expected InvalidInput, got \($0)") }
        }
    }
}

// One-time codes against the RFCs' own tables, typed out here as the independent expectation.
import Foundation
import Kunci
import XCTest

/// RFC 6238 appendix B: the seeds are the ASCII digits repeated to the hash's length.
private let rfc6238Seeds: [(HashAlgorithm, String, [UInt8])] = [
    (.sha1, "SHA1", Array("12345678901234567890".utf8)),
    (.sha256, "SHA256", Array("12345678901234567890123456789012".utf8)),
    (.sha512, "SHA512", Array("1234567890123456789012345678901234567890123456789012345678901234".utf8)),
]

/// RFC 6238 appendix B, 8 digits, 30 s: time, SHA1, SHA256, SHA512.
private let rfc6238Table: [(Int64, String, String, String)] = [
    (59, "94287082", "46119246", "90693936"),
    (1_111_111_109, "07081804", "68084774", "25091201"),
    (1_111_111_111, "14050471", "67062674", "99943326"),
    (1_234_567_890, "89005924", "91819424", "93441116"),
    (2_000_000_000, "69279037", "90698825", "38618901"),
    (20_000_000_000, "65353130", "77737706", "47863826"),
]

/// RFC 4226 appendix D: HOTP codes for counters 0...9 of "12345678901234567890".
private let rfc4226Codes = ["755224", "287082", "359152", "969429", "338314",
                            "254676", "287922", "162583", "399871", "520489"]

private func rfcUri(_ name: String, _ seed: [UInt8]) -> String {
    "otpauth://totp/RFC6238:\(name)?secret=\(base32(seed))&algorithm=\(name)&digits=8&period=30&issuer=RFC6238"
}

private func expected(_ row: (Int64, String, String, String), _ algorithm: String) -> String {
    switch algorithm {
    case "SHA1": return row.1
    case "SHA256": return row.2
    default: return row.3
    }
}

final class CodeTests: XCTestCase {
    static let allTests = [
        ("testCodeForUriMatchesRfc6238AppendixB", testCodeForUriMatchesRfc6238AppendixB),
        ("testVaultCodesAtMatchRfc6238AppendixB", testVaultCodesAtMatchRfc6238AppendixB),
        ("testHotpNextCodeFollowsRfc4226AndPersistsAcrossReopen", testHotpNextCodeFollowsRfc4226AndPersistsAcrossReopen),
    ]

    func testCodeForUriMatchesRfc6238AppendixB() throws {
        for (_, name, seed) in rfc6238Seeds {
            for row in rfc6238Table {
                let info = try codeForUri(uri: rfcUri(name, seed), unixTime: row.0)
                XCTAssertEqual(info.code, expected(row, name), "\(name) at \(row.0)")
                XCTAssertEqual(info.validFrom, row.0 / 30 * 30)
                XCTAssertEqual(info.validUntil, row.0 / 30 * 30 + 30)
                XCTAssertEqual(info.kind, .totp)
            }
        }
        // The next code of the step holding 59 is the RFC's code for the step holding 60.
        XCTAssertEqual(try codeForUri(uri: rfcUri("SHA1", rfc6238Seeds[0].2), unixTime: 59).next,
                       try codeForUri(uri: rfcUri("SHA1", rfc6238Seeds[0].2), unixTime: 60).code)
    }

    func testVaultCodesAtMatchRfc6238AppendixB() throws {
        let dir = try temporaryDirectory(self)
        let auth = try Authenticator.create(setup: fastSetup(dir.appendingPathComponent("v.kunci").path), passphrase: Data("pw".utf8))
        for (_, name, seed) in rfc6238Seeds {
            _ = try auth.enrollUri(uri: rfcUri(name, seed), onConflict: .reject)
        }
        let algorithms = try auth.accounts().map(\.algorithm)
        XCTAssertEqual(algorithms, [.sha1, .sha256, .sha512])
        for row in rfc6238Table {
            let list = try auth.codesAt(unixMs: Int64(row.0) * 1000)
            XCTAssertEqual(list.time.utcMs, Int64(row.0) * 1000)
            XCTAssertEqual(list.time.status, .synced)
            let codes = codesByLabel(list)
            for (_, name, _) in rfc6238Seeds {
                XCTAssertEqual(codes["RFC6238/\(name)"], expected(row, name), "\(name) at \(row.0)")
            }
        }
    }

    func testHotpNextCodeFollowsRfc4226AndPersistsAcrossReopen() throws {
        let dir = try temporaryDirectory(self)
        let path = dir.appendingPathComponent("v.kunci").path
        let wrapper = TestKeyWrapper()
        let seed = base32(Array("12345678901234567890".utf8))
        var id: Int64 = 0
        do {
            let auth = try Authenticator.create(setup: fastSetup(path), keyWrapper: wrapper)
            id = try XCTUnwrap(auth.enrollUri(uri: "otpauth://hotp/RFC4226:test?secret=\(seed)&counter=0",
                                              onConflict: .reject).added.first?.id)
            // The list shows the code at the stored counter. nextCode is "I used it, give me the
            // next one": the counter moves on (saved first) and the new counter's code comes
            // back, which is also what the list shows from then on.
            for counter in 0..<4 {
                XCTAssertEqual(try auth.codes().codes.first?.code, rfc4226Codes[counter])
                XCTAssertEqual(try auth.nextCode(id: id), rfc4226Codes[counter + 1], "counter \(counter)")
                XCTAssertEqual(try auth.accounts().first?.counter, UInt64(counter + 1))
                XCTAssertEqual(try auth.codes().codes.first?.code, rfc4226Codes[counter + 1])
            }
        }
        // The counter was saved: a reopened vault continues where it stopped, never repeating.
        let reopened = try Authenticator.openWithKeyWrapper(setup: fastSetup(path), keyWrapper: wrapper)
        XCTAssertEqual(try reopened.accounts().first?.counter, 4)
        let shown = try XCTUnwrap(reopened.codes().codes.first)
        XCTAssertEqual(shown.kind, .hotp)
        XCTAssertEqual(shown.code, rfc4226Codes[4])
        XCTAssertEqual(shown.next, rfc4226Codes[5])
        for counter in 4..<9 {
            XCTAssertEqual(try reopened.nextCode(id: id), rfc4226Codes[counter + 1], "counter \(counter)")
        }
        XCTAssertEqual(try reopened.accounts().first?.counter, 9)
        XCTAssertThrowsError(try reopened.nextCode(id: id + 1000)) {
            guard case let KunciError.NotFound(message) = $0 else { return XCTFail("expected NotFound, got \($0)") }
            XCTAssertTrue(message.contains("\(id + 1000)"), message)
        }
    }
}

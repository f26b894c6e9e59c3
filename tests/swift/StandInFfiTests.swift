// Proves the Swift harness on the stand-in FFI: each kind of thing the real surface crosses the
// FFI with. Mirrors tests/kotlin/src/test/kotlin/app/kunci/StandInFfiTest.kt.
import Foundation
import Kunci
import XCTest

/// A boot clock that always reads the same value: immutable, so it is Sendable as BootClock demands.
final class FixedBootClock: BootClock {
    let ms: UInt64
    init(ms: UInt64) { self.ms = ms }
    func elapsedMs() -> UInt64 { ms }
}

final class StandInFfiTests: XCTestCase {
    static let allTests = [
        ("testVersionComesFromTheCore", testVersionComesFromTheCore),
        ("testTotpMatchesRfc6238Vectors", testTotpMatchesRfc6238Vectors),
        ("testRustErrorArrivesAsTypedSwiftError", testRustErrorArrivesAsTypedSwiftError),
        ("testRustCallsBackIntoASwiftBootClock", testRustCallsBackIntoASwiftBootClock),
        ("testBytesCrossAsData", testBytesCrossAsData),
    ]

    func testVersionComesFromTheCore() {
        let version = kunciVersion()
        XCTAssertNotNil(version.range(of: #"^\d+\.\d+\.\d+"#, options: .regularExpression), version)
    }

    func testTotpMatchesRfc6238Vectors() throws {
        let secret = Data("12345678901234567890".utf8)
        // RFC 6238 appendix B, SHA-1, 8 digits there; the stand-in gives 6: the last six.
        let vectors: [(UInt64, String)] = [
            (59, "94287082"),
            (1_111_111_109, "07081804"),
            (1_111_111_111, "14050471"),
            (1_234_567_890, "89005924"),
            (2_000_000_000, "69279037"),
            (20_000_000_000, "65353130"),
        ]
        for (unix, rfcCode) in vectors {
            XCTAssertEqual(try totpCode(secret: secret, unixTime: unix), String(rfcCode.suffix(6)), "at \(unix)")
        }
    }

    func testRustErrorArrivesAsTypedSwiftError() {
        XCTAssertThrowsError(try totpCode(secret: Data(), unixTime: 59)) { error in
            guard case let KunciError.InvalidInput(reason) = error else {
                return XCTFail("expected KunciError.InvalidInput, got \(error)")
            }
            XCTAssertTrue(reason.contains("empty"), reason)
        }
    }

    func testRustCallsBackIntoASwiftBootClock() {
        XCTAssertEqual(readBootClock(clock: FixedBootClock(ms: 123_456_789_012)), 123_456_789_012)
    }

    func testBytesCrossAsData() {
        XCTAssertEqual(byteLen(frame: Data(count: 640 * 480)), 640 * 480)
        let bytes: [UInt8] = [1, 2, 3]
        XCTAssertEqual(byteLen(frame: Data(bytes)), 3)
        XCTAssertEqual(byteLen(frame: Data()), 0)
    }
}

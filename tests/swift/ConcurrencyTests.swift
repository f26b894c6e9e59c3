// One Authenticator shared by many threads, as a SwiftUI app's background tasks share it.
import Foundation
import Kunci
import XCTest

final class ConcurrencyTests: XCTestCase {
    static let allTests = [
        ("testConcurrentCallsOnOneAuthenticator", testConcurrentCallsOnOneAuthenticator),
    ]

    func testConcurrentCallsOnOneAuthenticator() throws {
        let path = try temporaryDirectory(self).appendingPathComponent("v.kunci").path
        let auth = try Authenticator.create(setup: fastSetup(path), keyWrapper: TestKeyWrapper())
        _ = try auth.enrollUri(uri: "otpauth://totp/RFC:sha1?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&digits=8&issuer=RFC",
                               onConflict: .reject)
        let hotpId = try XCTUnwrap(auth.enrollUri(
            uri: "otpauth://hotp/RFC:hotp?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=RFC&counter=0",
            onConflict: .reject).added.first?.id)

        let lock = NSLock()
        var failures: [String] = []
        var hotpCodes: [String] = []
        func fail(_ s: String) { lock.withLock { failures.append(s) } }

        DispatchQueue.concurrentPerform(iterations: 8) { worker in
            for i in 0..<50 {
                do {
                    switch i % 5 {
                    case 0:
                        let code = try auth.codesAt(unixMs: 1_111_111_109_000).codes.first { $0.name == "sha1" }?.code
                        if code != "07081804" { fail("worker \(worker): codesAt gave \(String(describing: code))") }
                    case 1:
                        _ = try auth.enrollUri(uri: "otpauth://totp/Load:w\(worker)-\(i)?secret=JBSWY3DPEHPK3PXP&issuer=Load",
                                               onConflict: .reject)
                    case 2:
                        let code = try auth.nextCode(id: hotpId)
                        lock.withLock { hotpCodes.append(code) }
                    case 3:
                        _ = try auth.search(query: "load")
                        _ = auth.timeNow()
                    default:
                        let list = try auth.codes()
                        if !list.unreadable.isEmpty { fail("unreadable rows: \(list.unreadable)") }
                    }
                } catch {
                    fail("worker \(worker) step \(i): \(error)")
                }
            }
        }
        XCTAssertEqual(failures, [])
        // 8 workers x 10 enrollments each, all kept, none twice.
        let accounts = try auth.accounts()
        XCTAssertEqual(accounts.filter { $0.issuer == "Load" }.count, 80)
        XCTAssertEqual(Set(accounts.map(\.id)).count, accounts.count)
        // 80 "next" presses: the codes of counters 1...80 each handed out exactly once, none lost.
        XCTAssertEqual(accounts.first { $0.id == hotpId }?.counter, 80)
        XCTAssertEqual(hotpCodes.count, 80)
        let expected = try Set((1...80).map { counter -> String in
            try codeForUri(uri: "otpauth://hotp/x?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&counter=\(counter)", unixTime: 0).code
        })
        XCTAssertEqual(Set(hotpCodes), expected)
    }
}

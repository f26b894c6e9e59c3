// The iOS package's portable Swift (ios/Sources/KunciKit), compiled into this test binary:
// countdown and refresh arithmetic, pasteboard expiry, the time banner, the async vault wrapper
// and the URLSession HttpsDate source.
import Foundation
import Kunci
import XCTest
#if canImport(Glibc)
import Glibc
#endif

private func code(validUntil: Int64?, period: UInt32 = 30, kind: OtpKind = .totp) -> CodeInfo {
    CodeInfo(accountId: 1, issuer: "GitHub", name: "jo", kind: kind, code: "123456", previous: nil, next: "654321",
             validFrom: validUntil.map { $0 - Int64(period) }, validUntil: validUntil,
             period: period, counter: 0)
}

final class KunciKitTests: XCTestCase {
    static let allTests = [
        ("testCountdownAndNextRefresh", testCountdownAndNextRefresh),
        ("testTrustedInstantCarriesTimeOnUptime", testTrustedInstantCarriesTimeOnUptime),
        ("testCopyPolicyExpiresByTheDeviceClock", testCopyPolicyExpiresByTheDeviceClock),
        ("testTimeBannerSaysWhatTheStatusMeans", testTimeBannerSaysWhatTheStatusMeans),
        ("testKunciVaultRunsBlockingCallsOffTheCaller", asyncTest(testKunciVaultRunsBlockingCallsOffTheCaller)),
        ("testHttpsDateSourceReadsTheDateHeader", testHttpsDateSourceReadsTheDateHeader),
        ("testKunciVaultTakesPassphrasesAsBytes", asyncTest(testKunciVaultTakesPassphrasesAsBytes)),
    ]

    func testCountdownAndNextRefresh() {
        // Step [30 s, 60 s): at 30.000 all 30 s left, at 59.001 one (rounded up), at 60 none.
        XCTAssertEqual(CodeTicker.countdown(validUntil: 60, period: 30, nowMs: 30_000), Countdown(secondsLeft: 30, remaining: 1))
        XCTAssertEqual(CodeTicker.countdown(validUntil: 60, period: 30, nowMs: 59_001)?.secondsLeft, 1)
        XCTAssertEqual(CodeTicker.countdown(validUntil: 60, period: 30, nowMs: 45_000)?.remaining, 0.5)
        XCTAssertEqual(CodeTicker.countdown(validUntil: 60, period: 30, nowMs: 60_000), Countdown(secondsLeft: 0, remaining: 0))
        XCTAssertEqual(CodeTicker.countdown(validUntil: 60, period: 30, nowMs: 10_000)?.secondsLeft, 30, "clamped to a period")
        XCTAssertNil(CodeTicker.countdown(for: code(validUntil: nil, kind: .hotp), nowMs: 0), "HOTP does not count down")

        let codes = [code(validUntil: 90), code(validUntil: 1_111_111_140), code(validUntil: 120, period: 60),
                     code(validUntil: nil, kind: .hotp)]
        XCTAssertEqual(CodeTicker.nextRefreshMs(for: codes, nowMs: 61_000), 90_000)
        XCTAssertEqual(CodeTicker.nextRefreshMs(for: codes, nowMs: 90_000), 120_000, "a step that just ended is not awaited")
        XCTAssertNil(CodeTicker.nextRefreshMs(for: [code(validUntil: nil, kind: .hotp)], nowMs: 0))
    }

    func testTrustedInstantCarriesTimeOnUptime() {
        let instant = TrustedInstant(utcMs: 1_700_000_000_000, uptime: 500)
        XCTAssertEqual(instant.utcMs(atUptime: 500), 1_700_000_000_000)
        XCTAssertEqual(instant.utcMs(atUptime: 512.25), 1_700_000_012_250)
        XCTAssertEqual(instant.utcMs(atUptime: 400), 1_700_000_000_000, "never backwards")
    }

    func testCopyPolicyExpiresByTheDeviceClock() {
        let policy = CopyPolicy()
        let deviceNow = Date(timeIntervalSince1970: 1_000_000) // the phone's clock, 90 s behind
        let trustedNowMs: Int64 = (1_000_000 + 90) * 1000
        // Trusted step ends in 20 s: on the pasteboard 25 s from the device's now.
        let c = code(validUntil: 1_000_110)
        XCTAssertEqual(policy.lifetime(for: c, trustedNowMs: trustedNowMs), 25)
        XCTAssertEqual(policy.expirationDate(for: c, trustedNowMs: trustedNowMs, deviceNow: deviceNow),
                       deviceNow.addingTimeInterval(25))
        // Copied in the last second: still the minimum to paste it.
        XCTAssertEqual(policy.lifetime(for: code(validUntil: 1_000_091), trustedNowMs: trustedNowMs + 500), 10)
        // Long periods and HOTP are capped.
        XCTAssertEqual(policy.lifetime(for: code(validUntil: 1_000_390, period: 300), trustedNowMs: trustedNowMs), 60)
        XCTAssertEqual(policy.lifetime(for: code(validUntil: nil, kind: .hotp), trustedNowMs: trustedNowMs), 60)
        XCTAssertEqual(CopyPolicy(maximum: 30, minimum: 45).minimum, 30, "minimum never above maximum")
    }

    func testTimeBannerSaysWhatTheStatusMeans() {
        func time(_ status: TimeStatus, offset: Int64 = 0, uncertainty: Int64 = 40) -> TimeInfo {
            TimeInfo(utcMs: 0, uncertaintyMs: uncertainty, status: status, offsetMs: offset)
        }
        XCTAssertNil(TimeBanner.make(time: time(.synced, offset: 1_200), timeWarning: false))
        let behind = TimeBanner.make(time: time(.synced, offset: 90_000), timeWarning: false)
        XCTAssertEqual(behind?.level, .info)
        XCTAssertEqual(behind?.text, "This phone's clock is 90 s behind. Codes are corrected.")
        XCTAssertEqual(TimeBanner.make(time: time(.synced, offset: -600_000), timeWarning: false)?.text,
                       "This phone's clock is 10 min ahead. Codes are corrected.")
        XCTAssertEqual(TimeBanner.make(time: time(.synced, uncertainty: 9_000), timeWarning: true)?.offersSync, true)
        XCTAssertEqual(TimeBanner.make(time: time(.unverified), timeWarning: false)?.level, .warning)
        XCTAssertEqual(TimeBanner.make(time: time(.drifting, uncertainty: 12_400), timeWarning: true)?.text,
                       "Time uncertain by 12 s. Sync to be sure.")
        XCTAssertEqual(TimeBanner.make(time: time(.conflict), timeWarning: false)?.level, .error)
    }

    func testKunciVaultRunsBlockingCallsOffTheCaller() async throws {
        let server = try FakeNtpServer(offsetSeconds: 90)
        defer { server.stop() }
        let path = try temporaryDirectory(self).appendingPathComponent("v.kunci").path
        let wrapper = TestKeyWrapper()
        let vault = try await KunciVault.openOrCreate(setup: fastSetup(path), keyWrapper: wrapper)
        let report = try await vault.enroll(uri: "otpauth://hotp/VPN:ops?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=VPN")
        let id = try XCTUnwrap(report.added.first?.id)
        let next = try await vault.nextCode(id: id)
        XCTAssertEqual(next, "287082") // RFC 4226 counter 1: the press consumed counter 0
        let synced = try await vault.syncTime(ntpServers: [server.address], quorum: 1)
        XCTAssertEqual(synced.status, .synced)
        let list = try await vault.codes()
        XCTAssertEqual(list.codes.first?.code, "287082")
        XCTAssertEqual(Double(list.time.offsetMs), 90_000, accuracy: 500)
        let diagnostics = try await vault.diagnostics(timeZone: TimeZone(identifier: "Asia/Jakarta")!)
        XCTAssertEqual(diagnostics.utcOffsetSeconds, 25200)
        XCTAssertEqual(diagnostics.timeZone, "Asia/Jakarta")
        XCTAssertTrue(diagnostics.json.contains("\"utc_offset_seconds\":25200"), diagnostics.json)
        // Typed errors come through the async wrapper unchanged.
        do {
            _ = try await vault.enroll(uri: "otpauth://hotp/VPN:ops?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=VPN")
            XCTFail("expected DuplicateAccount")
        } catch let KunciError.DuplicateAccount(message) {
            XCTAssertTrue(message.contains("id \(id)"), message)
        }
        // Lock, then unlock through the wrapper (the platform key; a passphrase runs Argon2id).
        vault.lock()
        do {
            _ = try await vault.codes()
            XCTFail("expected Locked")
        } catch KunciError.Locked {}
        try await vault.unlock(keyWrapper: wrapper)
        let afterUnlock = try await vault.codes()
        XCTAssertEqual(afterUnlock.codes.count, 1)
        // The file exists now: openOrCreate opens it, and another device's key cannot, with a
        // typed error carrying the user's sentence (not a second vault over the first).
        do {
            _ = try await KunciVault.openOrCreate(setup: fastSetup(path), keyWrapper: TestKeyWrapper())
            XCTFail("another key must not open the vault")
        } catch {
            XCTAssertFalse((error as? KunciError)?.detail.isEmpty ?? true, "\(error)")
        }
    }

    func testKunciVaultTakesPassphrasesAsBytes() async throws {
        // Passphrases and passwords cross as Data (UTF-8 of what was typed), never as String.
        let dir = try temporaryDirectory(self)
        let path = dir.appendingPathComponent("v.kunci").path
        let first = Data("kata sandi äöü ✓".utf8)
        _ = try Authenticator.create(setup: fastSetup(path), passphrase: first)
        let vault = try await KunciVault.open(setup: fastSetup(path), passphrase: first)
        let report = try await vault.enroll(uri: "otpauth://totp/Bank:ana?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Bank")
        let id = try XCTUnwrap(report.added.first?.id)
        let second = Data("the new passphrase".utf8)
        try await vault.changePassphrase(old: first, new: second)
        vault.lock()
        do {
            try await vault.unlock(passphrase: first)
            XCTFail("the old passphrase must not unlock")
        } catch KunciError.WrongPassphrase {}
        try await vault.unlock(passphrase: second)
        let backup = try await vault.exportFile(format: .kunci, password: Data("backup pw".utf8))
        let other = try Authenticator.create(setup: fastSetup(dir.appendingPathComponent("w.kunci").path), passphrase: Data("other".utf8))
        let restored = try await KunciVault(other).importFile(backup, password: Data("backup pw".utf8))
        XCTAssertEqual(restored.added, 1)
        // One account's QR code (the per-account transfer screen) previews as that account.
        let png = try await vault.accountQrPng(id: id)
        let preview = try decodeQrImage(image: png)
        XCTAssertEqual(preview.map(\.kind), [.otpauth])
        XCTAssertEqual(preview.first?.accounts.map(\.name), ["ana"])
        XCTAssertNil(preview.first?.text)
    }

    func testHttpsDateSourceReadsTheDateHeader() throws {
        XCTAssertTrue(URLSessionHttpsDate.isAuthenticated(url: "https://www.apple.com/"))
        XCTAssertFalse(URLSessionHttpsDate.isAuthenticated(url: "http://127.0.0.1:8080/"))
        let server = try TinyHttpServer(dateHeader: "Tue, 25 Nov 2026 10:00:00 GMT")
        defer { server.stop() }
        let source = URLSessionHttpsDate(timeout: 3)
        XCTAssertEqual(try source.fetchDate(url: "http://127.0.0.1:\(server.port)/"), "Tue, 25 Nov 2026 10:00:00 GMT")
        XCTAssertEqual(server.methods, ["HEAD"])
        XCTAssertThrowsError(try source.fetchDate(url: "ftp://example.com/")) {
            guard case PlatformError.Failed = $0 else { return XCTFail("expected PlatformError.Failed, got \($0)") }
        }
    }
}

/// Answers each HTTP request on 127.0.0.1 with 200, a fixed Date header and no body.
final class TinyHttpServer: @unchecked Sendable {
    let port: UInt16
    private let fd: Int32
    private let lock = NSLock()
    private var seen: [String] = []
    private var stopping = false
    private let finished = DispatchSemaphore(value: 0)

    init(dateHeader: String) throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ok = withUnsafeMutablePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, len) == 0 && listen(fd, 4) == 0 && getsockname(fd, $0, &len) == 0
            }
        }
        guard fd >= 0, ok else { throw NSError(domain: "http", code: Int(errno)) }
        self.fd = fd
        port = UInt16(bigEndian: addr.sin_port)
        var timeout = timeval(tv_sec: 0, tv_usec: 50_000)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let reply = Array("HTTP/1.1 200 OK\r\nDate: \(dateHeader)\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".utf8)
        Thread { [self] in
            defer { finished.signal() }
            while !lock.withLock({ stopping }) {
                let client = accept(fd, nil, nil)
                guard client >= 0 else { continue }
                var buffer = [UInt8](repeating: 0, count: 4096)
                let n = recv(client, &buffer, buffer.count, 0)
                if n > 0, let method = String(decoding: buffer[0..<n], as: UTF8.self).split(separator: " ").first {
                    lock.withLock { seen.append(String(method)) }
                }
                _ = send(client, reply, reply.count, 0)
                close(client)
            }
        }.start()
    }

    var methods: [String] { lock.withLock { seen } }

    func stop() {
        let first: Bool = lock.withLock { defer { stopping = true }; return !stopping }
        guard first else { return }
        finished.wait()
        close(fd)
    }
}

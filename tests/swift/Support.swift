// Test doubles and helpers shared by the Swift suites: platform capabilities implemented in
// Swift (as the iOS app does, with test-grade internals), a fake SNTP server, a small PNG reader
// for rendered QR codes, and independent encoders (base32, Google migration protobuf).
import Foundation
import Kunci
import XCTest
#if canImport(Glibc)
import Glibc
#endif

// MARK: - Files

/// A fresh directory for one test's vault files, removed when the test ends.
func temporaryDirectory(_ test: XCTestCase) throws -> URL {
    let dir = FileManager.default.temporaryDirectory
        .appendingPathComponent("kunci-swift-\(UUID().uuidString)", isDirectory: true)
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    test.addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
    return dir
}

/// Fast key derivation: tests create many vaults.
let fastOptions = AuthenticatorOptions(kdfMemoryKib: 8, kdfIterations: 1)

/// The vault at `path` with the tests' platform: the system boot clock and `fastOptions`.
func fastSetup(_ path: String, bootClock: BootClock = SystemBootClock(), options: AuthenticatorOptions = fastOptions) -> VaultSetup {
    VaultSetup(path: path, bootClock: bootClock, options: options)
}

/// The QR photo corpus: $KUNCI_QR_CORPUS, else tests/data/qr in the repository.
func corpusDirectory() -> URL {
    if let dir = ProcessInfo.processInfo.environment["KUNCI_QR_CORPUS"], !dir.isEmpty {
        return URL(fileURLWithPath: dir, isDirectory: true)
    }
    return URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent() // tests/swift
        .deletingLastPathComponent() // tests
        .deletingLastPathComponent() // checkout
        .appendingPathComponent("tests/data/qr", isDirectory: true)
}

// MARK: - Errors

/// The sentence every KunciError case carries (`message`), nil for other errors.
func detailOf(_ error: Error) -> String? {
    (error as? KunciError)?.message
}

// MARK: - Platform capabilities

/// CLOCK_BOOTTIME, the Linux counterpart of mach_continuous_time: counts through suspend.
final class SystemBootClock: BootClock {
    let id: String
    init(id: String = "swift-tests-boot") { self.id = id }
    func bootId() throws -> String { id }
    func elapsedMs() throws -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_BOOTTIME, &ts)
        return Int64(ts.tv_sec) * 1000 + Int64(ts.tv_nsec) / 1_000_000
    }
}

/// A platform whose boot clock is broken: every read throws.
final class ThrowingBootClock: BootClock {
    func bootId() throws -> String { throw PlatformError.Failed(reason: "no boot session") }
    func elapsedMs() throws -> Int64 { throw PlatformError.Failed(reason: "no boot clock") }
}

/// A keyed transform standing in for the Keychain (NOT a cipher: test only). The wrapped form is
/// a magic, a random nonce and the key XORed with a keystream derived from (test key, nonce);
/// unwrapping with another test key yields the wrong vault key, which the core must notice.
final class TestKeyWrapper: KeyWrapper {
    private let secret: [UInt8]
    private static let magic: [UInt8] = Array("TKW1".utf8)

    init(secret: [UInt8] = randomBytes(32)) { self.secret = secret }

    private func keystream(_ nonce: [UInt8], _ count: Int) -> [UInt8] {
        // xorshift64* seeded from key and nonce: a different key gives a different stream.
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        for b in secret + nonce { state = (state ^ UInt64(b)) &* 0x1000_0000_01B3 }
        return (0..<count).map { _ in
            state ^= state >> 12
            state ^= state << 25
            state ^= state >> 27
            return UInt8(truncatingIfNeeded: (state &* 0x2545_F491_4F6C_DD1D) >> 56)
        }
    }

    func wrap(key: Data) throws -> Data {
        let nonce = randomBytes(16)
        let ks = keystream(nonce, key.count)
        return Data(Self.magic + nonce + zip(key, ks).map { $0 ^ $1 })
    }

    func unwrapKey(wrapped: Data) throws -> Data {
        let bytes = [UInt8](wrapped)
        guard bytes.count > 20, Array(bytes[0..<4]) == Self.magic else {
            throw PlatformError.KeyUnavailable(reason: "not a test-wrapped key")
        }
        let nonce = Array(bytes[4..<20])
        let body = bytes[20...]
        return Data(zip(body, keystream(nonce, body.count)).map { $0 ^ $1 })
    }
}

/// A key store that is unavailable (device locked, key invalidated).
final class UnavailableKeyWrapper: KeyWrapper {
    func wrap(key: Data) throws -> Data { throw PlatformError.KeyUnavailable(reason: "keychain locked") }
    func unwrapKey(wrapped: Data) throws -> Data { throw PlatformError.KeyUnavailable(reason: "keychain locked") }
}

/// A key store that throws an error the core never declared (a plain Swift error).
struct PlatformFailure: Error {}
final class ForeignErrorKeyWrapper: KeyWrapper {
    let inner = TestKeyWrapper()
    func wrap(key: Data) throws -> Data { try inner.wrap(key: key) }
    func unwrapKey(wrapped: Data) throws -> Data { throw PlatformFailure() }
}

func randomBytes(_ count: Int) -> [UInt8] {
    var g = SystemRandomNumberGenerator()
    return (0..<count).map { _ in UInt8.random(in: 0...255, using: &g) }
}

// MARK: - Encoders written independently of the core

func base32(_ bytes: [UInt8]) -> String {
    let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
    var out = ""
    var buffer = 0
    var bits = 0
    for b in bytes {
        buffer = (buffer << 8) | Int(b)
        bits += 8
        while bits >= 5 {
            out.append(alphabet[(buffer >> (bits - 5)) & 31])
            bits -= 5
        }
    }
    if bits > 0 { out.append(alphabet[(buffer << (5 - bits)) & 31]) }
    return out
}

/// One account of a Google Authenticator export (OtpParameters).
struct MigrationAccount {
    var secret: [UInt8]
    var name: String
    var issuer: String
    var algorithm: UInt8 = 1 // SHA1
    var digits: UInt8 = 1 // six
    var type: UInt8 = 2 // TOTP
    var counter: UInt8 = 0
}

/// otpauth-migration://offline?data=... built by hand from the protobuf wire format.
func migrationUri(_ accounts: [MigrationAccount], batchSize: UInt8 = 1, batchIndex: UInt8 = 0) -> String {
    func field(_ tag: UInt8, _ bytes: [UInt8]) -> [UInt8] {
        precondition(bytes.count < 128)
        return [tag, UInt8(bytes.count)] + bytes
    }
    var payload: [UInt8] = []
    for a in accounts {
        var p = field(0x0A, a.secret) + field(0x12, Array(a.name.utf8)) + field(0x1A, Array(a.issuer.utf8))
        p += [0x20, a.algorithm, 0x28, a.digits, 0x30, a.type]
        if a.type == 1 { p += [0x38, a.counter] }
        payload += field(0x0A, p)
    }
    payload += [0x10, 1, 0x18, batchSize, 0x20, batchIndex, 0x28, 42]
    var allowed = CharacterSet.alphanumerics
    allowed.remove(charactersIn: "+/=")
    let data = Data(payload).base64EncodedString().addingPercentEncoding(withAllowedCharacters: allowed)!
    return "otpauth-migration://offline?data=\(data)"
}

// MARK: - PNG (8-bit grayscale, as render_qr_png writes it) to a luma plane

struct GrayImage {
    let width: Int
    let height: Int
    let pixels: [UInt8]
}

/// zlib's `uncompress`, found at run time: the chroot has libz.so.1 but no zlib headers.
private func inflateZlib(_ input: [UInt8], expected: Int) throws -> [UInt8] {
    typealias Uncompress = @convention(c) (
        UnsafeMutablePointer<UInt8>, UnsafeMutablePointer<UInt>, UnsafePointer<UInt8>, UInt
    ) -> Int32
    guard let lib = dlopen("libz.so.1", RTLD_NOW), let sym = dlsym(lib, "uncompress") else {
        throw XCTSkip("libz.so.1 not found")
    }
    let uncompress = unsafeBitCast(sym, to: Uncompress.self)
    var out = [UInt8](repeating: 0, count: expected)
    var outLen = UInt(expected)
    let rc = uncompress(&out, &outLen, input, UInt(input.count))
    guard rc == 0, Int(outLen) == expected else {
        throw NSError(domain: "png", code: Int(rc), userInfo: [NSLocalizedDescriptionKey: "inflate failed"])
    }
    return out
}

func decodeGrayPng(_ data: Data) throws -> GrayImage {
    let b = [UInt8](data)
    func u32(_ i: Int) -> Int { Int(b[i]) << 24 | Int(b[i + 1]) << 16 | Int(b[i + 2]) << 8 | Int(b[i + 3]) }
    guard b.count > 8, Array(b[0..<8]) == [137, 80, 78, 71, 13, 10, 26, 10] else {
        throw NSError(domain: "png", code: 1)
    }
    var i = 8
    var width = 0, height = 0
    var idat: [UInt8] = []
    while i + 8 <= b.count {
        let len = u32(i)
        let type = String(decoding: b[(i + 4)..<(i + 8)], as: UTF8.self)
        let body = Array(b[(i + 8)..<(i + 8 + len)])
        if type == "IHDR" {
            width = u32(i + 8)
            height = u32(i + 12)
            guard body[8] == 8, body[9] == 0, body[12] == 0 else {
                throw NSError(domain: "png", code: 2, userInfo: [NSLocalizedDescriptionKey: "not 8-bit gray"])
            }
        } else if type == "IDAT" {
            idat += body
        }
        i += 12 + len
    }
    let raw = try inflateZlib(idat, expected: (width + 1) * height)
    var px = [UInt8](repeating: 0, count: width * height)
    for y in 0..<height {
        let filter = raw[y * (width + 1)]
        for x in 0..<width {
            let v = raw[y * (width + 1) + 1 + x]
            let a = x > 0 ? Int(px[y * width + x - 1]) : 0
            let up = y > 0 ? Int(px[(y - 1) * width + x]) : 0
            let c = (x > 0 && y > 0) ? Int(px[(y - 1) * width + x - 1]) : 0
            let pred: Int
            switch filter {
            case 0: pred = 0
            case 1: pred = a
            case 2: pred = up
            case 3: pred = (a + up) / 2
            case 4:
                let p = a + up - c
                let (pa, pb, pc) = (abs(p - a), abs(p - up), abs(p - c))
                pred = (pa <= pb && pa <= pc) ? a : (pb <= pc ? up : c)
            default: throw NSError(domain: "png", code: 3)
            }
            px[y * width + x] = UInt8(truncatingIfNeeded: Int(v) + pred)
        }
    }
    return GrayImage(width: width, height: height, pixels: px)
}

// MARK: - A fake SNTP server on 127.0.0.1

/// Answers SNTP requests with the wall clock plus an offset (what `kunci time serve` does), or
/// stays silent. Runs on its own Thread; `stop()` (or the test's teardown) ends it.
final class FakeNtpServer: @unchecked Sendable {
    let port: UInt16
    private let fd: Int32
    private let offsetMs: Int64
    private let silent: Bool
    private let lock = NSLock()
    private var stopping = false
    private var answered = 0
    private let finished = DispatchSemaphore(value: 0)

    init(offsetSeconds: Int64, silent: Bool = false) throws {
        offsetMs = offsetSeconds * 1000
        self.silent = silent
        let fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        guard fd >= 0 else { throw NSError(domain: "ntp", code: Int(errno)) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = 0
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        var bound = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        if bound == 0 {
            bound = withUnsafeMutablePointer(to: &addr) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) }
            }
        }
        guard bound == 0 else {
            close(fd)
            throw NSError(domain: "ntp", code: Int(errno))
        }
        self.fd = fd
        port = UInt16(bigEndian: addr.sin_port)
        // Wake up every 50 ms to notice stop().
        var timeout = timeval(tv_sec: 0, tv_usec: 50_000)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let thread = Thread { [self] in serve() }
        thread.name = "fake-ntp-\(port)"
        thread.start()
    }

    var address: String { "127.0.0.1:\(port)" }

    var repliesSent: Int { lock.withLock { answered } }

    func stop() {
        let first: Bool = lock.withLock {
            defer { stopping = true }
            return !stopping
        }
        guard first else { return }
        finished.wait()
        close(fd)
    }

    private var isStopping: Bool { lock.withLock { stopping } }

    private static func ntpTimestamp(unixMs: Int64) -> [UInt8] {
        let seconds = UInt64(unixMs / 1000 + 2_208_988_800)
        let fraction = (UInt64(unixMs % 1000) << 32) / 1000
        let v = (seconds << 32) | fraction
        return (0..<8).map { UInt8(truncatingIfNeeded: v >> (56 - 8 * UInt64($0))) }
    }

    private func serve() {
        defer { finished.signal() }
        var request = [UInt8](repeating: 0, count: 512)
        while !isStopping {
            var from = sockaddr_in()
            var fromLen = socklen_t(MemoryLayout<sockaddr_in>.size)
            let n = withUnsafeMutablePointer(to: &from) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    recvfrom(fd, &request, request.count, 0, $0, &fromLen)
                }
            }
            guard n >= 48, !silent else { continue }
            let now = Int64(Date().timeIntervalSince1970 * 1000) + offsetMs
            var reply = [UInt8](repeating: 0, count: 48)
            reply[0] = (0 << 6) | (4 << 3) | 4 // no leap warning, version 4, mode 4 (server)
            reply[1] = 2 // stratum 2
            reply[2] = 4 // poll
            reply[3] = 0xEC // precision 2^-20
            reply[8..<12] = [0, 0, 0x02, 0x8F] // root dispersion ~10 ms
            reply[12..<16] = [127, 0, 0, 1] // reference id: the upstream's address
            reply[16..<24] = ArraySlice(Self.ntpTimestamp(unixMs: now - 16_000)) // reference
            reply[24..<32] = request[40..<48] // origin = the client's transmit nonce
            reply[32..<40] = ArraySlice(Self.ntpTimestamp(unixMs: now)) // receive
            reply[40..<48] = ArraySlice(Self.ntpTimestamp(unixMs: now)) // transmit
            let sent = withUnsafePointer(to: &from) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    sendto(fd, reply, reply.count, 0, $0, fromLen)
                }
            }
            if sent == 48 { lock.withLock { answered += 1 } }
        }
    }

    deinit { stop() }
}

/// Wall clock in unix ms.
func wallMs() -> Int64 { Int64(Date().timeIntervalSince1970 * 1000) }

/// Codes by "issuer/name".
func codesByLabel(_ list: CodeList) -> [String: String] {
    Dictionary(list.codes.map { ("\($0.issuer)/\($0.name)", $0.code) }, uniquingKeysWith: { a, _ in a })
}

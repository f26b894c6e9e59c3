// Test doubles for the iOS app logic (ios/Sources/KunciAppLogic): the platform protocols faked
// (clocks the test moves, a pasteboard that remembers, Face ID that answers as told, frames from
// a picture), and an AppModel wired to the REAL core with them.
import Foundation
import Kunci
import KunciAppLogic
import XCTest

/// A monotonic clock the test moves.
final class FakeMonotonicClock: MonotonicClock, @unchecked Sendable {
    private let lock = NSLock()
    private var value: TimeInterval
    init(_ start: TimeInterval = 1_000) { value = start }
    func seconds() -> TimeInterval { lock.withLock { value } }
    func advance(_ s: TimeInterval) { lock.withLock { value += s } }
}

/// A wall clock the test sets (to show codes do not follow it).
final class FakeWallClock: WallClock, @unchecked Sendable {
    private let lock = NSLock()
    private var value: Date
    init(_ date: Date = Date()) { value = date }
    func now() -> Date { lock.withLock { value } }
    func jump(_ s: TimeInterval) { lock.withLock { value = value.addingTimeInterval(s) } }
}

/// The core's boot clock and the app's monotonic clock in one: the test moves both together, as
/// mach_continuous_time moves both on a phone.
final class SteppedBootClock: BootClock, MonotonicClock, @unchecked Sendable {
    private let lock = NSLock()
    private var ms: Int64
    let id: String
    init(id: String = "stepped-\(UUID().uuidString)", startMs: Int64 = 5_000_000) {
        self.id = id
        ms = startMs
    }
    func bootId() throws -> String { id }
    func elapsedMs() throws -> Int64 { lock.withLock { ms } }
    func seconds() -> TimeInterval { lock.withLock { Double(ms) / 1000 } }
    func advance(seconds s: Double) { lock.withLock { ms += Int64(s * 1000) } }
}

final class FakePasteboard: Pasteboard {
    var text: String?
    var expiresAt: Date?
    func copy(_ text: String, expiresAt: Date) {
        self.text = text
        self.expiresAt = expiresAt
    }
}

final class FakeDeviceAuth: DeviceAuthenticator, @unchecked Sendable {
    var answer: DeviceAuthResult = .success
    var prompts: [String] = []
    func authenticate(reason: String) async -> DeviceAuthResult {
        prompts.append(reason)
        return answer
    }
}

/// A vault directory of the test's own; records the backup exclusion.
final class TestStorage: VaultStorage, @unchecked Sendable {
    let dir: URL
    var excluded = false
    init(_ dir: URL) { self.dir = dir }
    func vaultPath() throws -> String { dir.appendingPathComponent("vault.kunci").path }
    func excludeFromBackups() throws { excluded = true }
}

final class FakeScheduler: BackgroundScheduler {
    var requests: [TimeInterval] = []
    func scheduleRefresh(earliestIn seconds: TimeInterval) { requests.append(seconds) }
}

/// Frames from a grayscale picture, delivered on a queue of their own like a camera's.
final class PictureFrameSource: FrameSource {
    private let frames: [LumaFrame]
    private let queue = DispatchQueue(label: "test.frames")
    private(set) var delivered = 0
    private var stopped = false
    init(_ frames: [LumaFrame]) { self.frames = frames }
    func start(_ handler: @escaping (LumaFrame) -> Bool) {
        queue.async { [self] in
            for frame in frames where !stopped {
                delivered += 1
                if handler(frame) { break }
            }
        }
    }
    func stop() { queue.async { [self] in stopped = true } }
}

/// The app's strings from the checkout (KUNCI_STRINGS, else next to this file).
func stringsDirectory() -> URL {
    if let dir = ProcessInfo.processInfo.environment["KUNCI_STRINGS"], !dir.isEmpty {
        return URL(fileURLWithPath: dir, isDirectory: true)
    }
    return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("ios/Sources/KunciAppLogic/Resources", isDirectory: true)
}

func localizer(_ language: String = "en") throws -> Localizer {
    try Localizer.load(language: language, directory: stringsDirectory())
}

/// The platform's picture decoder, faked: the pictures it "opens" are given, every call is kept.
final class FakePictureConverter: PictureConverter, @unchecked Sendable {
    private let lock = NSLock()
    private let opens: [Data: Data]
    private var seen: [(picture: Data, maxSide: Int)] = []

    init(_ opens: [Data: Data]) { self.opens = opens }

    func convert(_ picture: Data, maxSide: Int) -> Data? {
        lock.lock()
        defer { lock.unlock() }
        seen.append((picture, maxSide))
        return opens[picture]
    }

    var calls: [Data] { lock.lock(); defer { lock.unlock() }; return seen.map(\.picture) }
    var sides: [Int] { lock.lock(); defer { lock.unlock() }; return seen.map(\.maxSide) }
}

/// Everything an AppModel test touches.
@MainActor
final class Rig {
    let clock: SteppedBootClock
    let wall = FakeWallClock()
    let pasteboard = FakePasteboard()
    let auth = FakeDeviceAuth()
    let settings: MemorySettings
    let storage: TestStorage
    let keyWrapper: KeyWrapper
    let app: AppModel

    /// A launch of the app: a relaunch after a kill passes the same directory, key wrapper,
    /// settings and state store, and nothing else of the old one.
    init(dir: URL, language: String = "en", keyWrapper: KeyWrapper = TestKeyWrapper(), clock: SteppedBootClock = SteppedBootClock(),
         syncServers: [String]? = nil, settings: MemorySettings = MemorySettings(), stateStore: AppStateStore? = nil,
         launchArguments: [String: String] = [:], qrSource: (@Sendable (Core) -> AccountQrSource)? = nil,
         pictures: PictureConverter? = nil) throws {
        self.clock = clock
        self.keyWrapper = keyWrapper
        self.settings = settings
        storage = TestStorage(dir)
        let platform = Core.Platform(keyWrapper: keyWrapper, bootClock: clock, options: fastOptions)
        app = AppModel(.init(storage: storage, platform: platform, deviceAuth: auth, clock: clock, wall: wall,
                             pasteboard: pasteboard, settings: settings, localizer: try localizer(language),
                             syncServers: syncServers, launchArguments: launchArguments, stateStore: stateStore,
                             qrSource: qrSource, pictures: pictures))
    }

    /// A started app with a fresh vault (recovery passphrase "correct horse battery").
    static func ready(_ test: XCTestCase, language: String = "en", syncServers: [String]? = nil,
                      stateStore: AppStateStore? = nil, pictures: PictureConverter? = nil) async throws -> Rig {
        let rig = try Rig(dir: try temporaryDirectory(test), language: language, syncServers: syncServers, stateStore: stateStore,
                          pictures: pictures)
        await rig.app.start()
        XCTAssertEqual(rig.app.screen, .firstRun)
        await rig.app.create(passphrase: passphrase, confirm: passphrase)
        XCTAssertEqual(rig.app.screen, .ready)
        await rig.codes.refresh()
        return rig
    }

    static let passphrase = "correct horse battery"

    var codes: CodesViewModel { app.codes! }
    var enroll: EnrollViewModel { app.enroll! }
    var core: Core { app.core! }
}

let githubUri = "otpauth://totp/GitHub:jo?secret=JBSWY3DPEHPK3PXP&issuer=GitHub"
let asnUri = "otpauth://totp/ASN%20Digital:198001012006041001?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=ASN%20Digital"

/// Waits (bounded) for work the view model started on other queues, e.g. camera frames.
@MainActor
func waitUntil(_ what: String, seconds: Double = 20, _ condition: () -> Bool) async throws {
    let deadline = Date().addingTimeInterval(seconds)
    while !condition() {
        if Date() > deadline { throw NeverHappened(what: what) } // a failure, never a skip
        try await Task.sleep(nanoseconds: 5_000_000)
    }
}

/// The code an independent computation (the core's stateless code_for_uri) gives at a time.
func expectedCode(_ uri: String, atMs ms: Int64) throws -> String {
    try codeForUri(uri: uri, unixTime: ms / 1000).code
}

/// A grayscale frame of a rendered QR code, with a row stride wider than the picture (as camera
/// buffers have), and a blank one.
func qrFrame(_ text: String) throws -> LumaFrame {
    let image = try decodeGrayPng(try renderQrPng(text: text, modulePx: 4))
    let stride = image.width + 16
    var bytes = [UInt8](repeating: 255, count: stride * image.height)
    for y in 0..<image.height {
        bytes.replaceSubrange((y * stride)..<(y * stride + image.width), with: image.pixels[(y * image.width)..<((y + 1) * image.width)])
    }
    return LumaFrame(width: UInt32(image.width), height: UInt32(image.height), rowStride: UInt32(stride), bytes: Data(bytes))
}

func blankFrame() -> LumaFrame {
    LumaFrame(width: 320, height: 240, rowStride: 320, bytes: Data(repeating: 200, count: 320 * 240))
}

struct NeverHappened: Error { let what: String }

/// How many accounts the vault holds (XCTAssert's autoclosures cannot await).
@MainActor
func accountCount(_ rig: Rig) async throws -> Int {
    try await rig.core.run { try $0.accounts() }.count
}

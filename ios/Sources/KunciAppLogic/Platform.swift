// What the view models need from the platform, as protocols: the Apple adapters in
// ios/KunciApp/Sources/Platform implement them, the tests in tests/swift fake them. Nothing here
// imports an Apple-only framework.
import Foundation
import Kunci
import KunciKit

/// Seconds on a clock that never jumps (mach_continuous_time on iOS): countdowns, lock timers.
public protocol MonotonicClock: Sendable {
    func seconds() -> TimeInterval
}

/// The device's wall clock. Only used where the OS compares with it (pasteboard expiry); never
/// for codes, which follow the core's trusted time.
public protocol WallClock: Sendable {
    func now() -> Date
}

public struct SystemUptimeClock: MonotonicClock {
    public init() {}
    public func seconds() -> TimeInterval { ProcessInfo.processInfo.systemUptime }
}

public struct SystemWallClock: WallClock {
    public init() {}
    public func now() -> Date { Date() }
}

/// The pasteboard: a copied code is local to this device and expires (UIPasteboard options).
public protocol Pasteboard: AnyObject {
    func copy(_ text: String, expiresAt: Date)
}

/// Face ID / Touch ID / passcode (LocalAuthentication).
public enum DeviceAuthResult: Equatable, Sendable {
    case success
    /// The user cancelled or the system interrupted (app switch): stay locked, no message.
    case cancelled
    /// Biometrics failed or are locked out; `reason` is the system's sentence.
    case failed(reason: String)
    /// No passcode set on this phone: the lock cannot be offered.
    case unavailable
}

public protocol DeviceAuthenticator: AnyObject, Sendable {
    /// Shows the system prompt; `reason` is the localized sentence it displays.
    func authenticate(reason: String) async -> DeviceAuthResult
}

/// Where the vault lives, and the backup decision (see README, "Backups"): the vault directory is
/// excluded from device backups because its Keychain key is ThisDeviceOnly.
public protocol VaultStorage: Sendable {
    /// The vault file's path (created directories included).
    func vaultPath() throws -> String
    /// Marks the vault's directory excluded from iCloud / computer backups.
    func excludeFromBackups() throws
}

/// Small preferences (lock timeout, first-run done, last export). UserDefaults on iOS.
public protocol SettingsStore: AnyObject {
    func integer(_ key: String) -> Int?
    func set(_ value: Int?, for key: String)
    func string(_ key: String) -> String?
    func set(_ value: String?, for key: String)
}

/// An in-memory store, for previews and tests.
public final class MemorySettings: SettingsStore {
    private var ints: [String: Int] = [:]
    private var strings: [String: String] = [:]
    public init() {}
    public func integer(_ key: String) -> Int? { ints[key] }
    public func set(_ value: Int?, for key: String) { ints[key] = value }
    public func string(_ key: String) -> String? { strings[key] }
    public func set(_ value: String?, for key: String) { strings[key] = value }
}

/// Schedules the next background time sync (BGAppRefreshTask on iOS).
public protocol BackgroundScheduler: AnyObject {
    func scheduleRefresh(earliestIn seconds: TimeInterval)
}

/// A camera, or a test feeding frames: each frame's luma plane is handed to `handler` on the
/// source's own queue, and is only valid during the call (zero-copy from a CVPixelBuffer).
/// The handler returns true when scanning is done.
public protocol FrameSource: AnyObject {
    func start(_ handler: @escaping (LumaFrame) -> Bool)
    func stop()
}

/// The platform's own picture decoder, for a picture the core cannot open: a HEIC photo from
/// the camera, a GIF, a photo over the core's pixel cap (a 48 MP photo).
/// Returns the picture as a PNG or JPEG of at most `maxSide` pixels a side, or nil when the
/// platform cannot read it either. Called off the main actor.
public protocol PictureConverter: Sendable {
    func convert(_ picture: Data, maxSide: Int) -> Data?
}

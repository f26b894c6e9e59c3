// The app's handle on the vault: async wrappers that run the core's blocking calls (Argon2id in
// open / unlock / passphrase changes / encrypted import-export, SQLite with full sync, NTP with
// timeouts) on a background queue, never on the main actor or the Swift concurrency pool. This is
// the one place the bindings' blocking calls are wrapped; errors are KunciError, whose
// localizedDescription is the user sentence. Passphrases and passwords are bytes (`Data`, the
// UTF-8 of what the user typed), never `String`s: the core wipes its copy after use (issue 17).
import Foundation
import Kunci

public final class KunciVault: @unchecked Sendable { // only immutable, thread-safe state
    public let authenticator: Authenticator
    private let queue: DispatchQueue

    public init(_ authenticator: Authenticator) {
        self.authenticator = authenticator
        // Concurrent: the core serialises what must be serialised; reads need not wait for a sync.
        queue = DispatchQueue(label: "app.kunci.vault", qos: .userInitiated, attributes: .concurrent)
    }

    private static let openQueue = DispatchQueue(label: "app.kunci.open", qos: .userInitiated)

    private static func background<T>(_ queue: DispatchQueue, _ work: @escaping () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async { continuation.resume(with: Result { try work() }) }
        }
    }

    private func run<T>(_ work: @escaping (Authenticator) throws -> T) async throws -> T {
        let auth = authenticator
        return try await Self.background(queue) { try work(auth) }
    }

    // MARK: Opening

    /// Opens the vault at `setup.path` with the platform key, or creates it (platform key only)
    /// when missing. `VaultSetup(path:bootClock:)` takes the default time sources and options.
    public static func openOrCreate(setup: VaultSetup, keyWrapper: KeyWrapper) async throws -> KunciVault {
        try await background(openQueue) {
            let auth: Authenticator
            if FileManager.default.fileExists(atPath: setup.path) {
                auth = try Authenticator.openWithKeyWrapper(setup: setup, keyWrapper: keyWrapper)
            } else {
                auth = try Authenticator.create(setup: setup, keyWrapper: keyWrapper)
            }
            return KunciVault(auth)
        }
    }

    /// Opens the vault at `setup.path` with the passphrase (Argon2id, about a second).
    public static func open(setup: VaultSetup, passphrase: Data) async throws -> KunciVault {
        try await background(openQueue) {
            KunciVault(try Authenticator.openWithPassphrase(setup: setup, passphrase: passphrase))
        }
    }

    // MARK: Codes and time

    public func codes() async throws -> CodeList { try await run { try $0.codes() } }
    public func accounts() async throws -> [AccountInfo] { try await run { try $0.accounts() } }
    /// HOTP: hands out the code at the stored counter and saves the counter + 1.
    public func nextCode(id: Int64) async throws -> String { try await run { try $0.nextCode(id: id) } }
    public func timeNow() async throws -> TimeInfo { try await run { $0.timeNow() } }
    public func syncTime() async throws -> SyncResult { try await run { try $0.syncTime() } }
    public func syncTime(ntpServers: [String], quorum: UInt32) async throws -> SyncResult {
        try await run { try $0.syncTimeWith(ntpServers: ntpServers, quorum: quorum) }
    }

    /// Time facts for a helpdesk ticket (`json` holds them as one JSON object).
    public func diagnostics(timeZone: TimeZone = .current, at date: Date = Date()) async throws -> Diagnostics {
        try await run { $0.diagnostics(timeZone: timeZone.identifier, utcOffsetSeconds: Int32(timeZone.secondsFromGMT(for: date))) }
    }

    // MARK: Enrollment

    public func enroll(uri: String, onConflict: OnConflict = .reject) async throws -> EnrollReport {
        try await run { try $0.enrollUri(uri: uri, onConflict: onConflict) }
    }

    public func enroll(image: Data, onConflict: OnConflict = .reject) async throws -> EnrollReport {
        try await run { try $0.enrollImage(image: image, onConflict: onConflict) }
    }

    /// Blocking, on purpose: a camera frame is only valid while its buffer is locked, so call this
    /// on the capture output's queue inside `LumaFrame.withLumaPlane`.
    public func enrollNow(frame: LumaFrame, onConflict: OnConflict = .reject) throws -> EnrollReport {
        try authenticator.enrollFrame(width: frame.width, height: frame.height, rowStride: frame.rowStride,
                                      frame: frame.bytes, onConflict: onConflict)
    }

    // MARK: Editing, backups

    public func rename(id: Int64, issuer: String, name: String) async throws -> AccountInfo {
        try await run { try $0.rename(id: id, issuer: issuer, name: name) }
    }

    public func remove(id: Int64) async throws { try await run { try $0.remove(id: id) } }

    public func importFile(_ bytes: Data, format: ImportFormat? = nil, password: Data? = nil) async throws -> ImportReport {
        try await run { try $0.importFile(bytes: bytes, format: format, password: password) }
    }

    public func exportFile(format: ExportFormat, password: Data?) async throws -> Data {
        try await run { try $0.exportFile(format: format, password: password) }
    }

    /// One account's otpauth:// QR code as a PNG, for a per-account transfer screen that FreeOTP
    /// can scan. It holds the secret: show it, never save it.
    public func accountQrPng(id: Int64, modulePx: UInt32 = 6) async throws -> Data {
        try await run { try $0.accountQrPng(id: id, modulePx: modulePx) }
    }

    public func lock() { authenticator.lock() }

    /// Argon2id: about a second on a phone.
    public func unlock(passphrase: Data) async throws {
        try await run { try $0.unlockWithPassphrase(passphrase: passphrase) }
    }

    public func unlock(keyWrapper: KeyWrapper) async throws {
        try await run { try $0.unlockWithKeyWrapper(keyWrapper: keyWrapper) }
    }

    /// Adds a recovery passphrase beside the platform key (Argon2id).
    public func addPassphrase(_ passphrase: Data) async throws {
        try await run { try $0.addPassphrase(passphrase: passphrase) }
    }

    public func changePassphrase(old: Data, new: Data) async throws {
        try await run { try $0.changePassphrase(old: old, new: new) }
    }
}

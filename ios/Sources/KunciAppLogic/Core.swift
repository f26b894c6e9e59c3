// The one place the app logic calls the generated bindings. Every call runs on a background queue
// (Argon2id, SQLite with full sync, NTP with timeouts, QR decoding), never on the main actor or
// in Swift's cooperative pool, so a screen never freezes.
import Foundation
import Kunci
import KunciKit

public final class Core: @unchecked Sendable { // immutable; the Authenticator is thread-safe
    public let authenticator: Authenticator
    private let queue = DispatchQueue(label: "app.kunci.core", qos: .userInitiated, attributes: .concurrent)
    private static let openQueue = DispatchQueue(label: "app.kunci.core.open", qos: .userInitiated)

    public init(_ authenticator: Authenticator) { self.authenticator = authenticator }

    static func background<T>(_ queue: DispatchQueue, _ work: @escaping () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async { continuation.resume(with: Result { try work() }) }
        }
    }

    /// Runs `work` with the authenticator on the core's queue.
    public func run<T>(_ work: @escaping (Authenticator) throws -> T) async throws -> T {
        let auth = authenticator
        return try await Self.background(queue) { try work(auth) }
    }

    /// Everything a vault needs from the platform.
    public struct Platform: @unchecked Sendable { // foreign-trait objects are thread-safe
        public var keyWrapper: KeyWrapper
        public var bootClock: BootClock
        public var https: HttpsDate?
        public var options: AuthenticatorOptions

        public init(keyWrapper: KeyWrapper, bootClock: BootClock, https: HttpsDate? = nil,
                    options: AuthenticatorOptions = AuthenticatorOptions()) {
            self.keyWrapper = keyWrapper
            self.bootClock = bootClock
            self.https = https
            self.options = options
        }

        /// The vault at `path` with what this platform gives it.
        public func setup(_ path: String) -> VaultSetup {
            VaultSetup(path: path, bootClock: bootClock, https: https, options: options)
        }
    }

    /// A new vault with the recovery passphrase AND the device key (either opens it).
    public static func create(path: String, passphrase: String, platform: Platform) async throws -> Core {
        try await background(openQueue) {
            Core(try Authenticator.create(setup: platform.setup(path), passphrase: Data(passphrase.utf8),
                                          keyWrapper: platform.keyWrapper))
        }
    }

    public static func openWithDeviceKey(path: String, platform: Platform) async throws -> Core {
        try await background(openQueue) {
            Core(try Authenticator.openWithKeyWrapper(setup: platform.setup(path), keyWrapper: platform.keyWrapper))
        }
    }

    /// Opens with the recovery passphrase only (Face ID not possible at launch).
    public static func openWithPassphrase(path: String, passphrase: String, platform: Platform) async throws -> Core {
        try await background(openQueue) {
            Core(try Authenticator.openWithPassphrase(setup: platform.setup(path), passphrase: Data(passphrase.utf8)))
        }
    }

    /// Opens with the recovery passphrase and gives the vault a slot for this device's key, so
    /// the next start needs no passphrase (a restored or moved vault).
    public static func recover(path: String, passphrase: String, platform: Platform) async throws -> Core {
        try await background(openQueue) {
            let auth = try Authenticator.openWithPassphrase(setup: platform.setup(path), passphrase: Data(passphrase.utf8))
            try auth.addPlatformKey(keyWrapper: platform.keyWrapper)
            return Core(auth)
        }
    }
}

// Apple-only adapters for KunciAppLogic's protocols, each a few lines: Face ID / passcode
// (LocalAuthentication), the pasteboard with expiry, the vault directory excluded from backups,
// UserDefaults (settings, and the saved screen state, which holds no secret), the monotonic clock,
// BGAppRefreshTask scheduling, and ImageIO for pictures the core cannot open.
import BackgroundTasks
import Darwin
import Foundation
import ImageIO
import KunciAppLogic
import LocalAuthentication
import UIKit
import UniformTypeIdentifiers

final class LocalAuthenticator: DeviceAuthenticator, @unchecked Sendable {
    let deviceKey: KeychainDeviceKey
    init(deviceKey: KeychainDeviceKey) { self.deviceKey = deviceKey }

    func authenticate(reason: String) async -> DeviceAuthResult {
        let context = LAContext()
        var error: NSError?
        guard context.canEvaluatePolicy(.deviceOwnerAuthentication, error: &error) else { return .unavailable }
        do {
            _ = try await context.evaluatePolicy(.deviceOwnerAuthentication, localizedReason: reason)
            deviceKey.context = context // the Keychain read that follows reuses this prompt
            return .success
        } catch let e as LAError where [.userCancel, .appCancel, .systemCancel].contains(e.code) {
            return .cancelled
        } catch {
            return .failed(reason: error.localizedDescription)
        }
    }
}

final class SystemPasteboard: Pasteboard {
    func copy(_ text: String, expiresAt: Date) {
        UIPasteboard.general.setItems([[UTType.plainText.identifier: text]],
                                      options: [.expirationDate: expiresAt, .localOnly: true])
    }
}

/// Application Support/Vault, excluded from iCloud and computer backups (see README, "Backups").
struct AppleVaultStorage: VaultStorage {
    private func directory() throws -> URL {
        let base = try FileManager.default.url(for: .applicationSupportDirectory, in: .userDomainMask, appropriateFor: nil, create: true)
        let dir = base.appendingPathComponent("Vault", isDirectory: true)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true,
                                                attributes: [.protectionKey: FileProtectionType.completeUntilFirstUserAuthentication])
        return dir
    }

    func vaultPath() throws -> String { try directory().appendingPathComponent("vault.kunci").path }

    func excludeFromBackups() throws {
        var dir = try directory()
        var values = URLResourceValues()
        values.isExcludedFromBackup = true
        try dir.setResourceValues(values)
    }
}

/// Pictures the core cannot open (HEIC and HEIF photos from the camera, AVIF, GIF, TIFF, photos
/// over its pixel cap) through ImageIO: decoded straight to at most `maxSide` pixels a side
/// (the thumbnail path never holds the full-size picture), turned upright, re-encoded as a JPEG
/// in memory. Nothing is written to disk: the picture holds a secret.
struct ImageIOPictureConverter: PictureConverter {
    func convert(_ picture: Data, maxSide: Int) -> Data? {
        guard let source = CGImageSourceCreateWithData(picture as CFData, nil) else { return nil }
        let options: [CFString: Any] = [
            kCGImageSourceCreateThumbnailFromImageAlways: true,
            kCGImageSourceCreateThumbnailWithTransform: true,
            kCGImageSourceThumbnailMaxPixelSize: maxSide,
            kCGImageSourceShouldCacheImmediately: true,
        ]
        guard let image = CGImageSourceCreateThumbnailAtIndex(source, 0, options as CFDictionary) else { return nil }
        let out = NSMutableData()
        guard let destination = CGImageDestinationCreateWithData(out, UTType.jpeg.identifier as CFString, 1, nil) else {
            return nil
        }
        CGImageDestinationAddImage(destination, image, [kCGImageDestinationLossyCompressionQuality: 0.95] as CFDictionary)
        return CGImageDestinationFinalize(destination) ? out as Data : nil
    }
}

final class DefaultsSettings: SettingsStore {
    private let d = UserDefaults.standard
    func integer(_ key: String) -> Int? { d.object(forKey: key) as? Int }
    func set(_ value: Int?, for key: String) { d.set(value, forKey: key) }
    func string(_ key: String) -> String? { d.string(forKey: key) }
    func set(_ value: String?, for key: String) { d.set(value, forKey: key) }
}

/// The screen state AppModel saves when the app leaves the screen (route, filters, the manual
/// form without its secret: see KunciAppLogic/AppState.swift), under one key.
final class DefaultsStateStore: AppStateStore {
    private let key = "kunciScreenState"
    func load() -> Data? { UserDefaults.standard.data(forKey: key) }
    func save(_ data: Data?) { UserDefaults.standard.set(data, forKey: key) }
}

/// mach_continuous_time: keeps counting in sleep, never moved by setting the clock.
struct MachUptimeClock: MonotonicClock { // not Swift's ContinuousClock: that name is taken
    func seconds() -> TimeInterval {
        var info = mach_timebase_info_data_t()
        mach_timebase_info(&info)
        return Double(mach_continuous_time()) * Double(info.numer) / Double(max(info.denom, 1)) / 1e9
    }
}

final class RefreshScheduler: BackgroundScheduler {
    static let identifier = "app.kunci.time-sync" // also in Info.plist BGTaskSchedulerPermittedIdentifiers
    func scheduleRefresh(earliestIn seconds: TimeInterval) {
        let request = BGAppRefreshTaskRequest(identifier: Self.identifier)
        request.earliestBeginDate = Date(timeIntervalSinceNow: seconds)
        try? BGTaskScheduler.shared.submit(request) // refused in the simulator; the next launch retries
    }
}

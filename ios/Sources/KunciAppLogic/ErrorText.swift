// Core errors in the user's language: the sentence is chosen by the error's variant (the core's
// own `detail` is English), with the core's detail kept for a "technical details" line.
import Foundation
import Kunci
import KunciKit

public enum ErrorText {
    /// The strings key for an error: one per KunciError variant, one for anything else.
    public static func key(for error: Error) -> String {
        guard let e = error as? KunciError else { return "error.unexpected" }
        switch e {
        case .InvalidInput: return "error.invalidInput"
        case .NotAQrCode: return "error.notAQrCode"
        case .UnreadableImage: return "error.unreadableImage"
        case .DuplicateAccount: return "error.duplicateAccount"
        case .WrongPassphrase: return "error.wrongPassphrase"
        case .PasswordRequired: return "error.passwordRequired"
        case .WrongPassword: return "error.wrongPassword"
        case .VaultDamaged: return "error.vaultDamaged"
        case .TamperedAccount: return "error.tamperedAccount"
        case .NewerVault: return "error.newerVault"
        case .NotFound: return "error.notFound"
        case .VaultMissing: return "error.vaultMissing"
        case .VaultExists: return "error.vaultExists"
        case .Locked: return "error.locked"
        case .Busy: return "error.busy"
        case .KeyUnavailable: return "error.keyUnavailable"
        case .TimeSyncFailed: return "error.timeSyncFailed"
        case .UnsupportedFile: return "error.unsupportedFile"
        case .NotExportable: return "error.notExportable"
        case .Io: return "error.io"
        case .Internal: return "error.internal"
        case .ConfirmationRequired: return "error.confirmationRequired"
        case .Cancelled: return "error.cancelled"
        }
    }

    /// Every key `key(for:)` can return (the strings test checks each exists in both languages).
    public static let allKeys = [
        "error.invalidInput", "error.notAQrCode", "error.unreadableImage", "error.duplicateAccount",
        "error.wrongPassphrase", "error.passwordRequired", "error.wrongPassword", "error.vaultDamaged",
        "error.tamperedAccount", "error.newerVault", "error.notFound", "error.vaultMissing", "error.vaultExists",
        "error.locked", "error.busy", "error.keyUnavailable", "error.timeSyncFailed", "error.unsupportedFile",
        "error.notExportable", "error.io", "error.internal", "error.confirmationRequired", "error.cancelled",
        "error.unexpected",
    ]

    public static func message(_ error: Error, _ l: Localizer) -> String {
        l.text(key(for: error))
    }

    /// The core's own sentence (English, no secrets), for a details line and helpdesk tickets.
    public static func technical(_ error: Error) -> String {
        (error as? KunciError)?.detail ?? String(describing: type(of: error))
    }
}

/// What a screen shows for a failure: the localized sentence and the core's detail under it.
public struct Problem: Equatable, Sendable {
    public let message: String
    public let detail: String
    public let key: String

    public init(_ error: Error, _ l: Localizer) {
        key = ErrorText.key(for: error)
        message = ErrorText.message(error, l)
        detail = ErrorText.technical(error)
    }

    public init(key: String, _ l: Localizer, _ args: [String: String] = [:], detail: String = "") {
        self.key = key
        message = l.text(key, args)
        self.detail = detail
    }
}

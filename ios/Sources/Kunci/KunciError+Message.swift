// Part of the `Kunci` module, compiled beside the generated bindings (Kunci.swift): the user
// sentence of a KunciError as Swift expects it. The core's error is flat across the FFI, so every
// case carries the sentence as `message`; `localizedDescription` (through LocalizedError) and
// `description` are that sentence. uniffi.toml turns off the generated LocalizedError conformance,
// whose `errorDescription` is a debug dump.
import Foundation

extension KunciError: LocalizedError, CustomStringConvertible {
    /// The sentence to show the user (never contains secrets).
    public var message: String {
        switch self {
        case let .InvalidInput(message), let .NotAQrCode(message), let .UnreadableImage(message),
             let .DuplicateAccount(message), let .WrongPassphrase(message), let .PasswordRequired(message),
             let .WrongPassword(message), let .VaultDamaged(message), let .TamperedAccount(message),
             let .NewerVault(message), let .NotFound(message), let .VaultMissing(message),
             let .VaultExists(message), let .Locked(message), let .Busy(message),
             let .KeyUnavailable(message), let .TimeSyncFailed(message), let .UnsupportedFile(message),
             let .NotExportable(message), let .Io(message), let .Internal(message),
             let .ConfirmationRequired(message), let .Cancelled(message):
            return message
        }
    }

    public var errorDescription: String? { message }
    public var description: String { message }
}

extension PlatformError: LocalizedError {
    public var errorDescription: String? {
        switch self {
        case let .KeyUnavailable(reason), let .Failed(reason): return reason
        }
    }
}

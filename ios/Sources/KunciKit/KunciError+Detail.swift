// The sentence to show for any KunciError: every case carries it as `detail`.
import Foundation
import Kunci

extension KunciError {
    /// What the app shows the user (never contains secrets).
    public var detail: String {
        switch self {
        case let .InvalidInput(detail), let .NotAQrCode(detail), let .UnreadableImage(detail),
             let .WrongPassphrase(detail), let .PasswordRequired(detail), let .WrongPassword(detail),
             let .VaultDamaged(detail), let .VaultMissing(detail), let .VaultExists(detail),
             let .Locked(detail), let .Busy(detail), let .KeyUnavailable(detail),
             let .TimeSyncFailed(detail), let .UnsupportedFile(detail), let .NotExportable(detail),
             let .Io(detail), let .Internal(detail), let .ConfirmationRequired(detail), let .Cancelled(detail):
            return detail
        case let .DuplicateAccount(_, detail), let .TamperedAccount(_, detail), let .NotFound(_, detail):
            return detail
        case let .NewerVault(_, _, detail):
            return detail
        }
    }

    /// "Keep scanning": a camera frame without a readable code is the normal case, not an error.
    public var isNoCodeInFrame: Bool {
        if case .NotAQrCode = self { return true }
        return false
    }
}

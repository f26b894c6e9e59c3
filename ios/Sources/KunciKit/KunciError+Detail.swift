// KunciKit's additions to KunciError: the sentence is `message` / `localizedDescription` (in the
// Kunci module); `detail` stays as a name for it, and "no code in this frame" is a test here.
import Foundation
import Kunci

extension KunciError {
    /// The same as `message` and `localizedDescription`: what the app shows the user.
    public var detail: String { message }

    /// "Keep scanning": a camera frame without a readable code is the normal case, not an error.
    public var isNoCodeInFrame: Bool {
        if case .NotAQrCode = self { return true }
        return false
    }
}

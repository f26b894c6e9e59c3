// How long a copied code stays on the pasteboard. Pure, so it is tested on Linux; the app passes
// the result to UIPasteboard.setItems(_:options: [.expirationDate: ..., .localOnly: true]).
import Foundation
import Kunci

public struct CopyPolicy: Equatable, Sendable {
    /// Never longer than this, whatever the code.
    public var maximum: TimeInterval
    /// Never shorter than this: a code copied in its last second still needs to be pasted.
    public var minimum: TimeInterval
    /// Kept this long past the end of its step (servers accept the previous step too).
    public var grace: TimeInterval

    public init(maximum: TimeInterval = 60, minimum: TimeInterval = 10, grace: TimeInterval = 5) {
        self.maximum = maximum
        self.minimum = min(minimum, maximum)
        self.grace = grace
    }

    /// Seconds the copied code may stay: until its step ends (trusted time) plus the grace,
    /// within [minimum, maximum]; HOTP codes do not expire by time, so the maximum.
    public func lifetime(for code: CodeInfo, trustedNowMs: Int64) -> TimeInterval {
        guard let countdown = CodeTicker.countdown(for: code, nowMs: trustedNowMs) else { return maximum }
        let left = Double(countdown.remaining) * Double(code.period)
        return min(max(left + grace, minimum), maximum)
    }

    /// The pasteboard's expiry date. It is compared with the DEVICE clock, so it is the device's
    /// now plus the lifetime, never the trusted time (which may be minutes away from it).
    public func expirationDate(for code: CodeInfo, trustedNowMs: Int64, deviceNow: Date = Date()) -> Date {
        deviceNow.addingTimeInterval(lifetime(for: code, trustedNowMs: trustedNowMs))
    }
}

// Countdown arithmetic for the code list, pure so it is tested on Linux. The list asks the core
// for codes once per step; between calls the trusted time is carried on the monotonic uptime
// (never the wall clock, which is what is wrong on the phones Kunci is for).
import Foundation
import Kunci

/// The trusted time the core reported, pinned to the process's monotonic uptime.
public struct TrustedInstant: Equatable, Sendable {
    public let utcMs: Int64
    public let uptime: TimeInterval

    public init(utcMs: Int64, uptime: TimeInterval = ProcessInfo.processInfo.systemUptime) {
        self.utcMs = utcMs
        self.uptime = uptime
    }

    /// Trusted UTC at a later uptime (an earlier one is clamped: time never runs backwards here).
    public func utcMs(atUptime now: TimeInterval) -> Int64 {
        utcMs + Int64((max(0, now - uptime) * 1000).rounded(.down))
    }
}

/// What a row's countdown ring shows.
public struct Countdown: Equatable, Sendable {
    /// Whole seconds until the code changes, rounded up (30 ... 1).
    public let secondsLeft: Int
    /// Remaining fraction of the period, 1 at the start of a step down to 0 at its end.
    public let remaining: Double
}

public enum CodeTicker {
    /// nil for codes that do not expire (HOTP: `validUntil` is nil).
    public static func countdown(validUntil: Int64?, period: UInt32, nowMs: Int64) -> Countdown? {
        guard period > 0, let validUntil, validUntil >= 0, validUntil <= Int64.max / 1000 else { return nil }
        let untilMs = validUntil * 1000
        let periodMs = Int64(period) * 1000
        let leftMs = min(max(untilMs - nowMs, 0), periodMs)
        let seconds = Int((leftMs + 999) / 1000)
        return Countdown(secondsLeft: seconds, remaining: Double(leftMs) / Double(periodMs))
    }

    public static func countdown(for code: CodeInfo, nowMs: Int64) -> Countdown? {
        countdown(validUntil: code.validUntil, period: code.period, nowMs: nowMs)
    }

    /// When the list must ask the core again: the earliest end of a step after `nowMs`
    /// (nil when nothing expires, e.g. only HOTP accounts).
    public static func nextRefreshMs(for codes: [CodeInfo], nowMs: Int64) -> Int64? {
        codes.lazy
            .compactMap { $0.validUntil }
            .filter { $0 <= Int64.max / 1000 }
            .map { $0 * 1000 }
            .filter { $0 > nowMs }
            .min()
    }
}

// The banner above the code list: what the time status means for the user. Pure, tested on Linux.
import Foundation
import Kunci

public struct TimeBanner: Equatable, Sendable {
    public enum Level: Equatable, Sendable { case info, warning, error }

    public let level: Level
    public let text: String
    /// Offer the "Sync time" button.
    public let offersSync: Bool

    /// nil when there is nothing to say (synced, small offset). Offsets of more than
    /// `noticeOffsetMs` are mentioned even when synced: "your clock is off, codes are corrected"
    /// is the answer to "Invalid Authenticator Code".
    public static func make(time: TimeInfo, timeWarning: Bool, noticeOffsetMs: Int64 = 5_000) -> TimeBanner? {
        switch time.status {
        case .conflict:
            return TimeBanner(level: .error, text: "Time sources disagree. Codes may be wrong; sync again on another network.",
                              offersSync: true)
        case .unverified:
            return TimeBanner(level: .warning, text: "Time not verified. Codes use this phone's clock until you sync.",
                              offersSync: true)
        case .drifting:
            return TimeBanner(level: .warning, text: "Time uncertain by \(seconds(Int64(clamping: time.uncertaintyMs))). Sync to be sure.",
                              offersSync: true)
        case .synced:
            if timeWarning {
                return TimeBanner(level: .warning, text: "Time uncertain by \(seconds(Int64(clamping: time.uncertaintyMs))). Sync to be sure.",
                                  offersSync: true)
            }
            guard abs(time.offsetMs) > noticeOffsetMs else { return nil }
            let direction = time.offsetMs > 0 ? "behind" : "ahead"
            return TimeBanner(level: .info,
                              text: "This phone's clock is \(seconds(abs(time.offsetMs))) \(direction). Codes are corrected.",
                              offersSync: false)
        }
    }

    static func seconds(_ ms: Int64) -> String {
        let s = (ms + 500) / 1000
        if s < 120 { return "\(s) s" }
        if s < 7200 { return "\(s / 60) min" }
        return "\(s / 3600) h"
    }
}

// The time banner and the sync outcome in words. "Conflict" is the core's word for "the phone's
// clock was set back below a time already trusted" (codes then use that trusted lower bound), so
// the banner says exactly that, not "sources disagree".
import Foundation
import Kunci

public struct Banner: Equatable, Sendable {
    public enum Level: Equatable, Sendable { case info, warning, error }
    public let level: Level
    public let text: String
    public let offersSync: Bool
}

public enum TimeWords {
    /// Offsets below this are not worth a banner when time is synced.
    public static let noticeOffsetMs: Int64 = 5_000

    /// "behind" when the trusted time is ahead of the phone (offset = trusted − phone).
    static func clock(_ offsetMs: Int64, _ l: Localizer) -> String {
        l.text(offsetMs > 0 ? "time.clockBehind" : "time.clockAhead", ["amount": l.duration(ms: offsetMs)])
    }

    public static func banner(time: TimeInfo, timeWarning: Bool, _ l: Localizer) -> Banner? {
        switch time.status {
        case .conflict:
            return Banner(level: .error, text: l.text("time.banner.conflict"), offersSync: true)
        case .unverified:
            return Banner(level: .warning, text: l.text("time.banner.unverified"), offersSync: true)
        case .drifting:
            return Banner(level: .warning, text: l.text("time.banner.drifting", ["amount": l.duration(ms: Int64(clamping: time.uncertaintyMs))]),
                          offersSync: true)
        case .synced:
            if timeWarning {
                return Banner(level: .warning, text: l.text("time.banner.drifting", ["amount": l.duration(ms: Int64(clamping: time.uncertaintyMs))]),
                              offersSync: true)
            }
            guard abs(time.offsetMs) > noticeOffsetMs else { return nil }
            return Banner(level: .info, text: l.text("time.banner.corrected", ["clock": clock(time.offsetMs, l)]), offersSync: true)
        }
    }

    /// What "Sync now" did, in one sentence.
    public static func outcome(_ r: SyncResult, _ l: Localizer) -> String {
        switch r.status {
        case .synced:
            if abs(r.offsetMs) <= 1_000 { return l.text("sync.done.right", ["n": String(r.agreeing)]) }
            return l.text("sync.done.corrected", ["clock": clock(r.offsetMs, l), "n": String(r.agreeing)])
        case .quarantined:
            return l.text("sync.quarantined", ["amount": l.duration(ms: r.offsetMs)])
        case .noConsensus:
            return l.text("sync.noConsensus", ["agreeing": String(r.agreeing), "responded": String(r.responded)])
        }
    }

    public static func statusWord(_ s: TimeStatus, _ l: Localizer) -> String {
        switch s {
        case .synced: return l.text("time.status.synced")
        case .drifting: return l.text("time.status.drifting")
        case .unverified: return l.text("time.status.unverified")
        case .conflict: return l.text("time.status.conflict")
        }
    }
}

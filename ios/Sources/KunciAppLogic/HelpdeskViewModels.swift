// Helpdesk: the diagnostics text (clock error, last sync, sources, each account's parameters, never
// a secret) to copy or share, and guided help for "the portal says Invalid Authenticator Code".
import Foundation
import Kunci

@MainActor
public final class DiagnosticsViewModel: ViewModel {
    public private(set) var text = "" { willSet { willChange() } }
    public var problem: Problem? { willSet { willChange() } }

    private let core: Core
    private let l: Localizer
    private let appVersion: String

    public init(core: Core, localizer: Localizer, appVersion: String) {
        self.core = core
        l = localizer
        self.appVersion = appVersion
    }

    /// Builds the text in the user's language; the core's JSON stays below it for the helpdesk.
    public func load(timeZone: TimeZone) async {
        do {
            let offset = Int32(timeZone.secondsFromGMT())
            let (json, time, accounts) = try await core.run { auth in
                (auth.diagnostics(timeZone: timeZone.identifier, utcOffsetSeconds: offset).json, auth.timeNow(), try auth.accounts())
            }
            text = compose(json: json, time: time, accounts: accounts)
        } catch {
            problem = Problem(error, l)
        }
    }

    private func compose(json: String, time: TimeInfo, accounts: [AccountInfo]) -> String {
        let facts = (try? JSONSerialization.jsonObject(with: Data(json.utf8))) as? [String: Any] ?? [:]
        var lines = [
            l.text("diag.header"),
            l.text("diag.versions", ["app": appVersion, "core": kunciVersion()]),
            l.text("diag.status", ["status": TimeWords.statusWord(time.status, l)]),
        ]
        if abs(time.offsetMs) > 500 {
            lines.append(l.text("diag.offset", ["clock": TimeWords.clock(time.offsetMs, l)]))
        } else {
            lines.append(l.text("diag.offsetNone"))
        }
        lines.append(l.text("diag.uncertainty", ["amount": l.duration(ms: Int64(clamping: time.uncertaintyMs))]))
        lines.append(l.text("diag.lastSync", ["when": (facts["last_sync"] as? String) ?? l.text("diag.never")]))
        if let zone = facts["time_zone"] as? String { lines.append(l.text("diag.timeZone", ["zone": zone])) }
        let sources = (facts["sources"] as? [Any])?.count ?? 0
        lines.append(l.text("diag.sources", ["n": String(sources)]))
        lines.append(l.text("diag.accounts", ["n": String(accounts.count)]))
        for a in accounts {
            let kind = a.kind == .totp ? "TOTP \(a.period) s" : "HOTP #\(a.counter)"
            lines.append("- \(a.issuer.isEmpty ? "-" : a.issuer) / \(a.name): \(kind), \(a.algorithm), \(a.digits)")
        }
        lines.append("")
        lines.append(json)
        return lines.joined(separator: "\n")
    }
}

/// One account's "Invalid Authenticator Code" guide: steps in plain words, each with the action
/// it needs. Built from the core's time status and the account list.
@MainActor
public final class HelpViewModel: ViewModel {
    public enum Action: Equatable, Sendable {
        case syncNow
        /// Delete the older account with the same issuer and name (a token the portal replaced).
        case deleteOld(id: Int64)
        case copyTicket
        case none
    }

    public struct Step: Equatable, Sendable {
        public let text: String
        public let action: Action
        public let button: String?
    }

    public private(set) var steps: [Step] = [] { willSet { willChange() } }
    public var problem: Problem? { willSet { willChange() } }

    private let core: Core
    private let l: Localizer

    public init(core: Core, localizer: Localizer) {
        self.core = core
        l = localizer
    }

    /// Asks the core's doctor about the account and turns its findings into steps in the user's
    /// language, each with the button it needs.
    public func load(accountId: Int64) async {
        do {
            let (time, accounts, findings) = try await core.run { auth in
                (auth.timeNow(), try auth.accounts(), try auth.doctor(accountId: accountId))
            }
            guard let account = accounts.first(where: { $0.id == accountId }) else {
                throw KunciError.NotFound(message: "no such account")
            }
            steps = Self.steps(findings: findings, time: time, account: account, l)
        } catch {
            problem = Problem(error, l)
        }
    }

    /// The doctor's stable finding codes (core/src/doctor.rs) mapped to localized steps; the
    /// core's own sentence is English, so the words come from the strings files.
    static func steps(findings: [DoctorFinding], time: TimeInfo, account: AccountInfo, _ l: Localizer) -> [Step] {
        var steps: [Step] = []
        let codes = Set(findings.map(\.code))
        if !codes.isDisjoint(with: ["time_tampered", "time_unverified", "sync_no_quorum"]) {
            steps.append(Step(text: l.text("help.sync"), action: .syncNow, button: l.text("action.syncNow")))
        } else if codes.contains("phone_clock_off") || abs(time.offsetMs) > TimeWords.noticeOffsetMs {
            steps.append(Step(text: l.text("help.clockCorrected", ["clock": TimeWords.clock(time.offsetMs, l)]), action: .none, button: nil))
        }
        for finding in findings {
            switch finding.code {
            case "duplicate_account":
                // Only the newest entry is the one the portal accepts: offer to delete the others
                // from it, never the newest from an older one.
                guard let newest = fact(finding, "newest_id").flatMap({ Int64($0) }), newest == account.id else { continue }
                let ids = (fact(finding, "ids") ?? "").split(separator: ",").compactMap { Int64($0) }
                for old in ids where old != newest {
                    steps.append(Step(text: l.text("help.oldToken"), action: .deleteOld(id: old), button: l.text("action.deleteOld")))
                }
            case "unusual_parameters":
                steps.append(Step(text: l.text("help.unusual"), action: .none, button: nil))
            case "hotp_counter_ahead":
                steps.append(Step(text: l.text("help.hotpAhead"), action: .none, button: nil))
            case "portal_clock_off":
                steps.append(Step(text: l.text("help.portalClock"), action: .copyTicket, button: l.text("action.copyTicket")))
            default:
                break
            }
        }
        if account.kind == .hotp {
            steps.append(Step(text: l.text("help.hotp"), action: .none, button: nil))
        } else {
            steps.append(Step(text: l.text("help.typeFast"), action: .none, button: nil))
        }
        steps.append(Step(text: l.text("help.ticket"), action: .copyTicket, button: l.text("action.copyTicket")))
        return steps
    }

    private static func fact(_ finding: DoctorFinding, _ key: String) -> String? {
        finding.facts.first { $0.key == key }?.value
    }
}

/// The background refresh (BGAppRefreshTask on iOS): one sync, then the next one scheduled.
public enum BackgroundSync {
    /// How often the system is asked to wake the app for a sync.
    public static let interval: TimeInterval = 6 * 3600

    /// Returns whether the clock was synced; never throws (a background task has nobody to tell).
    public static func run(core: Core, scheduler: BackgroundScheduler, sources: TimeSources = TimeSources()) async -> Bool {
        scheduler.scheduleRefresh(earliestIn: interval)
        let result = try? await core.run { try sources.sync($0) }
        return result?.status == .synced
    }
}

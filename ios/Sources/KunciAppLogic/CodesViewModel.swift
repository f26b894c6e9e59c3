// The code list: codes at the core's trusted time with a countdown carried on the monotonic clock
// (never the wall clock), copy with pasteboard expiry, HOTP next, search, groups, rename, notes,
// reorder, delete with confirmation, the time banner and "sync now" with its outcome in words.
import Foundation
import Kunci
import KunciKit

@MainActor
public final class CodesViewModel: ViewModel {
    public struct Row: Equatable, Identifiable, Sendable {
        public let id: Int64
        public let title: String
        public let subtitle: String
        public let kind: OtpKind
        public let code: String
        /// The next step's code, shown in the last seconds of a step.
        public let next: String?
        public let countdown: Countdown?
        public let group: String?
        public let notes: String
    }

    public struct DeleteRequest: Equatable, Sendable {
        public let id: Int64
        public let title: String
        public let message: String
    }

    /// Seconds before the end of a step from which the next code is shown beside the current one.
    public static let showNextFromSeconds = 5

    public private(set) var rows: [Row] = [] { willSet { willChange() } }
    public private(set) var unreadable: [String] = [] { willSet { willChange() } }
    public private(set) var banner: Banner? { willSet { willChange() } }
    public private(set) var groups: [String] = [] { willSet { willChange() } }
    public private(set) var syncing = false { willSet { willChange() } }
    /// A transient sentence (sync outcome, "copied"); the view shows and clears it.
    public var notice: String? { willSet { willChange() } }
    public var problem: Problem? { willSet { willChange() } }
    public private(set) var pendingDelete: DeleteRequest? { willSet { willChange() } }
    public var searchText = "" { willSet { willChange() } }
    public var selectedGroup: String? { willSet { willChange() } }
    /// The codes HOTP "next" handed out, shown in their rows until the next refresh.
    public private(set) var handedOut: [Int64: String] = [:] { willSet { willChange() } }
    public private(set) var accounts: [AccountInfo] = []

    private let core: Core
    private let l: Localizer
    private let clock: MonotonicClock
    private let wall: WallClock
    private let pasteboard: Pasteboard
    private let copyPolicy: CopyPolicy
    /// The QA time sources as they are now (the settings screen may change them while open).
    private let timeSources: @MainActor () -> TimeSources
    private var list: CodeList?
    private var instant: (utcMs: Int64, at: TimeInterval)?
    private var matching: Set<Int64>?

    public init(core: Core, localizer: Localizer, clock: MonotonicClock, wall: WallClock, pasteboard: Pasteboard,
                copyPolicy: CopyPolicy = CopyPolicy(), timeSources: @escaping @MainActor () -> TimeSources = { TimeSources() }) {
        self.core = core
        l = localizer
        self.clock = clock
        self.wall = wall
        self.pasteboard = pasteboard
        self.copyPolicy = copyPolicy
        self.timeSources = timeSources
    }

    // MARK: Time

    /// Trusted now: the core's time at the last refresh plus the monotonic time since.
    public func trustedNowMs() -> Int64? {
        guard let instant else { return nil }
        return instant.utcMs + Int64((max(0, clock.seconds() - instant.at) * 1000).rounded(.down))
    }

    /// Asks the core for every code and rebuilds the rows.
    public func refresh() async {
        do {
            let (list, accounts) = try await core.run { auth in (try auth.codes(), try auth.accounts()) }
            self.list = list
            self.accounts = accounts
            instant = (list.time.utcMs, clock.seconds())
            handedOut = [:]
            banner = TimeWords.banner(time: list.time, timeWarning: list.timeWarning, l)
            unreadable = list.unreadable.map { l.text("codes.unreadable", ["detail": $0.detail]) }
            groups = Array(Set(accounts.compactMap(\.group))).sorted()
            if let g = selectedGroup, !groups.contains(g) { selectedGroup = nil }
            rebuild()
        } catch {
            problem = Problem(error, l)
        }
    }

    /// Called once a second by the view: moves the countdowns on, and asks the core again once a
    /// step has ended. Nothing here reads the wall clock.
    public func tick() async {
        guard let list, let now = trustedNowMs() else { return }
        if let due = CodeTicker.nextRefreshMs(for: list.codes, nowMs: list.time.utcMs), now >= due {
            await refresh()
        } else {
            rebuild()
        }
    }

    private func rebuild() {
        guard let list else { return }
        let now = trustedNowMs() ?? list.time.utcMs
        let byId = Dictionary(accounts.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        rows = list.codes.compactMap { c in
            let account = byId[c.accountId]
            if let g = selectedGroup, account?.group != g { return nil }
            if let matching, !matching.contains(c.accountId) { return nil }
            let countdown = CodeTicker.countdown(for: c, nowMs: now)
            let showNext = c.kind == .totp && (countdown?.secondsLeft ?? Int.max) <= Self.showNextFromSeconds
            return Row(id: c.accountId, title: c.issuer.isEmpty ? c.name : c.issuer, subtitle: c.issuer.isEmpty ? "" : c.name,
                       kind: c.kind, code: handedOut[c.accountId] ?? c.code, next: showNext ? c.next : nil,
                       countdown: countdown, group: account?.group, notes: account?.notes ?? "")
        }
    }

    // MARK: Search and groups

    /// Filters by the core's search (issuer, name, notes, group); empty text shows everything.
    public func search(_ text: String) async {
        searchText = text
        let query = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if query.isEmpty {
            matching = nil
        } else {
            do {
                matching = Set(try await core.run { try $0.search(query: query) }.map(\.id))
            } catch {
                problem = Problem(error, l)
            }
        }
        rebuild()
    }

    public func showGroup(_ group: String?) {
        selectedGroup = group
        rebuild()
    }

    // MARK: Copy and HOTP

    /// Copies a row's code; it leaves the pasteboard when its step ends (plus a grace).
    public func copy(id: Int64) {
        guard let code = list?.codes.first(where: { $0.accountId == id }) else { return }
        let now = trustedNowMs() ?? list?.time.utcMs ?? 0
        let text = handedOut[id] ?? code.code
        let lifetime = copyPolicy.lifetime(for: code, trustedNowMs: now)
        pasteboard.copy(text, expiresAt: wall.now().addingTimeInterval(lifetime))
        notice = l.text("codes.copied", ["seconds": String(Int(lifetime.rounded()))])
    }

    /// HOTP: the core saves the counter + 1 first, then hands out that code (copied too).
    public func next(id: Int64) async {
        do {
            let code = try await core.run { try $0.nextCode(id: id) }
            await refresh()
            handedOut[id] = code
            rebuild()
            copy(id: id)
        } catch {
            problem = Problem(error, l)
        }
    }

    // MARK: Editing

    public func rename(id: Int64, issuer: String, name: String) async {
        await edit { try $0.rename(id: id, issuer: issuer.trimmingCharacters(in: .whitespaces), name: name.trimmingCharacters(in: .whitespaces)) }
    }

    public func setNotes(id: Int64, notes: String) async {
        await edit { try $0.setNotes(id: id, notes: notes) }
    }

    /// nil or blank removes the account from its group.
    public func setGroup(id: Int64, group: String?) async {
        let g = group?.trimmingCharacters(in: .whitespaces)
        await edit { try $0.setGroup(id: id, group: (g?.isEmpty ?? true) ? nil : g) }
    }

    /// SwiftUI's onMove: rows at `from` go before index `to` of the shown list.
    public func move(from: IndexSet, to: Int) async {
        guard let first = from.first, from.count == 1, rows.indices.contains(first) else { return }
        let id = rows[first].id
        let target = to > first ? to - 1 : to
        // The shown list may be filtered: place it relative to the row it lands next to.
        let all = list?.codes.map(\.accountId) ?? []
        let anchorId = rows.indices.contains(target) ? rows[target].id : rows.last?.id
        let position = anchorId.flatMap { all.firstIndex(of: $0) } ?? target
        await edit { try $0.moveAccount(id: id, position: Int64(position)) }
    }

    private func edit<T>(_ work: @escaping (Authenticator) throws -> T) async {
        do {
            _ = try await core.run(work)
        } catch {
            problem = Problem(error, l)
        }
        await refresh()
    }

    /// Swipe-to-delete only asks; `confirmDelete` deletes.
    public func requestDelete(id: Int64) {
        guard let row = rows.first(where: { $0.id == id }) else { return }
        let label = row.subtitle.isEmpty ? row.title : "\(row.title) (\(row.subtitle))"
        pendingDelete = DeleteRequest(id: id, title: l.text("delete.title", ["account": label]), message: l.text("delete.message"))
    }

    public func cancelDelete() { pendingDelete = nil }

    public func confirmDelete() async {
        guard let request = pendingDelete else { return }
        await confirmDelete(request)
    }

    /// For a dialog that presents the request: SwiftUI may clear `pendingDelete` (dismissing the
    /// dialog) before the button's task runs, so the task carries the request itself.
    public func confirmDelete(_ request: DeleteRequest) async {
        pendingDelete = nil
        await edit { try $0.remove(id: request.id) }
    }

    // MARK: Sync

    /// "Sync now": the outcome in words, or why it failed.
    public func sync() async {
        guard !syncing else { return }
        syncing = true
        defer { syncing = false }
        do {
            let sources = timeSources()
            let result = try await core.run { try sources.sync($0) }
            notice = TimeWords.outcome(result, l)
        } catch {
            problem = Problem(error, l)
        }
        await refresh()
    }
}

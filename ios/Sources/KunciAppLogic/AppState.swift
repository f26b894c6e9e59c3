// What survives the app being killed in the background, as iOS state restoration or @SceneStorage
// would keep it: which screen was open, the search and group filter, and a half-filled manual
// form. Secrets never go in: the form's secret key is left out (the user types it again and is
// told why), and the transfer screen keeps only which accounts were chosen, never a QR picture.
// The store is a protocol (UserDefaults on iOS, memory in tests); the data is plain JSON.
import Foundation

/// The screen on top of the code list.
public enum Route: Codable, Equatable, Hashable, Sendable {
    case enroll
    /// The "can't scan?" form, opened from the enroll screen.
    case manualEntry
    case backup
    case diagnostics
    case settings
    case guide
    case transfer
    case edit(accountId: Int64)
    case help(accountId: Int64)

    /// The account the screen is about, if any (dropped when that account is gone).
    var accountId: Int64? {
        switch self {
        case let .edit(id), let .help(id): return id
        default: return nil
        }
    }
}

/// Where saved UI state lives between launches.
public protocol AppStateStore: AnyObject {
    func load() -> Data?
    func save(_ data: Data?)
}

public final class MemoryStateStore: AppStateStore {
    public private(set) var data: Data?
    public init(_ data: Data? = nil) { self.data = data }
    public func load() -> Data? { data }
    public func save(_ data: Data?) { self.data = data }
}

/// The manual form without its secret.
public struct SavedForm: Codable, Equatable, Sendable {
    public var issuer: String
    public var account: String
    public var kind: String
    public var algorithm: String
    public var digits: String
    public var period: String
    public var counter: String
    /// A secret had been typed: the restored form says it must be typed again.
    public var hadSecret: Bool

    init(_ form: ManualEntry) {
        issuer = form.issuer
        account = form.account
        kind = form.kind.rawValue
        algorithm = form.algorithm.rawValue
        digits = form.digits
        period = form.period
        counter = form.counter
        hadSecret = !form.secret.isEmpty
    }

    var form: ManualEntry {
        var f = ManualEntry()
        f.issuer = issuer
        f.account = account
        f.kind = ManualEntry.Kind(rawValue: kind) ?? .totp
        f.algorithm = ManualEntry.Algorithm(rawValue: algorithm) ?? .sha1
        f.digits = digits
        f.period = period
        f.counter = counter
        return f
    }
}

public struct SavedState: Codable, Equatable, Sendable {
    public static let currentVersion = 1
    public var version = SavedState.currentVersion
    public var route: Route?
    public var search = ""
    public var group: String?
    public var form: SavedForm?
    /// The accounts chosen on the transfer screen (their QR pictures are made again, after the
    /// warning, never restored).
    public var transferIds: [Int64] = []

    public init() {}

    func encoded() -> Data? { try? JSONEncoder().encode(self) }

    /// Unreadable or from another version: nothing is restored (never a crash).
    static func decode(_ data: Data?) -> SavedState? {
        guard let data, let state = try? JSONDecoder().decode(SavedState.self, from: data),
              state.version == currentVersion else { return nil }
        return state
    }
}

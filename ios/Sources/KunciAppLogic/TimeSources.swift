// QA's time sources: NTP servers (host or host:port), HTTPS URLs whose Date header counts, and the
// quorum of agreeing sources. Set on the settings screen or with launch arguments
// (`-KunciNtpServer 192.168.1.5:1123`, `-KunciHttpsUrls https://…`, `-KunciQuorum 1`), kept in the
// settings store across launches; empty means the core's built-in sources. Each value is checked
// here first, so a typo is refused in words instead of becoming a sync that fails later.
import Foundation
import Kunci

public struct TimeSources: Equatable, Sendable {
    public enum Field: String, Hashable, Sendable, CaseIterable { case ntp, https, quorum }

    public var ntpServers: [String] = []
    public var httpsUrls: [String] = []
    /// nil: the core's default quorum.
    public var quorum: Int?

    public init(ntpServers: [String] = [], httpsUrls: [String] = [], quorum: Int? = nil) {
        self.ntpServers = ntpServers
        self.httpsUrls = httpsUrls
        self.quorum = quorum
    }

    /// Nothing set: the core's own sources.
    public var isDefault: Bool { ntpServers.isEmpty && httpsUrls.isEmpty && quorum == nil }

    public static let maximumQuorum = 16
    static let ntpKey = "timeSources.ntp"
    static let httpsKey = "timeSources.https"
    static let quorumKey = "timeSources.quorum"

    // MARK: Store

    public static func load(_ store: SettingsStore) -> TimeSources {
        TimeSources(ntpServers: split(store.string(ntpKey) ?? ""), httpsUrls: split(store.string(httpsKey) ?? ""),
                    quorum: store.integer(quorumKey))
    }

    public func save(_ store: SettingsStore) {
        store.set(ntpServers.isEmpty ? nil : ntpServers.joined(separator: " "), for: Self.ntpKey)
        store.set(httpsUrls.isEmpty ? nil : httpsUrls.joined(separator: " "), for: Self.httpsKey)
        store.set(quorum, for: Self.quorumKey)
    }

    // MARK: Checking what was typed

    /// Lists may be separated by spaces, commas or new lines.
    static func split(_ text: String) -> [String] {
        text.split(whereSeparator: { $0 == " " || $0 == "," || $0 == "\n" || $0 == "\t" }).map(String.init)
    }

    /// The three fields as typed; either the sources or a sentence per wrong field.
    public static func parse(ntp: String, https: String, quorum: String, _ l: Localizer) -> Result<TimeSources, FieldErrors> {
        var errors: [Field: String] = [:]
        let servers = split(ntp)
        if let bad = servers.first(where: { !isNtpServer($0) }) {
            errors[.ntp] = l.text("qa.error.ntp", ["value": bad])
        }
        let urls = split(https)
        if let bad = urls.first(where: { !isHttpsUrl($0) }) {
            errors[.https] = l.text("qa.error.https", ["value": bad])
        }
        var q: Int?
        let typed = quorum.trimmingCharacters(in: .whitespacesAndNewlines)
        if !typed.isEmpty {
            if let n = Int(typed), (1...maximumQuorum).contains(n) {
                q = n
            } else {
                errors[.quorum] = l.text("qa.error.quorum", ["max": String(maximumQuorum)])
            }
        }
        guard errors.isEmpty else { return .failure(FieldErrors(errors: errors)) }
        return .success(TimeSources(ntpServers: servers, httpsUrls: urls, quorum: q))
    }

    public struct FieldErrors: Error, Equatable, Sendable {
        public let errors: [Field: String]
    }

    /// host, host:port, [v6] or [v6]:port; a host name of letters, digits, dots and dashes.
    static func isNtpServer(_ s: String) -> Bool {
        var host = Substring(s)
        var port: Substring?
        if s.hasPrefix("[") {
            guard let close = s.firstIndex(of: "]") else { return false }
            host = s[s.index(after: s.startIndex)..<close]
            let rest = s[s.index(after: close)...]
            if !rest.isEmpty {
                guard rest.hasPrefix(":") else { return false }
                port = rest.dropFirst()
            }
            guard !host.isEmpty, host.allSatisfy({ $0.isHexDigit || $0 == ":" || $0 == "." }) else { return false }
        } else {
            let parts = s.split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count <= 2 else { return false }
            host = parts[0]
            port = parts.count == 2 ? parts[1] : nil
            let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-")
            guard !host.isEmpty, host.count <= 253, host.allSatisfy({ allowed.contains($0) }),
                  !host.hasPrefix("-"), !host.hasPrefix("."), !host.hasSuffix("-") else { return false }
        }
        if let port {
            guard let p = Int(port), (1...65535).contains(p) else { return false }
        }
        return true
    }

    static func isHttpsUrl(_ s: String) -> Bool {
        guard let url = URL(string: s), url.scheme?.lowercased() == "https", let host = url.host, !host.isEmpty else {
            return false
        }
        return true
    }

    // MARK: Launch arguments

    /// `-KunciNtpServer`, `-KunciHttpsUrls`, `-KunciQuorum` (iOS puts launch arguments in
    /// UserDefaults' argument domain; a test passes the dictionary). nil when none is given.
    public static let launchKeys = (ntp: "KunciNtpServer", https: "KunciHttpsUrls", quorum: "KunciQuorum")

    public static func launchValues(_ arguments: [String: String]) -> (ntp: String, https: String, quorum: String)? {
        let ntp = arguments[launchKeys.ntp], https = arguments[launchKeys.https], quorum = arguments[launchKeys.quorum]
        if ntp == nil && https == nil && quorum == nil { return nil }
        return (ntp ?? "", https ?? "", quorum ?? "")
    }

    // MARK: Use

    /// The options a vault is opened with: these sources over the app's own.
    public func options(over base: AuthenticatorOptions) -> AuthenticatorOptions {
        var o = base
        if !ntpServers.isEmpty { o.ntpServers = ntpServers }
        if !httpsUrls.isEmpty { o.httpsUrls = httpsUrls }
        if let quorum { o.quorum = UInt32(quorum) }
        return o
    }

    /// "Sync now" with these sources: NTP servers set here replace the configured ones at once;
    /// the quorum defaults to the number of servers given (at most 3).
    func sync(_ auth: Authenticator) throws -> SyncResult {
        guard !ntpServers.isEmpty else { return try auth.syncTime() }
        let q = quorum ?? min(ntpServers.count, 3)
        return try auth.syncTimeWith(ntpServers: ntpServers, quorum: UInt32(q))
    }
}

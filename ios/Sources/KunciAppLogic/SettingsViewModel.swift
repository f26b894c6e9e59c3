// Settings: when the app locks after leaving it, changing the recovery passphrase (the old one is
// needed: someone holding an unlocked phone must not be able to replace it), and QA's time
// sources (NTP host:port, HTTPS URLs, quorum), checked field by field and kept across launches.
import Foundation
import Kunci

@MainActor
public final class SettingsViewModel: ViewModel {
    public struct LockChoice: Equatable, Sendable {
        public let seconds: Int
        public let label: String
    }

    public private(set) var passphraseChanged = false { willSet { willChange() } }
    public var problem: Problem? { willSet { willChange() } }
    public private(set) var working = false { willSet { willChange() } }

    /// QA time sources as typed (space- or comma-separated lists; empty: the built-in ones).
    public var qaNtp: String { willSet { willChange() } }
    public var qaHttps: String { willSet { willChange() } }
    public var qaQuorum: String { willSet { willChange() } }
    public private(set) var qaErrors: [TimeSources.Field: String] = [:] { willSet { willChange() } }
    /// "Saved…" after the time sources were kept.
    public private(set) var qaNotice: String? { willSet { willChange() } }

    private let app: AppModel
    private let l: Localizer

    public init(app: AppModel) {
        self.app = app
        l = app.l
        let sources = app.timeSources
        qaNtp = sources.ntpServers.joined(separator: " ")
        qaHttps = sources.httpsUrls.joined(separator: " ")
        qaQuorum = sources.quorum.map(String.init) ?? ""
    }

    /// The quorum the open vault syncs with (the field is empty while it is the default).
    public var quorumInUse: String {
        let n = app.sourcesAtOpen.quorum ?? Int(app.deps.platform.options.quorum)
        return l.text("qa.quorumInUse", ["n": String(n)])
    }

    /// Keeps the typed time sources, or shows what is wrong with each field (nothing is kept
    /// then).
    public func saveTimeSources() {
        qaNotice = nil
        switch TimeSources.parse(ntp: qaNtp, https: qaHttps, quorum: qaQuorum, l) {
        case let .success(sources):
            qaErrors = [:]
            app.setTimeSources(sources)
            var notice = l.text(sources.isDefault ? "qa.savedDefault" : "qa.saved")
            if app.needsRestart(for: sources) { notice += " " + l.text("qa.savedNextStart") }
            qaNotice = notice
        case let .failure(failure):
            qaErrors = failure.errors
        }
    }

    /// Back to the built-in time sources.
    public func resetTimeSources() {
        qaNtp = ""
        qaHttps = ""
        qaQuorum = ""
        saveTimeSources()
    }

    public var lockChoices: [LockChoice] {
        [LockChoice(seconds: 0, label: l["lock.after.immediately"]), LockChoice(seconds: 60, label: l["lock.after.minute"]),
         LockChoice(seconds: 300, label: l["lock.after.fiveMinutes"]), LockChoice(seconds: -1, label: l["lock.after.never"])]
    }

    public var lockAfter: Int {
        get { app.lockAfterSeconds }
        set { willChange(); app.lockAfterSeconds = newValue }
    }

    public func changePassphrase(old: String, new: String, confirm: String) async {
        passphraseChanged = false
        if let message = app.passphraseProblem(new, confirm: confirm) {
            problem = Problem(key: "setup.error", l, ["text": message])
            return
        }
        guard let core = app.core else { return }
        working = true
        defer { working = false }
        do {
            // The core re-keys the vault and rewraps this device's slot (the test checks the
            // device key still opens it afterwards).
            try await core.run { try $0.changePassphrase(old: Data(old.utf8), new: Data(new.utf8)) }
            problem = nil
            passphraseChanged = true
        } catch {
            problem = Problem(error, l)
        }
    }
}

// Settings: when the app locks after leaving it, and changing the recovery passphrase (the old
// one is needed: someone holding an unlocked phone must not be able to replace it).
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

    private let app: AppModel
    private let l: Localizer

    public init(app: AppModel) {
        self.app = app
        l = app.l
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
            try await core.run { try $0.changePassphrase(old: old, new: new) }
            problem = nil
            passphraseChanged = true
        } catch {
            problem = Problem(error, l)
        }
    }
}

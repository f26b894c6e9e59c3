// The first enrollment, for people not at ease with phones: what to open on the portal, scan,
// then the new code large with its countdown and "type this code on the portal now".
import Foundation
import Kunci

@MainActor
public final class GuidedEnrollment: ViewModel {
    public enum Step: Equatable, Sendable {
        case intro
        case scan
        /// The code of the account just added, large, with the instruction.
        case typeCode(accountId: Int64)
        case done
    }

    public private(set) var step = Step.intro { willSet { willChange() } }
    private let l: Localizer

    public init(localizer: Localizer) { l = localizer }

    public var title: String {
        switch step {
        case .intro: return l.text("guide.intro.title")
        case .scan: return l.text("guide.scan.title")
        case .typeCode: return l.text("guide.type.title")
        case .done: return l.text("guide.done.title")
        }
    }

    public var body: String {
        switch step {
        case .intro: return l.text("guide.intro.body")
        case .scan: return l.text("guide.scan.body")
        case .typeCode: return l.text("guide.type.body")
        case .done: return l.text("guide.done.body")
        }
    }

    public func begin() { step = .scan }

    /// The enroll screen added accounts: show the first one's code.
    public func enrolled(_ added: [AccountInfo]) {
        guard step == .scan, let first = added.first else { return }
        step = .typeCode(accountId: first.id)
    }

    /// "The portal accepted it."
    public func accepted() { step = .done }

    /// "The portal says Invalid Authenticator Code": back to the list's guided help.
    public func rejected() -> Int64? {
        if case let .typeCode(id) = step { return id }
        return nil
    }
}

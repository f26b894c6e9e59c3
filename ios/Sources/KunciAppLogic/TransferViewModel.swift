// Moving accounts to an app that only scans (FreeOTP, as our users' guide says): the user picks
// accounts, reads a warning, then steps through one otpauth:// QR picture per account, made by
// the core as PNG bytes. The pictures hold secrets, so they are hidden while the screen is
// recorded, mirrored or the app is not active (iOS has no FLAG_SECURE; the view also covers them
// in the app switcher), a screenshot is answered with a warning, and "Done", leaving, or the app
// locking clears them from memory.
import Foundation
import Kunci

/// One account's otpauth:// QR code as PNG bytes, made by the core.
public protocol AccountQrSource: Sendable {
    func qrPng(accountId: Int64) throws -> Data
}

/// The core draws the account's otpauth:// QR code itself (issue 17 finding 8): the secret
/// never crosses into Swift, only the PNG's pixels do.
public struct CoreQrSource: AccountQrSource {
    public static let modulePx: UInt32 = 8
    private let core: Core
    public init(core: Core) { self.core = core }

    public func qrPng(accountId: Int64) throws -> Data {
        try core.authenticator.accountQrPng(id: accountId, modulePx: Self.modulePx)
    }
}

@MainActor
public final class TransferViewModel: ViewModel {
    public struct Choice: Equatable, Identifiable, Sendable {
        public let id: Int64
        public let label: String
        public var chosen: Bool
    }

    public enum Step: Equatable, Sendable {
        case choosing
        /// The warning before any secret is shown.
        case warning
        /// Picture `index` (0-based) of `total`.
        case showing(index: Int, total: Int)
        /// Done: every picture was dropped.
        case finished
    }

    public private(set) var choices: [Choice] = [] { willSet { willChange() } }
    public private(set) var step = Step.choosing { willSet { willChange() } }
    /// "GitHub (jo) · 2 of 3" for the picture on screen.
    public private(set) var caption = "" { willSet { willChange() } }
    /// After a screenshot: the picture is in Photos now; say what to do.
    public var notice: String? { willSet { willChange() } }
    public var problem: Problem? { willSet { willChange() } }
    /// The screen is recorded or mirrored (UIScreen.isCaptured).
    public private(set) var captured = false { willSet { willChange() } }
    /// The app is not the active one (app switcher, control centre).
    public private(set) var inactive = false { willSet { willChange() } }
    public private(set) var busy = false { willSet { willChange() } }
    /// Called when the chosen accounts change (the app saves them, never the pictures).
    public var onSelectionChanged: (() -> Void)?

    private var png: Data? { willSet { willChange() } }
    private let core: Core
    private let source: AccountQrSource
    private let l: Localizer

    public init(core: Core, source: AccountQrSource, localizer: Localizer) {
        self.core = core
        self.source = source
        l = localizer
    }

    public var warning: String { l.text("transfer.warning") }
    /// Pictures are hidden while anything but the user's own eyes may see them.
    public var covered: Bool { captured || inactive }
    public var coverText: String { l.text(captured ? "transfer.coveredCapture" : "transfer.covered") }
    /// The picture to draw, nil while covered or between pictures.
    public var visibleImage: Data? { covered ? nil : png }
    /// Whether a secret picture is held in memory at all (tests check "Done" drops it).
    public var holdsImage: Bool { png != nil }
    public var selectedIds: [Int64] { choices.filter(\.chosen).map(\.id) }

    // MARK: Choosing

    /// The vault's accounts, none chosen (or `chosen` restored).
    public func load(chosen: [Int64] = []) async {
        do {
            let accounts = try await core.run { try $0.accounts() }
            let keep = Set(chosen)
            choices = accounts.map { a in
                Choice(id: a.id, label: a.issuer.isEmpty ? a.name : (a.name.isEmpty ? a.issuer : "\(a.issuer) (\(a.name))"),
                       chosen: keep.contains(a.id))
            }
        } catch {
            problem = Problem(error, l)
        }
    }

    public func toggle(_ id: Int64) {
        guard let i = choices.firstIndex(where: { $0.id == id }) else { return }
        choices[i].chosen.toggle()
        onSelectionChanged?()
    }

    public func chooseAll(_ on: Bool) {
        for i in choices.indices { choices[i].chosen = on }
        onSelectionChanged?()
    }

    /// Next: the warning (at least one account must be chosen).
    public func proceed() {
        guard !selectedIds.isEmpty else {
            problem = Problem(key: "transfer.noneChosen", l)
            return
        }
        problem = nil
        step = .warning
    }

    // MARK: Showing

    /// The user read the warning: the first picture.
    public func accept() async {
        guard step == .warning else { return }
        await show(0)
    }

    public func next() async {
        guard case let .showing(index, total) = step else { return }
        if index + 1 < total { await show(index + 1) } else { done() }
    }

    public func previous() async {
        guard case let .showing(index, _) = step, index > 0 else { return }
        await show(index - 1)
    }

    private func show(_ index: Int) async {
        let ids = selectedIds
        guard ids.indices.contains(index) else { return }
        let id = ids[index]
        png = nil
        busy = true
        defer { busy = false }
        do {
            let source = source
            png = try await Core.background(.global(qos: .userInitiated)) { try source.qrPng(accountId: id) }
            let label = choices.first { $0.id == id }?.label ?? ""
            caption = l.text("transfer.caption", ["account": label, "index": String(index + 1), "total": String(ids.count)])
            step = .showing(index: index, total: ids.count)
        } catch {
            problem = Problem(error, l)
        }
    }

    /// "Done", or leaving the screen, or the app locking: every picture is dropped.
    public func done() {
        png = nil
        caption = ""
        if step != .choosing { step = .finished }
    }

    // MARK: Privacy

    public func setCaptured(_ on: Bool) { captured = on }
    public func setInactive(_ on: Bool) { inactive = on }

    /// iOS tells the app after a screenshot was taken (it cannot be prevented).
    public func screenshotTaken() {
        guard case .showing = step else { return }
        notice = l.text("transfer.screenshot")
    }
}

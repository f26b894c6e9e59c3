// AppModel's navigation and what outlives the process: the screen on top (a route), saving and
// restoring it with the search, group and half-filled manual form (never a secret: see
// AppState.swift), the QA time sources kept in the settings store, and the transfer screen.
import Foundation
import Kunci

extension AppModel {
    // MARK: QA time sources

    /// The stored QA time sources (empty: the core's own).
    public var timeSources: TimeSources { TimeSources.load(deps.settings) }

    /// Keeps new QA time sources. NTP servers are used from the next sync on; HTTPS URLs (and a
    /// quorum without NTP servers) when the vault is next opened, since the core takes them then.
    public func setTimeSources(_ sources: TimeSources) {
        willChange()
        sources.save(deps.settings)
    }

    /// Whether `sources` differ from the open vault's in a part that waits for the next start:
    /// NTP servers given here (with their quorum) are used by every sync at once; without them
    /// the sync takes the servers and quorum the vault was opened with, and HTTPS URLs always.
    public func needsRestart(for sources: TimeSources) -> Bool {
        let open = sourcesAtOpen
        if sources.httpsUrls != open.httpsUrls { return true }
        return sources.ntpServers.isEmpty && (!open.ntpServers.isEmpty || sources.quorum != open.quorum)
    }

    /// `-KunciNtpServer` and friends: checked like the settings screen's fields, then kept.
    func applyLaunchTimeSources() {
        guard let values = TimeSources.launchValues(deps.launchArguments) else { return }
        switch TimeSources.parse(ntp: values.ntp, https: values.https, quorum: values.quorum, l) {
        case let .success(sources):
            sources.save(deps.settings)
        case let .failure(failure):
            let reasons = TimeSources.Field.allCases.compactMap { failure.errors[$0] }.joined(separator: " ")
            launchRefusal = Problem(key: "qa.launchRefused", l, ["reasons": reasons])
            problem = launchRefusal
        }
    }

    // MARK: Saved screen state

    /// Writes where the user is (called when the route changes and when the app leaves the
    /// screen, the last moment before iOS may kill it). Nothing is saved before the vault opened.
    public func saveState() {
        guard let store = deps.stateStore, let codes, let enroll else { return }
        var state = SavedState()
        state.route = route
        state.search = codes.searchText
        state.group = codes.selectedGroup
        if enroll.form != ManualEntry() { state.form = SavedForm(enroll.form) }
        if route == .transfer { state.transferIds = transfer?.selectedIds ?? [] }
        store.save(state.encoded())
    }

    /// After the vault opened and the list was read: back to where the user was. A screen about
    /// an account that is gone is not reopened.
    func restore(_ saved: SavedState) async {
        guard let codes, let enroll else { return }
        if let group = saved.group, codes.groups.contains(group) { codes.showGroup(group) }
        if !saved.search.isEmpty { await codes.search(saved.search) }
        if let form = saved.form { enroll.restore(form) }
        var route = saved.route
        if let id = route?.accountId, !codes.accounts.contains(where: { $0.id == id }) { route = nil }
        if route == .transfer, let vm = openTransfer() {
            // The choice comes back; the pictures only after the warning again.
            await vm.load(chosen: saved.transferIds)
            if !vm.selectedIds.isEmpty { vm.proceed() }
        }
        self.route = route
    }

    func routeChanged(from old: Route?) {
        screenCache = nil
        if old == .transfer, route != .transfer {
            transfer?.done()
            transfer = nil
        }
        if route == .transfer, transfer == nil { openTransfer() }
        saveState()
    }

    // MARK: Transfer

    /// The transfer screen's model (made when the route goes to `.transfer`).
    @discardableResult
    func openTransfer() -> TransferViewModel? {
        guard let core else { return nil }
        let source = deps.qrSource?(core) ?? CoreQrSource(core: core)
        let vm = TransferViewModel(core: core, source: source, localizer: l)
        vm.onSelectionChanged = { [weak self] in self?.saveState() }
        transfer = vm
        return vm
    }
}

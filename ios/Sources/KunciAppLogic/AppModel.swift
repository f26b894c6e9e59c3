// The app's top-level state machine: first run (recovery passphrase), a vault that came from
// elsewhere and needs its passphrase, locked, or open; the app lock with the device's Face ID /
// passcode; lock after time in the background; the privacy cover in the app switcher.
//
// Backups: the vault's directory is excluded from device backups, because the Keychain key that
// opens it is ThisDeviceOnly and would not come along. Every vault has a recovery passphrase slot
// from the first run, and the app asks for an encrypted export once accounts exist. See README.
import Foundation
import Kunci
import KunciKit

@MainActor
public final class AppModel: ViewModel {
    public enum Screen: Equatable, Sendable {
        case starting
        /// No vault yet: choose the recovery passphrase.
        case firstRun
        /// A vault exists but this device's key cannot open it (restored or moved): the passphrase.
        case recover
        case locked
        case ready
        /// Cannot go on (newer vault, damaged file); the sentence says what to do.
        case failed(Problem)
    }

    /// Set once at init and never mutated; the adapters are called from the main actor or are
    /// thread-safe themselves (Keychain, clocks).
    public struct Dependencies: @unchecked Sendable {
        public var storage: VaultStorage
        public var platform: Core.Platform
        public var deviceAuth: DeviceAuthenticator
        public var clock: MonotonicClock
        public var wall: WallClock
        public var pasteboard: Pasteboard
        public var settings: SettingsStore
        public var localizer: Localizer
        /// QA launch arguments (`-KunciNtpServer`, `-KunciHttpsUrls`, `-KunciQuorum`): applied to the
        /// stored time sources at start, so they are kept across launches like the settings screen's.
        public var launchArguments: [String: String]
        public var scheduler: BackgroundScheduler?
        /// Where the screen state is kept while the app may be killed (nil: not kept).
        public var stateStore: AppStateStore?
        /// Makes the transfer screen's QR pictures (default: the core's).
        public var qrSource: (@Sendable (Core) -> AccountQrSource)?
        /// Opens the pictures the core cannot (HEIC, very large photos); nil: none.
        public var pictures: PictureConverter?

        /// `syncServers`: the `-KunciNtpServer` launch argument as a list (tests).
        public init(storage: VaultStorage, platform: Core.Platform, deviceAuth: DeviceAuthenticator, clock: MonotonicClock,
                    wall: WallClock, pasteboard: Pasteboard, settings: SettingsStore, localizer: Localizer,
                    syncServers: [String]? = nil, scheduler: BackgroundScheduler? = nil,
                    launchArguments: [String: String] = [:], stateStore: AppStateStore? = nil,
                    qrSource: (@Sendable (Core) -> AccountQrSource)? = nil, pictures: PictureConverter? = nil) {
            self.storage = storage
            self.platform = platform
            self.deviceAuth = deviceAuth
            self.clock = clock
            self.wall = wall
            self.pasteboard = pasteboard
            self.settings = settings
            self.localizer = localizer
            var arguments = launchArguments
            if let syncServers { arguments[TimeSources.launchKeys.ntp] = syncServers.joined(separator: " ") }
            self.launchArguments = arguments
            self.scheduler = scheduler
            self.stateStore = stateStore
            self.qrSource = qrSource
            self.pictures = pictures
        }
    }

    public static let minimumPassphraseLength = 10
    /// Default seconds in the background before the app locks (0: at once; -1: never).
    public static let defaultLockAfter = 60
    static let lockAfterKey = "lock.afterSeconds"
    static let lastExportKey = "backup.lastExportAccounts"

    public private(set) var screen = Screen.starting { willSet { willChange() } }
    /// The app switcher's snapshot must not show codes.
    public private(set) var privacyCover = false { willSet { willChange() } }
    public var problem: Problem? { willSet { willChange() } }
    public private(set) var working = false { willSet { willChange() } }
    public private(set) var codes: CodesViewModel? { willSet { willChange() } }
    public private(set) var enroll: EnrollViewModel? { willSet { willChange() } }
    public private(set) var core: Core?
    /// The screen on top of the code list; saved so a killed app comes back to it.
    public var route: Route? { willSet { willChange() } didSet { if route != oldValue { routeChanged(from: oldValue) } } }
    /// The transfer screen while it is open (the app clears its pictures when it locks).
    public internal(set) var transfer: TransferViewModel? { willSet { willChange() } }
    /// The time sources the open vault was opened with (HTTPS ones change only at the next start).
    public internal(set) var sourcesAtOpen = TimeSources()
    /// The screen model made for the current route (see `screenModel`).
    var screenCache: (Route, ViewModel)?
    /// Launch arguments that were refused; shown on the code list once it is there.
    var launchRefusal: Problem?
    /// Refresh and state restoration after the vault opened; tests await it through `settled()`.
    var startup: Task<Void, Never>?

    public nonisolated let deps: Dependencies
    private var path: String?
    private var backgroundSince: TimeInterval?

    public var l: Localizer { deps.localizer }

    public nonisolated init(_ deps: Dependencies) {
        self.deps = deps
        super.init()
    }

    public var lockAfterSeconds: Int {
        get { deps.settings.integer(Self.lockAfterKey) ?? Self.defaultLockAfter }
        set { willChange(); deps.settings.set(newValue, for: Self.lockAfterKey) }
    }

    // MARK: Start

    /// At launch: no vault → first run; else Face ID / passcode first (cancelled → the lock
    /// screen, not an error), then the device key opens the vault.
    public func start() async {
        applyLaunchTimeSources()
        do {
            try deps.storage.excludeFromBackups()
            let path = try deps.storage.vaultPath()
            self.path = path
            guard FileManager.default.fileExists(atPath: path) else {
                screen = .firstRun
                return
            }
        } catch {
            screen = .failed(Problem(error, l))
            return
        }
        screen = .locked
        await unlock()
    }

    /// Opens the vault with this device's key after a successful prompt.
    private func openWithDeviceKey() async {
        guard let path else { return }
        do {
            open(try await Core.openWithDeviceKey(path: path, platform: platform))
        } catch let error as KunciError {
            switch error {
            case .NewerVault, .VaultDamaged, .Busy, .Io:
                screen = .failed(Problem(error, l))
            default:
                // The key is not on this device (a restored or copied vault, a passcode that was
                // removed): the recovery passphrase opens it and re-keys it for this device.
                screen = .recover
            }
        } catch {
            screen = .failed(Problem(error, l))
        }
    }

    /// The platform with the stored QA time sources over the app's own options.
    var platform: Core.Platform {
        var p = deps.platform
        p.options = timeSources.options(over: p.options)
        return p
    }

    /// Checks a new recovery passphrase; nil when it is acceptable.
    public func passphraseProblem(_ passphrase: String, confirm: String) -> String? {
        if passphrase.count < Self.minimumPassphraseLength {
            return l.text("setup.error.short", ["n": String(Self.minimumPassphraseLength)])
        }
        if passphrase != confirm { return l.text("setup.error.mismatch") }
        return nil
    }

    /// First run: a vault with the recovery passphrase and this device's key.
    public func create(passphrase: String, confirm: String) async {
        if let message = passphraseProblem(passphrase, confirm: confirm) {
            problem = Problem(key: "setup.error", l, ["text": message])
            return
        }
        guard let path else { return }
        working = true
        defer { working = false }
        do {
            open(try await Core.create(path: path, passphrase: passphrase, platform: platform))
        } catch {
            problem = Problem(error, l)
        }
    }

    /// A vault this device's key cannot open: the recovery passphrase, then a new device key.
    public func recover(passphrase: String) async {
        guard let path else { return }
        working = true
        defer { working = false }
        do {
            open(try await Core.recover(path: path, passphrase: passphrase, platform: platform))
        } catch {
            problem = Problem(error, l)
        }
    }

    private func open(_ core: Core) {
        self.core = core
        deps.scheduler?.scheduleRefresh(earliestIn: BackgroundSync.interval)
        problem = nil
        sourcesAtOpen = timeSources
        let codes = CodesViewModel(core: core, localizer: l, clock: deps.clock, wall: deps.wall, pasteboard: deps.pasteboard,
                                   timeSources: { [weak self] in self?.timeSources ?? TimeSources() })
        let enroll = EnrollViewModel(core: core, localizer: l)
        enroll.pictures = deps.pictures
        enroll.onEnrolled = { [weak codes] in await codes?.refresh() }
        codes.problem = launchRefusal
        self.codes = codes
        self.enroll = enroll
        screen = .ready
        let saved = SavedState.decode(deps.stateStore?.load())
        startup = Task {
            await codes.refresh()
            if let saved { await self.restore(saved) }
        }
    }

    /// Waits for the refresh (and restoration) that opening the vault started.
    public func settled() async { await startup?.value }

    // MARK: Lock

    public func lock() {
        guard let core, screen == .ready else { return }
        core.authenticator.lock()
        enroll?.stopScanning()
        transfer?.done() // no secret picture stays in memory behind the lock screen
        screenCache = nil // nor a typed import password
        screen = .locked
    }

    /// Face ID / passcode, then the device key opens the vault again.
    public func unlock() async {
        guard screen == .locked else { return }
        let result = await deps.deviceAuth.authenticate(reason: l.text("lock.reason"))
        switch result {
        case .success:
            guard let core else { return await openWithDeviceKey() } // at launch: not open yet
            do {
                let wrapper = deps.platform.keyWrapper
                try await core.run { try $0.unlockWithKeyWrapper(keyWrapper: wrapper) }
                problem = nil
                screen = .ready
                await codes?.refresh()
            } catch {
                problem = Problem(error, l)
            }
        case .cancelled:
            break
        case let .failed(reason):
            problem = Problem(key: "lock.failed", l, ["reason": reason])
        case .unavailable:
            problem = Problem(key: "lock.noPasscode", l)
        }
    }

    /// When Face ID is not possible: the recovery passphrase unlocks too.
    public func unlock(passphrase: String) async {
        guard screen == .locked, let path else { return }
        working = true
        defer { working = false }
        do {
            if let core {
                try await core.run { try $0.unlockWithPassphrase(passphrase: Data(passphrase.utf8)) }
                problem = nil
                screen = .ready
                await codes?.refresh()
            } else {
                open(try await Core.openWithPassphrase(path: path, passphrase: passphrase, platform: platform))
            }
        } catch {
            problem = Problem(error, l)
        }
    }

    // MARK: Scene phases

    /// The app is leaving the screen (app switcher, notification centre): cover the codes now,
    /// before the system takes its snapshot.
    public func willResignActive() {
        privacyCover = true
        transfer?.setInactive(true)
        saveState()
    }

    /// iOS may kill the app any time from here on: the screen state is saved now.
    public func didEnterBackground() {
        privacyCover = true
        transfer?.setInactive(true)
        saveState()
        backgroundSince = deps.clock.seconds()
        if lockAfterSeconds == 0 { lock() }
    }

    /// Back on screen: lock if it was away long enough (monotonic clock: setting the phone's
    /// clock cannot skip the lock), then lift the cover.
    public func didBecomeActive() async {
        if let since = backgroundSince, lockAfterSeconds >= 0, deps.clock.seconds() - since >= Double(lockAfterSeconds) {
            lock()
        }
        backgroundSince = nil
        privacyCover = false
        transfer?.setInactive(false)
        if screen == .ready { await codes?.refresh() }
    }

    // MARK: Screens opened from the list

    // The make* calls give the screen on top the same model for as long as the route stays:
    // SwiftUI runs a sheet's content again on every change of the list behind it (once a second),
    // and a new model there would forget a password prompt or an import in progress.

    public func makeBackup() -> BackupViewModel? {
        screenModel {
            guard let core else { return nil }
            let vm = BackupViewModel(core: core, localizer: l)
            vm.onExported = { [weak self] count in self?.recordExport(accounts: count) }
            vm.onImported = { [weak self] in await self?.codes?.refresh() }
            return vm
        }
    }

    public func makeDiagnostics(appVersion: String) -> DiagnosticsViewModel? {
        screenModel { core.map { DiagnosticsViewModel(core: $0, localizer: l, appVersion: appVersion) } }
    }

    public func makeSettings() -> SettingsViewModel { screenModel { SettingsViewModel(app: self) } ?? SettingsViewModel(app: self) }

    public func makeHelp() -> HelpViewModel? { screenModel { core.map { HelpViewModel(core: $0, localizer: l) } } }

    public func makeGuide() -> GuidedEnrollment { screenModel { GuidedEnrollment(localizer: l) } ?? GuidedEnrollment(localizer: l) }

    /// The model cached for the current route (made by `make` the first time); without a route
    /// (tests, previews) a new one each call.
    private func screenModel<T: ViewModel>(_ make: () -> T?) -> T? {
        guard let route else { return make() }
        if let (cachedRoute, vm) = screenCache, cachedRoute == route, let vm = vm as? T { return vm }
        let vm = make()
        screenCache = vm.map { (route, $0) }
        return vm
    }

    /// The guided first enrollment is offered while the vault has no account.
    public var offersGuide: Bool { codes?.accounts.isEmpty ?? false }

    /// BGAppRefreshTask: sync once (the vault must be open: a locked app skips it) and ask for
    /// the next wake-up.
    public func backgroundSync() async -> Bool {
        guard let core, screen == .ready, let scheduler = deps.scheduler else { return false }
        return await BackgroundSync.run(core: core, scheduler: scheduler, sources: timeSources)
    }

    // MARK: Backup reminder

    /// Shown on the code list while accounts exist that no export holds yet.
    public var needsBackup: Bool {
        guard let accounts = codes?.accounts, !accounts.isEmpty else { return false }
        return (deps.settings.integer(Self.lastExportKey) ?? 0) < accounts.count
    }

    public func recordExport(accounts: Int) {
        willChange()
        deps.settings.set(accounts, for: Self.lastExportKey)
    }
}

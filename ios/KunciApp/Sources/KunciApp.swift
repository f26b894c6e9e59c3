// The app's entry: builds AppModel (ios/Sources/KunciAppLogic) with the Apple adapters in
// Platform/, and forwards scene phases (privacy cover, lock after time in background), otpauth
// links and the background time sync to it. Views only bind to the view models.
import KunciAppLogic
import KunciKit
import Kunci
import SwiftUI

@main
struct KunciApp: App {
    @StateObject private var model: AppModel
    @Environment(\.scenePhase) private var scenePhase

    init() {
        let key = KeychainDeviceKey()
        // QA: launch with `-KunciNtpServer host:port` (and `-KunciHttpsUrls`, `-KunciQuorum`) as
        // scheme arguments to sync against `kunci time serve`; iOS puts them in UserDefaults'
        // argument domain, and AppModel keeps them like the settings screen's time sources.
        let arguments = UserDefaults.standard.volatileDomain(forName: UserDefaults.argumentDomain)
            .reduce(into: [String: String]()) { $0[$1.key] = "\($1.value)" }
        let deps = AppModel.Dependencies(
            storage: AppleVaultStorage(),
            platform: Core.Platform(keyWrapper: key, bootClock: MachBootClock(), https: URLSessionHttpsDate(),
                                    options: AuthenticatorOptions(httpsUrls: ["https://www.apple.com/", "https://www.google.com/"])),
            deviceAuth: LocalAuthenticator(deviceKey: key), clock: MachUptimeClock(), wall: SystemWallClock(),
            pasteboard: SystemPasteboard(), settings: DefaultsSettings(), localizer: .bundled(),
            scheduler: RefreshScheduler(), launchArguments: arguments, stateStore: DefaultsStateStore(),
            pictures: ImageIOPictureConverter())
        _model = StateObject(wrappedValue: AppModel(deps))
    }

    var body: some Scene {
        WindowGroup {
            RootView(model: model)
                .task { await model.start() }
                .onOpenURL { url in Task { await model.enroll?.open(url: url) } }
        }
        .onChange(of: scenePhase) { phase in
            switch phase {
            case .inactive: model.willResignActive()
            case .background: model.didEnterBackground()
            case .active: Task { await model.didBecomeActive() }
            @unknown default: break
            }
        }
        .backgroundTask(.appRefresh(RefreshScheduler.identifier)) {
            _ = await model.backgroundSync()
        }
    }
}

/// One screen per AppModel state; the privacy cover on top whenever the app is not active.
struct RootView: View {
    @ObservedObject var model: AppModel

    var body: some View {
        ZStack {
            switch model.screen {
            case .starting: ProgressView()
            case .firstRun: PassphraseSetupView(model: model)
            case .recover: RecoverView(model: model)
            case .locked: LockView(model: model)
            case .ready:
                if let codes = model.codes, let enroll = model.enroll {
                    CodeListView(model: model, codes: codes, enroll: enroll)
                }
            case let .failed(problem): ProblemView(problem: problem)
            }
            if model.privacyCover {
                Color(.systemBackground).ignoresSafeArea()
                    .overlay(Image(systemName: "lock.fill").font(.largeTitle).foregroundStyle(.secondary))
            }
        }
    }
}

struct ProblemView: View {
    let problem: Problem
    var body: some View {
        VStack(spacing: 12) {
            Image(systemName: "exclamationmark.triangle").font(.largeTitle)
            Text(problem.message).multilineTextAlignment(.center)
            if !problem.detail.isEmpty { Text(problem.detail).font(.footnote).foregroundStyle(.secondary) }
        }
        .padding()
    }
}

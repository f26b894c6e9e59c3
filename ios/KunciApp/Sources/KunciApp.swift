import SwiftUI

@main
struct KunciApp: App {
    @StateObject private var model = AppModel()
    @Environment(\.scenePhase) private var scenePhase

    var body: some Scene {
        WindowGroup {
            CodeListView()
                .environmentObject(model)
                .task { await model.open() }
        }
        .onChange(of: scenePhase) { phase in
            // Back from the background: the step may have changed while asleep.
            if phase == .active { Task { await model.refresh() } }
        }
    }
}

// Diagnostics (copy, share), guided help for "Invalid Authenticator Code", and the guided first
// enrollment, bound to their view models.
import KunciAppLogic
import SwiftUI
import UIKit

struct DiagnosticsView: View {
    @ObservedObject var diagnostics: DiagnosticsViewModel
    let l: Localizer

    var body: some View {
        NavigationStack {
            ScrollView { Text(diagnostics.text).font(.footnote.monospaced()).textSelection(.enabled).padding() }
                .navigationTitle(l["diag.title"])
                .toolbar {
                    Button(l["action.copy"]) { UIPasteboard.general.string = diagnostics.text }
                    ShareLink(l["action.share"], item: diagnostics.text)
                }
                .task { await diagnostics.load(timeZone: .current) }
        }
    }
}

struct HelpView: View {
    @ObservedObject var help: HelpViewModel
    let accountId: Int64
    @ObservedObject var codes: CodesViewModel
    let model: AppModel
    let l: Localizer

    var body: some View {
        NavigationStack {
            List(Array(help.steps.enumerated()), id: \.offset) { index, step in
                VStack(alignment: .leading, spacing: 8) {
                    Text("\(index + 1). \(step.text)")
                    if let button = step.button {
                        Button(button) { Task { await run(step.action) } }.buttonStyle(.bordered)
                    }
                }
            }
            .navigationTitle(l["help.title"])
            .task { await help.load(accountId: accountId) }
        }
    }

    private func run(_ action: HelpViewModel.Action) async {
        switch action {
        case .syncNow: await codes.sync(); await help.load(accountId: accountId)
        case let .deleteOld(id): codes.requestDelete(id: id)
        case .copyTicket:
            if let d = model.makeDiagnostics(appVersion: "") {
                await d.load(timeZone: .current)
                UIPasteboard.general.string = d.text
            }
        case .none: break
        }
    }
}

struct GuidedEnrollmentView: View {
    @ObservedObject var guide: GuidedEnrollment
    @ObservedObject var enroll: EnrollViewModel
    @ObservedObject var codes: CodesViewModel
    let l: Localizer
    @Environment(\.dismiss) private var dismiss
    /// The guide's own "can't scan?" form (not restored: the guide starts over after a kill).
    @State private var manual = false

    var body: some View {
        VStack(spacing: 20) {
            Text(guide.title).font(.title).multilineTextAlignment(.center)
            Text(guide.body).multilineTextAlignment(.center)
            switch guide.step {
            case .intro: Button(l["guide.continue"]) { guide.begin() }.buttonStyle(.borderedProminent)
            case .scan: EnrollView(enroll: enroll, l: l, manual: $manual)
            case let .typeCode(id):
                if let row = codes.rows.first(where: { $0.id == id }) { CodeRowView(row: row, l: l, large: true) }
                Button(l["guide.accepted"]) { guide.accepted() }.buttonStyle(.borderedProminent)
                Button(l["guide.rejected"]) { dismiss() }
            case .done: Button(l["action.ok"]) { dismiss() }
            }
        }
        .padding()
        .onChange(of: enroll.lastAdded) { added in guide.enrolled(added) }
    }
}

// The transfer screen bound to TransferViewModel (issue 15 point 4): choose accounts, read the
// warning, then one otpauth:// QR picture per account for an app that only scans (FreeOTP), and
// Done. The pictures are dropped while the screen is recorded or mirrored (iOS cannot block that
// like Android's FLAG_SECURE), a screenshot gets a warning, and leaving clears them.
import KunciAppLogic
import SwiftUI
import UIKit

struct TransferView: View {
    @ObservedObject var transfer: TransferViewModel
    let l: Localizer
    let close: () -> Void

    var body: some View {
        NavigationStack {
            content
                .navigationTitle(l["transfer.title"])
                .toolbar { Button(l["transfer.done"]) { transfer.done(); close() } }
        }
        .task { if transfer.choices.isEmpty { await transfer.load() } }
        .onAppear { transfer.setCaptured(UIScreen.main.isCaptured) }
        .onReceive(NotificationCenter.default.publisher(for: UIScreen.capturedDidChangeNotification)) { _ in
            transfer.setCaptured(UIScreen.main.isCaptured)
        }
        .onReceive(NotificationCenter.default.publisher(for: UIApplication.userDidTakeScreenshotNotification)) { _ in
            transfer.screenshotTaken()
        }
        .onDisappear { transfer.done() }
    }

    @ViewBuilder private var content: some View {
        switch transfer.step {
        case .choosing:
            List {
                Section { Text(l["transfer.body"]).font(.footnote) }
                Section {
                    Button(l["transfer.chooseAll"]) { transfer.chooseAll(true) }
                    ForEach(transfer.choices) { choice in
                        Button { transfer.toggle(choice.id) } label: {
                            Label(choice.label, systemImage: choice.chosen ? "checkmark.circle.fill" : "circle")
                        }
                    }
                }
                if let problem = transfer.problem { Text(problem.message).foregroundStyle(.red) }
                Button(l["transfer.continue"]) { transfer.proceed() }
            }
        case .warning:
            VStack(spacing: 16) {
                Image(systemName: "exclamationmark.shield").font(.largeTitle)
                Text(transfer.warning)
                Button(l["transfer.accept"]) { Task { await transfer.accept() } }.buttonStyle(.borderedProminent)
            }
            .padding()
        case let .showing(index, total):
            VStack(spacing: 16) {
                Text(transfer.caption).font(.headline)
                if let png = transfer.visibleImage, let image = UIImage(data: png) {
                    Image(uiImage: image).interpolation(.none).resizable().scaledToFit().frame(maxWidth: 320)
                } else if transfer.covered {
                    Label(transfer.coverText, systemImage: "eye.slash").frame(height: 320)
                } else {
                    ProgressView().frame(height: 320) // the core is drawing it, or it failed (below)
                }
                Text(l["transfer.scanHint"]).font(.footnote)
                if let notice = transfer.notice { Text(notice).font(.footnote).foregroundStyle(.orange) }
                if let problem = transfer.problem { Text(problem.message).foregroundStyle(.red) }
                HStack {
                    if index > 0 { Button(l["transfer.previous"]) { Task { await transfer.previous() } } }
                    Spacer()
                    Button(index + 1 < total ? l["transfer.next"] : l["transfer.done"]) { Task { await transfer.next() } }
                }
            }
            .padding()
        case .finished:
            Text(l["transfer.finished"]).padding()
        }
    }
}

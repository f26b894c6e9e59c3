import Combine
import Kunci
import KunciKit
import PhotosUI
import SwiftUI

struct CodeListView: View {
    @EnvironmentObject private var model: AppModel
    @State private var scanning = false
    @State private var photo: PhotosPickerItem?
    private let ticker = Timer.publish(every: 1, on: .main, in: .common).autoconnect()

    var body: some View {
        NavigationStack {
            List {
                if let banner = model.banner {
                    Section { BannerRow(banner: banner) }
                }
                TimelineView(.periodic(from: .now, by: 1)) { _ in
                    let now = model.nowMs()
                    ForEach(model.codes?.codes ?? [], id: \.accountId) { code in
                        CodeRow(code: code, nowMs: now, handedOut: model.handedOut[code.accountId])
                            .swipeActions {
                                Button("Delete", role: .destructive) { Task { await model.remove(code) } }
                            }
                    }
                }
                ForEach(model.codes?.unreadable ?? [], id: \.id) { row in
                    Label(row.detail, systemImage: "exclamationmark.triangle").foregroundStyle(.red)
                }
            }
            .navigationTitle("Kunci")
            .refreshable { await model.refresh() }
            .onReceive(ticker) { _ in
                Task { await model.tick() } // re-asks the core once a step has ended
            }
            .toolbar {
                ToolbarItemGroup(placement: .primaryAction) {
                    Button { scanning = true } label: { Image(systemName: "qrcode.viewfinder") }
                    PhotosPicker(selection: $photo, matching: .images) { Image(systemName: "photo") }
                }
            }
            .sheet(isPresented: $scanning) {
                ScannerView { outcome in
                    scanning = false
                    Task { await model.scanned(outcome) }
                }
                .ignoresSafeArea()
            }
            .onChange(of: photo) { item in
                guard let item else { return }
                photo = nil
                Task {
                    if let data = try? await item.loadTransferable(type: Data.self) {
                        await model.enroll(image: data)
                    }
                }
            }
            .alert("Kunci", isPresented: Binding(get: { model.message != nil }, set: { if !$0 { model.message = nil } })) {
                Button("OK") { model.message = nil }
            } message: {
                Text(model.message ?? "")
            }
            .confirmationDialog("This account already exists", isPresented: Binding(
                get: { model.conflict != nil }, set: { if !$0 { model.conflict = nil } }), presenting: model.conflict) { conflict in
                Button("Replace (the portal issued a new code)") { Task { await model.resolve(conflict, with: .replace) } }
                Button("Keep both") { Task { await model.resolve(conflict, with: .keepBoth) } }
                Button("Cancel", role: .cancel) { model.conflict = nil }
            }
        }
    }
}

private struct BannerRow: View {
    @EnvironmentObject private var model: AppModel
    let banner: TimeBanner

    var body: some View {
        HStack {
            Image(systemName: banner.level == .info ? "clock" : "exclamationmark.triangle")
            Text(banner.text).font(.footnote)
            Spacer()
            if banner.offersSync {
                Button(model.syncing ? "Syncing…" : "Sync time") { Task { await model.syncTime() } }
                    .disabled(model.syncing)
            }
        }
        .foregroundStyle(banner.level == .error ? .red : banner.level == .warning ? .orange : .secondary)
    }
}

private struct CodeRow: View {
    @EnvironmentObject private var model: AppModel
    let code: CodeInfo
    let nowMs: Int64?
    let handedOut: String?

    var body: some View {
        HStack {
            VStack(alignment: .leading) {
                Text(code.issuer.isEmpty ? code.name : code.issuer).font(.headline)
                if !code.issuer.isEmpty { Text(code.name).font(.caption).foregroundStyle(.secondary) }
                Text(grouped(handedOut ?? code.code)).font(.system(.title, design: .monospaced))
            }
            Spacer()
            if code.kind == .hotp {
                Button("Next") { Task { await model.next(code) } }.buttonStyle(.bordered)
            } else if let now = nowMs, let countdown = CodeTicker.countdown(for: code, nowMs: now) {
                ZStack {
                    Circle().stroke(.quaternary, lineWidth: 3)
                    Circle().trim(from: 0, to: countdown.remaining).stroke(.tint, lineWidth: 3).rotationEffect(.degrees(-90))
                    Text("\(countdown.secondsLeft)").font(.caption2.monospacedDigit())
                }
                .frame(width: 30, height: 30)
            }
        }
        .contentShape(Rectangle())
        .onTapGesture { model.copy(code, text: handedOut) }
    }

    private func grouped(_ code: String) -> String {
        let half = code.count / 2
        return code.count >= 6 ? "\(code.prefix(half)) \(code.suffix(code.count - half))" : code
    }
}

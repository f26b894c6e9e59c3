// The code list, bound to CodesViewModel: banner with "sync now", search, group filter, rows with
// countdown rings and the next code, tap to copy, HOTP next, swipe to delete (confirmed), rename /
// notes / group, reorder, the backup reminder, and the menus to the other screens. Which screen is
// on top is AppModel.route, so a killed app comes back to it (see AppModel+State.swift).
import Combine
import Kunci
import KunciAppLogic
import SwiftUI

struct CodeListView: View {
    @ObservedObject var model: AppModel
    @ObservedObject var codes: CodesViewModel
    @ObservedObject var enroll: EnrollViewModel

    private let ticker = Timer.publish(every: 1, on: .main, in: .common).autoconnect()
    private var l: Localizer { model.l }

    var body: some View {
        NavigationStack {
                List {
                    if let banner = codes.banner { BannerRow(banner: banner, codes: codes, l: l) }
                    if model.needsBackup {
                        Button(l["codes.backupReminder"]) { model.route = .backup }.font(.footnote)
                    }
                    if !codes.groups.isEmpty { groupPicker }
                    ForEach(codes.rows) { row in
                        CodeRowView(row: row, l: l)
                            .contentShape(Rectangle())
                            .onTapGesture { codes.copy(id: row.id) }
                            .swipeActions {
                                Button(l["action.delete"], role: .destructive) { codes.requestDelete(id: row.id) }
                                Button(l["action.rename"]) { model.route = .edit(accountId: row.id) }
                            }
                            .contextMenu {
                                Button(l["action.rename"]) { model.route = .edit(accountId: row.id) }
                                Button(l["action.help"]) { model.route = .help(accountId: row.id) }
                                if row.kind == .hotp { Button(l["codes.next"]) { Task { await codes.next(id: row.id) } } }
                            }
                    }
                    .onMove { from, to in Task { await codes.move(from: from, to: to) } }
                    ForEach(codes.unreadable, id: \.self) { Label($0, systemImage: "exclamationmark.triangle").foregroundStyle(.red) }
                    if codes.rows.isEmpty && codes.searchText.isEmpty { Text(l["codes.empty"]).foregroundStyle(.secondary) }
                }
            .onReceive(ticker) { _ in Task { await codes.tick() } } // countdowns move; the core is asked again per step
            .searchable(text: Binding(get: { codes.searchText }, set: { text in Task { await codes.search(text) } }),
                        prompt: l["codes.search"])
            .navigationTitle(l["codes.title"])
            .refreshable { await codes.refresh() }
            .toolbar {
                ToolbarItem(placement: .primaryAction) { Button { model.route = .enroll } label: { Image(systemName: "plus") } }
                ToolbarItem(placement: .secondaryAction) { Button(l["backup.title"]) { model.route = .backup } }
                ToolbarItem(placement: .secondaryAction) { Button(l["transfer.title"]) { model.route = .transfer } }
                ToolbarItem(placement: .secondaryAction) { Button(l["diag.title"]) { model.route = .diagnostics } }
                ToolbarItem(placement: .secondaryAction) { Button(l["settings.title"]) { model.route = .settings } }
                ToolbarItem(placement: .secondaryAction) { EditButton() }
            }
            .sheet(item: Binding(get: { model.route.map(TopSheet.init) }, set: { model.route = $0?.route })) { sheet in
                switch sheet.route {
                case .enroll, .manualEntry:
                    EnrollView(enroll: enroll, l: l, manual: Binding(get: { model.route == .manualEntry },
                                                                     set: { model.route = $0 ? .manualEntry : .enroll }))
                case .backup: if let vm = model.makeBackup() { BackupView(backup: vm, l: l) }
                case .diagnostics: if let vm = model.makeDiagnostics(appVersion: appVersion) { DiagnosticsView(diagnostics: vm, l: l) }
                case .settings: SettingsView(model: model, l: l)
                case .guide: GuidedEnrollmentView(guide: model.makeGuide(), enroll: enroll, codes: codes, l: l)
                case .transfer: if let vm = model.transfer { TransferView(transfer: vm, l: l) { model.route = nil } }
                case let .edit(id): if let row = codes.rows.first(where: { $0.id == id }) { EditAccountView(row: row, codes: codes, l: l) }
                case let .help(id): if let vm = model.makeHelp() { HelpView(help: vm, accountId: id, codes: codes, model: model, l: l) }
                }
            }
            .confirmationDialog(codes.pendingDelete?.title ?? "", isPresented: Binding(
                get: { codes.pendingDelete != nil }, set: { if !$0 { codes.cancelDelete() } }), titleVisibility: .visible,
                presenting: codes.pendingDelete) { request in
                Button(l["action.delete"], role: .destructive) { Task { await codes.confirmDelete(request) } }
                Button(l["action.cancel"], role: .cancel) { codes.cancelDelete() }
            } message: { request in Text(request.message) }
            .alert(codes.problem?.message ?? "", isPresented: Binding(get: { codes.problem != nil }, set: { if !$0 { codes.problem = nil } })) {
                Button(l["action.ok"]) { codes.problem = nil }
            } message: { Text(codes.problem?.detail ?? "") }
            .overlay(alignment: .bottom) {
                if let notice = codes.notice {
                    Text(notice).font(.footnote).padding().background(.thinMaterial, in: Capsule()).padding()
                        .task { try? await Task.sleep(nanoseconds: 4_000_000_000); codes.notice = nil }
                }
            }
            .onAppear { if model.offersGuide && model.route == nil { model.route = .guide } }
        }
    }

    private var groupPicker: some View {
        Picker(l["action.group"], selection: Binding(get: { codes.selectedGroup }, set: { codes.showGroup($0) })) {
            Text(l["codes.allGroups"]).tag(String?.none)
            ForEach(codes.groups, id: \.self) { Text($0).tag(String?.some($0)) }
        }
        .pickerStyle(.segmented)
    }

    private var appVersion: String { Bundle.main.infoDictionary?["CFBundleShortVersionString"] as? String ?? "?" }
}

/// One sheet per route; the enroll screen and its manual form share one, so going between them
/// keeps the sheet up.
private struct TopSheet: Identifiable {
    let route: Route
    var id: String {
        switch route {
        case .enroll, .manualEntry: return "enroll"
        case let .edit(id): return "edit-\(id)"
        case let .help(id): return "help-\(id)"
        default: return String(describing: route)
        }
    }
}

private struct BannerRow: View {
    let banner: Banner
    @ObservedObject var codes: CodesViewModel
    let l: Localizer

    var body: some View {
        VStack(alignment: .leading, spacing: 6) {
            Text(banner.text).font(.footnote)
            if banner.offersSync {
                Button(codes.syncing ? l["action.syncing"] : l["action.syncNow"]) { Task { await codes.sync() } }
                    .disabled(codes.syncing)
            }
        }
        .foregroundStyle(banner.level == .error ? .red : banner.level == .warning ? .orange : .secondary)
    }
}

struct CodeRowView: View {
    let row: CodesViewModel.Row
    let l: Localizer
    var large = false

    var body: some View {
        HStack {
            VStack(alignment: .leading) {
                Text(row.title).font(.headline)
                if !row.subtitle.isEmpty { Text(row.subtitle).font(.caption).foregroundStyle(.secondary) }
                Text(grouped(row.code)).font(.system(large ? .largeTitle : .title, design: .monospaced))
                if let next = row.next { Text(l.text("codes.nextCode", ["code": grouped(next)])).font(.caption).foregroundStyle(.secondary) }
            }
            Spacer()
            if let countdown = row.countdown {
                ZStack {
                    Circle().stroke(.quaternary, lineWidth: 3)
                    Circle().trim(from: 0, to: countdown.remaining).stroke(.tint, lineWidth: 3).rotationEffect(.degrees(-90))
                    Text("\(countdown.secondsLeft)").font(.caption2.monospacedDigit())
                }
                .frame(width: large ? 56 : 30, height: large ? 56 : 30)
            }
        }
        .accessibilityElement(children: .combine)
    }

    private func grouped(_ code: String) -> String {
        let half = code.count / 2
        return code.count >= 6 ? "\(code.prefix(half)) \(code.suffix(code.count - half))" : code
    }
}

private struct EditAccountView: View {
    let row: CodesViewModel.Row
    @ObservedObject var codes: CodesViewModel
    let l: Localizer
    @Environment(\.dismiss) private var dismiss
    @State private var issuer = ""
    @State private var name = ""
    @State private var notes = ""
    @State private var group = ""

    var body: some View {
        NavigationStack {
            Form {
                TextField(l["edit.issuer"], text: $issuer)
                TextField(l["edit.account"], text: $name)
                TextField(l["edit.group"], text: $group)
                TextField(l["edit.notes"], text: $notes, axis: .vertical)
            }
            .toolbar {
                Button(l["action.save"]) {
                    Task {
                        await codes.rename(id: row.id, issuer: issuer, name: name)
                        await codes.setNotes(id: row.id, notes: notes)
                        await codes.setGroup(id: row.id, group: group)
                        dismiss()
                    }
                }
            }
            .onAppear {
                let account = codes.accounts.first { $0.id == row.id }
                issuer = account?.issuer ?? row.title
                name = account?.name ?? row.subtitle
                notes = row.notes
                group = row.group ?? ""
            }
        }
    }
}

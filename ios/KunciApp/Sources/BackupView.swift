// Backup export (fileExporter) and import (fileImporter) bound to BackupViewModel.
import KunciAppLogic
import SwiftUI
import UniformTypeIdentifiers

struct BackupView: View {
    @ObservedObject var backup: BackupViewModel
    let l: Localizer
    @State private var password = ""
    @State private var confirm = ""
    @State private var importPassword = ""
    @State private var importing = false

    var body: some View {
        NavigationStack {
            Form {
                Section(l["backup.title"]) {
                    Text(l["backup.body"]).font(.footnote)
                    SecureField(l["backup.password"], text: $password)
                    SecureField(l["backup.confirm"], text: $confirm)
                    Button(l["backup.export"]) { Task { await backup.prepareExport(password: password, confirm: confirm, date: Date()) } }
                }
                Section(l["import.title"]) {
                    Text(l["import.body"]).font(.footnote)
                    Button(l["import.choose"]) { importing = true }
                    switch backup.importState {
                    case .idle: EmptyView()
                    case let .needsPassword(_, wrong):
                        Text(l[wrong ? "import.passwordWrong" : "import.password"])
                        SecureField(l["backup.password"], text: $importPassword)
                        Button(l["recover.open"]) { Task { await backup.importPassword(importPassword) } }
                    case let .needsConfirmation(_, question):
                        Text(question)
                        Button(l["import.continue"]) { Task { await backup.confirmCostlyImport() } }
                        Button(l["action.cancel"], role: .cancel) { backup.cancelImport() }
                    case let .done(title, lines):
                        Text(title).bold()
                        ForEach(lines, id: \.self) { Text($0).font(.footnote) }
                    }
                }
                if let problem = backup.problem { Text(problem.message).foregroundStyle(.red) }
            }
            .overlay {
                if backup.working {
                    VStack {
                        ProgressView()
                        if backup.stoppable { Button(l["import.stop"]) { backup.stopRunningImport() } }
                    }
                }
            }
            .fileExporter(isPresented: Binding(get: { backup.exportFile != nil }, set: { if !$0 { backup.exportFinished(saved: false) } }),
                          document: backup.exportFile.map { BackupDocument(data: $0.data) }, contentType: .data,
                          defaultFilename: backup.exportFile?.filename) { result in
                backup.exportFinished(saved: (try? result.get()) != nil)
            }
            // Several files at once: the QR pictures of one Google Authenticator export.
            .fileImporter(isPresented: $importing, allowedContentTypes: [.data, .json, .plainText, .text],
                          allowsMultipleSelection: true) { result in
                guard let urls = try? result.get(), !urls.isEmpty else { return }
                Task {
                    // Security-scoped: read them while access is granted, off the main actor.
                    let files = await Task.detached { () -> [Data] in
                        urls.compactMap { url in
                            guard url.startAccessingSecurityScopedResource() else { return nil }
                            defer { url.stopAccessingSecurityScopedResource() }
                            return try? Data(contentsOf: url)
                        }
                    }.value
                    if files.count == urls.count {
                        await backup.importFiles(files, name: urls.map(\.lastPathComponent).joined(separator: ", "))
                    } else {
                        backup.problem = Problem(key: "error.io", l)
                    }
                }
            }
        }
    }
}

struct BackupDocument: FileDocument {
    static var readableContentTypes: [UTType] { [.data] }
    let data: Data
    init(data: Data) { self.data = data }
    init(configuration: ReadConfiguration) throws { data = configuration.file.regularFileContents ?? Data() }
    func fileWrapper(configuration: WriteConfiguration) throws -> FileWrapper { FileWrapper(regularFileWithContents: data) }
}

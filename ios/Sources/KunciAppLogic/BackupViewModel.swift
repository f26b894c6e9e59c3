// Encrypted backup export (for fileExporter) and import of a Kunci backup or another app's file
// (for fileImporter): the format is detected by the core; an encrypted file asks for its password.
import Foundation
import Kunci

@MainActor
public final class BackupViewModel: ViewModel {
    /// A file ready for the system's save sheet.
    public struct ExportFile: Equatable, Sendable {
        public let data: Data
        public let filename: String
        public let accounts: Int
    }

    public enum ImportState: Equatable, Sendable {
        case idle
        /// The file is encrypted: ask for its password (`wrong` after a wrong one).
        case needsPassword(filename: String, wrong: Bool)
        /// Opening it needs a costly key derivation (minutes, much memory): ask before going on.
        case needsConfirmation(filename: String, question: String)
        case done(title: String, lines: [String])
    }

    public static let minimumPasswordLength = 8

    public private(set) var exportFile: ExportFile? { willSet { willChange() } }
    public private(set) var importState = ImportState.idle { willSet { willChange() } }
    public var problem: Problem? { willSet { willChange() } }
    public private(set) var working = false { willSet { willChange() } }
    /// An import runs that "Stop" can cancel (the view shows the button only then).
    public private(set) var stoppable = false { willSet { willChange() } }

    private let core: Core
    private let l: Localizer
    private var pendingImport: (files: [Data], name: String)?
    private var pendingPassword: String?
    private var cancel: ImportCancel?
    /// Called after an export was saved (the backup reminder goes away) and after an import.
    public var onExported: ((Int) -> Void)?
    public var onImported: (() async -> Void)?

    public init(core: Core, localizer: Localizer) {
        self.core = core
        l = localizer
    }

    // MARK: Export

    public func passwordProblem(_ password: String, confirm: String) -> String? {
        if password.count < Self.minimumPasswordLength {
            return l.text("backup.error.short", ["n": String(Self.minimumPasswordLength)])
        }
        if password != confirm { return l.text("setup.error.mismatch") }
        return nil
    }

    /// Builds the encrypted backup off the main actor (Argon2id); `exportFile` is then handed to
    /// fileExporter. `date` names the file (yyyy-mm-dd, UTC).
    public func prepareExport(password: String, confirm: String, date: Date) async {
        if let message = passwordProblem(password, confirm: confirm) {
            problem = Problem(key: "setup.error", l, ["text": message])
            return
        }
        working = true
        defer { working = false }
        do {
            let (data, count) = try await core.run { auth in
                (try auth.exportFile(format: .kunci, password: Data(password.utf8)), try auth.accounts().count)
            }
            let day = ISO8601DateFormatter.string(from: date, timeZone: TimeZone(identifier: "UTC") ?? .current,
                                                  formatOptions: [.withFullDate])
            exportFile = ExportFile(data: data, filename: "kunci-backup-\(day).kunci", accounts: count)
        } catch {
            problem = Problem(error, l)
        }
    }

    /// fileExporter's completion: only a saved file counts as a backup.
    public func exportFinished(saved: Bool) {
        if saved, let file = exportFile { onExported?(file.accounts) }
        exportFile = nil
    }

    // MARK: Import

    /// A file from fileImporter: a Kunci backup or another app's export (the core's registry
    /// detects the format), or several QR pictures of one Google export at once.
    public func importFile(_ data: Data, filename: String) async {
        await importFiles([data], name: filename)
    }

    public func importFiles(_ files: [Data], name: String) async {
        pendingImport = (files, name)
        pendingPassword = nil
        await runImport(allowCostly: false)
    }

    public func importPassword(_ password: String) async {
        guard pendingImport != nil else { return }
        pendingPassword = password
        await runImport(allowCostly: false)
    }

    /// The user agreed to the costly key derivation.
    public func confirmCostlyImport() async {
        guard pendingImport != nil else { return }
        await runImport(allowCostly: true)
    }

    /// Closes the password or confirmation question without importing.
    public func cancelImport() {
        pendingImport = nil
        pendingPassword = nil
        importState = .idle
    }

    /// "Stop" while a long import runs: the core stops its key derivation.
    public func stopRunningImport() { cancel?.cancel() }

    private func runImport(allowCostly: Bool) async {
        guard let (files, name) = pendingImport else { return }
        let password = pendingPassword
        let token = ImportCancel()
        cancel = token
        working = true
        stoppable = true
        defer { working = false; stoppable = false; cancel = nil }
        do {
            let report = try await core.run {
                try $0.importFiles(files: files, format: nil, password: password.map { Data($0.utf8) }, allowCostlyKdf: allowCostly, cancel: token)
            }
            pendingImport = nil
            pendingPassword = nil
            let title = l.text("import.done", ["added": String(report.added), "duplicates": String(report.duplicates),
                                               "refused": String(report.refused.count)])
            var lines = report.lines
            if !report.formats.isEmpty { lines.insert(l.text("import.readAs", ["formats": report.formats.joined(separator: ", ")]), at: 0) }
            importState = .done(title: title, lines: lines)
            await onImported?()
        } catch KunciError.PasswordRequired {
            importState = .needsPassword(filename: name, wrong: false)
        } catch KunciError.WrongPassword {
            importState = .needsPassword(filename: name, wrong: true)
        } catch KunciError.ConfirmationRequired {
            importState = .needsConfirmation(filename: name, question: l.text("import.costly"))
        } catch {
            pendingImport = nil
            pendingPassword = nil
            importState = .idle
            problem = Problem(error, l)
        }
    }
}

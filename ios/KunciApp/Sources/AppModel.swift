// The app's state: one vault, the code list and what the user must decide. Every core call goes
// through KunciVault (background queue); this type only keeps the results for the views.
import Foundation
import Kunci
import KunciKit
import SwiftUI
import UIKit
import UniformTypeIdentifiers

@MainActor
final class AppModel: ObservableObject {
    struct Conflict: Identifiable {
        let id = UUID()
        let uri: String
        let existingId: Int64
    }

    @Published private(set) var codes: CodeList?
    @Published private(set) var banner: TimeBanner?
    @Published private(set) var syncing = false
    @Published var message: String?
    @Published var conflict: Conflict?
    /// The code "Next" handed out for an HOTP account, shown in its row until the next refresh.
    @Published private(set) var handedOut: [Int64: String] = [:]

    private(set) var vault: KunciVault?
    private var instant: TrustedInstant?
    private let copyPolicy = CopyPolicy()

    func open() async {
        guard vault == nil else { return }
        do {
            let dir = try FileManager.default.url(for: .applicationSupportDirectory, in: .userDomainMask,
                                                  appropriateFor: nil, create: true)
            let path = dir.appendingPathComponent("vault.kunci").path
            vault = try await KunciVault.openOrCreate(
                path: path, keyWrapper: KeychainKeyWrapper(), bootClock: MachBootClock(), https: URLSessionHttpsDate(),
                options: AuthenticatorOptions(httpsUrls: ["https://www.apple.com/", "https://www.google.com/"]))
            await refresh()
        } catch {
            show(error)
        }
    }

    func refresh() async {
        guard let vault else { return }
        do {
            let list = try await vault.codes()
            codes = list
            instant = TrustedInstant(utcMs: list.time.utcMs)
            banner = TimeBanner.make(time: list.time, timeWarning: list.timeWarning)
            handedOut = [:]
        } catch {
            show(error)
        }
    }

    /// Trusted now for the countdown, carried on the monotonic uptime between core calls.
    func nowMs() -> Int64? { instant?.utcMs(atUptime: ProcessInfo.processInfo.systemUptime) }

    /// Called every second by the list: asks the core again once a step has ended.
    func tick() async {
        guard let list = codes, let now = nowMs(),
              let due = CodeTicker.nextRefreshMs(for: list.codes, nowMs: list.time.utcMs),
              now >= due else { return }
        await refresh()
    }

    func syncTime() async {
        guard let vault, !syncing else { return }
        syncing = true
        defer { syncing = false }
        do {
            // QA: launch with `-KunciNtpServer host:port` (Xcode scheme arguments, read through
            // UserDefaults) to sync against `kunci time serve` alone instead of the public servers.
            let result: SyncResult
            if let server = UserDefaults.standard.string(forKey: "KunciNtpServer"), !server.isEmpty {
                result = try await vault.syncTime(ntpServers: [server], quorum: 1)
            } else {
                result = try await vault.syncTime()
            }
            if result.status != .synced {
                message = "Time not changed (\(result.status)): \(result.agreeing) of \(result.responded) sources agreed."
            }
        } catch {
            show(error)
        }
        await refresh()
    }

    func copy(_ code: CodeInfo, text: String? = nil) {
        let now = nowMs() ?? Int64(Date().timeIntervalSince1970 * 1000)
        UIPasteboard.general.setItems(
            [[UTType.plainText.identifier: text ?? code.code]],
            options: [.expirationDate: copyPolicy.expirationDate(for: code, trustedNowMs: now), .localOnly: true])
    }

    func next(_ code: CodeInfo) async {
        guard let vault else { return }
        do {
            let value = try await vault.nextCode(id: code.accountId)
            copy(code, text: value)
            await refresh()
            handedOut[code.accountId] = value
        } catch {
            show(error)
        }
    }

    func enroll(uri: String, onConflict: OnConflict = .reject) async {
        guard let vault else { return }
        do {
            report(try await vault.enroll(uri: uri, onConflict: onConflict))
        } catch let KunciError.DuplicateAccount(existingId, _) {
            conflict = Conflict(uri: uri, existingId: existingId)
        } catch {
            show(error)
        }
    }

    func enroll(image: Data) async {
        guard let vault else { return }
        do {
            report(try await vault.enroll(image: image, onConflict: .reject))
        } catch let KunciError.DuplicateAccount(existingId, _) {
            // Find which payload clashed, so the user can choose for it.
            if let text = try? decodeQrImage(image: image).compactMap(\.text).first {
                conflict = Conflict(uri: text, existingId: existingId)
            }
        } catch {
            show(error)
        }
    }

    /// From the scanner (already enrolled on the capture queue, or a duplicate to decide).
    func scanned(_ outcome: ScanOutcome) async {
        switch outcome {
        case let .enrolled(report): self.report(report)
        case let .duplicate(uri, existingId): conflict = Conflict(uri: uri, existingId: existingId)
        case let .failed(error): show(error)
        }
    }

    func resolve(_ conflict: Conflict, with choice: OnConflict) async {
        self.conflict = nil
        await enroll(uri: conflict.uri, onConflict: choice)
    }

    func remove(_ code: CodeInfo) async {
        guard let vault else { return }
        do { try await vault.remove(id: code.accountId) } catch { show(error) }
        await refresh()
    }

    private func report(_ r: EnrollReport) {
        var lines = ["Added \(r.added.count) account\(r.added.count == 1 ? "" : "s")."]
        if let batch = r.batch, batch.size > 1 {
            lines.append("Export code \(batch.index + 1) of \(batch.size): scan the others too.")
        }
        lines += r.warnings
        lines += r.refused.map { "\($0.label): \($0.reason)" }
        message = lines.joined(separator: "\n")
        Task { await refresh() }
    }

    private func show(_ error: Error) {
        message = (error as? KunciError)?.detail ?? error.localizedDescription
    }
}

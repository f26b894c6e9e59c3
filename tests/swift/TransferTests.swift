// Moving accounts out and big imports, in the iOS app logic with the real core: the per-account
// transfer screen (issue 15 point 4: one QR picture per chosen account, each scanned back with
// the core and its codes checked, a warning first, hidden while the screen is captured or the
// app is not in front, cleared by Done and by the lock), and the slow-import confirmation of an
// Ente export whose key derivation is above what Kunci runs unasked, with Stop.
import Foundation
import Kunci
import KunciAppLogic
import XCTest

final class TransferTests: XCTestCase {
    static let allTests = [
        ("testTransferShowsEachChosenAccountAsAQrThatScansBack", asyncTest(testTransferShowsEachChosenAccountAsAQrThatScansBack)),
        ("testTransferPicturesAreHiddenWhileCapturedOrInactive", asyncTest(testTransferPicturesAreHiddenWhileCapturedOrInactive)),
        ("testTransferPicturesAreClearedByDoneLeavingAndLock", asyncTest(testTransferPicturesAreClearedByDoneLeavingAndLock)),
        ("testTransferInIndonesian", asyncTest(testTransferInIndonesian)),
        ("testTransferPictureSourceIsInjectedAndItsFailureExplained", asyncTest(testTransferPictureSourceIsInjectedAndItsFailureExplained)),
        ("testCostlyImportAsksThenImportsWhenConfirmed", asyncTest(testCostlyImportAsksThenImportsWhenConfirmed)),
        ("testCostlyImportDeclinedOrStopped", asyncTest(testCostlyImportDeclinedOrStopped)),
        ("testGoogleExportPicturesImportTogetherInAnyOrder", asyncTest(testGoogleExportPicturesImportTogetherInAnyOrder)),
    ]

    static let hotpUri = "otpauth://hotp/Bank%20Jatim:siti?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Bank%20Jatim&counter=7&digits=8"

    @MainActor
    private func readyWithAccounts() async throws -> Rig {
        let rig = try await Rig.ready(self)
        for uri in [githubUri, asnUri, Self.hotpUri] { await rig.enroll.enroll(text: uri) }
        let count1 = try await accountCount(rig)
        XCTAssertEqual(count1, 3)
        return rig
    }

    @MainActor
    private func showFirst(_ rig: Rig, _ labels: [String]) async throws -> TransferViewModel {
        rig.app.route = .transfer
        let transfer = try XCTUnwrap(rig.app.transfer)
        await transfer.load()
        for c in transfer.choices where labels.contains(c.label) { transfer.toggle(c.id) }
        transfer.proceed()
        await transfer.accept()
        XCTAssertTrue(transfer.holdsImage)
        return transfer
    }

    /// What the new app gets from a picture: the core scans it into a second, empty vault (as
    /// FreeOTP would scan it; no secret crosses into Swift) and that account must be the one shown,
    /// with every parameter and the same code at the same time.
    @MainActor
    private func checkPicture(_ png: Data, isAccount id: Int64, _ rig: Rig) throws {
        let otherPath = try temporaryDirectory(self).appendingPathComponent("other.kunci").path
        let other = try Authenticator.create(setup: fastSetup(otherPath), keyWrapper: TestKeyWrapper())
        let report = try other.enrollImage(image: png, onConflict: .reject)
        XCTAssertEqual(report.added.count, 1, "one account per picture")
        let scanned = try XCTUnwrap(report.added.first)
        let account = try XCTUnwrap(try rig.core.authenticator.accounts().first { $0.id == id })
        XCTAssertEqual([scanned.issuer, scanned.name], [account.issuer, account.name])
        XCTAssertEqual(scanned.kind, account.kind)
        XCTAssertEqual(scanned.algorithm, account.algorithm)
        XCTAssertEqual(scanned.digits, account.digits)
        XCTAssertEqual(scanned.period, account.period)
        XCTAssertEqual(scanned.counter, account.counter, "an HOTP counter moves along")
        // Both vaults read their clocks a moment apart: compare within one time step (a retry
        // if a step ended in between).
        for attempt in 1...3 {
            let mine = try rig.core.authenticator.codes(), theirs = try other.codes()
            let step = Int64(account.period) * 1000
            if account.kind == .totp, mine.time.utcMs / step != theirs.time.utcMs / step, attempt < 3 { continue }
            let a = try XCTUnwrap(mine.codes.first { $0.accountId == id }), b = try XCTUnwrap(theirs.codes.first)
            XCTAssertEqual(b.code, a.code, "the same secret gives the same code")
            break
        }
    }

    @MainActor
    func testTransferShowsEachChosenAccountAsAQrThatScansBack() async throws {
        let rig = try await readyWithAccounts()
        rig.app.route = .transfer
        let transfer = try XCTUnwrap(rig.app.transfer)
        await transfer.load()
        XCTAssertEqual(transfer.choices.map(\.label), ["GitHub (jo)", "ASN Digital (198001012006041001)", "Bank Jatim (siti)"])
        XCTAssertEqual(transfer.step, .choosing)
        transfer.proceed()
        XCTAssertEqual(transfer.problem?.message, "Choose at least one account.")
        XCTAssertEqual(transfer.step, .choosing)

        let github = transfer.choices[0].id, bank = transfer.choices[2].id
        transfer.toggle(github)
        transfer.toggle(bank)
        transfer.proceed()
        XCTAssertEqual(transfer.step, .warning)
        XCTAssertTrue(transfer.warning.hasPrefix("The next screens show your secret keys."))
        XCTAssertFalse(transfer.holdsImage, "no secret before the warning was accepted")

        await transfer.accept()
        XCTAssertEqual(transfer.step, .showing(index: 0, total: 2))
        XCTAssertEqual(transfer.caption, "GitHub (jo) · 1 of 2")
        try checkPicture(try XCTUnwrap(transfer.visibleImage), isAccount: github, rig)

        await transfer.next()
        XCTAssertEqual(transfer.step, .showing(index: 1, total: 2))
        XCTAssertEqual(transfer.caption, "Bank Jatim (siti) · 2 of 2")
        try checkPicture(try XCTUnwrap(transfer.visibleImage), isAccount: bank, rig)

        await transfer.previous()
        XCTAssertEqual(transfer.caption, "GitHub (jo) · 1 of 2")
        await transfer.next()
        await transfer.next() // past the last: done
        XCTAssertEqual(transfer.step, .finished)
        XCTAssertFalse(transfer.holdsImage)
        XCTAssertNil(transfer.visibleImage)
        let count2 = try await accountCount(rig)
        XCTAssertEqual(count2, 3, "moving out copies; Kunci keeps the accounts")
    }

    /// iOS cannot block screenshots like FLAG_SECURE: the picture is dropped from the screen while
    /// it is recorded or mirrored, or while the app is in the switcher; a screenshot gets a warning.
    @MainActor
    func testTransferPicturesAreHiddenWhileCapturedOrInactive() async throws {
        let rig = try await readyWithAccounts()
        let transfer = try await showFirst(rig, ["GitHub (jo)"])
        XCTAssertNotNil(transfer.visibleImage)
        transfer.setCaptured(true)
        XCTAssertTrue(transfer.covered)
        XCTAssertNil(transfer.visibleImage)
        XCTAssertEqual(transfer.coverText, "Hidden while the screen is being recorded or shared.")
        transfer.setCaptured(false)
        XCTAssertNotNil(transfer.visibleImage)

        rig.app.willResignActive()
        XCTAssertNil(transfer.visibleImage, "not in the app switcher's snapshot")
        XCTAssertEqual(transfer.coverText, "Hidden while Kunci is not in front.")
        await rig.app.didBecomeActive()
        XCTAssertNotNil(transfer.visibleImage)

        transfer.screenshotTaken()
        XCTAssertEqual(transfer.notice, "A screenshot now holds this secret key. Delete it from Photos (and from Recently Deleted) after the move.")
    }

    @MainActor
    func testTransferPicturesAreClearedByDoneLeavingAndLock() async throws {
        let rig = try await readyWithAccounts()
        var transfer = try await showFirst(rig, ["GitHub (jo)", "Bank Jatim (siti)"])
        transfer.done()
        XCTAssertFalse(transfer.holdsImage)
        XCTAssertEqual(transfer.step, .finished)

        transfer = try await showFirst(rig, ["GitHub (jo)"])
        rig.app.route = nil // swiped away
        XCTAssertFalse(transfer.holdsImage)
        XCTAssertNil(rig.app.transfer)

        transfer = try await showFirst(rig, ["GitHub (jo)"])
        rig.app.lock()
        XCTAssertEqual(rig.app.screen, .locked)
        XCTAssertFalse(transfer.holdsImage, "nothing secret stays in memory behind the lock")
        XCTAssertNil(transfer.visibleImage)
    }

    @MainActor
    func testTransferInIndonesian() async throws {
        let rig = try await Rig.ready(self, language: "id")
        await rig.enroll.enroll(text: githubUri)
        rig.app.route = .transfer
        let transfer = try XCTUnwrap(rig.app.transfer)
        await transfer.load()
        transfer.proceed()
        XCTAssertEqual(transfer.problem?.message, "Pilih paling sedikit satu akun.")
        transfer.chooseAll(true)
        transfer.proceed()
        XCTAssertTrue(transfer.warning.hasPrefix("Layar berikutnya menampilkan kunci rahasia Anda."))
        await transfer.accept()
        XCTAssertEqual(transfer.caption, "GitHub (jo) · 1 dari 1")
        transfer.setCaptured(true)
        XCTAssertEqual(transfer.coverText, "Disembunyikan selama layar sedang direkam atau dibagikan.")
    }

    /// The pictures come through AccountQrSource (in the app, the core's accountQrPng); a
    /// failure is shown in words and no picture is kept.
    @MainActor
    func testTransferPictureSourceIsInjectedAndItsFailureExplained() async throws {
        let asked = AskedIds()
        let rig = try Rig(dir: try temporaryDirectory(self), qrSource: { _ in FailingQrSource(asked: asked) })
        await rig.app.start()
        await rig.app.create(passphrase: Rig.passphrase, confirm: Rig.passphrase)
        await rig.enroll.enroll(text: githubUri)
        rig.app.route = .transfer
        let transfer = try XCTUnwrap(rig.app.transfer)
        await transfer.load()
        transfer.chooseAll(true)
        transfer.proceed()
        await transfer.accept()
        XCTAssertEqual(asked.ids, transfer.selectedIds)
        XCTAssertEqual(transfer.problem?.key, "error.locked")
        XCTAssertEqual(transfer.problem?.message, "Kunci is locked. Unlock it first.")
        XCTAssertEqual(transfer.step, .warning, "still at the warning: nothing to show")
        XCTAssertFalse(transfer.holdsImage)
    }

    // MARK: Slow imports

    /// tests/swift/fixtures/ente_costly.json: an Ente Auth export (made with libsodium by
    /// make_ente_costly.py) whose Argon2id asks for 320 MiB, above Kunci's unasked bound.
    static func costlyEnte() throws -> Data {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("fixtures/ente_costly.json")
        return try Data(contentsOf: url)
    }

    static let entePassword = "ente costly passphrase"
    static let enteUris = [
        "otpauth://totp/Ente%20Costly:ani@example.id?secret=CZBVHGCNRUTXMMEHZKQPPQLPUZ2QYZZN&issuer=Ente%20Costly&algorithm=SHA1&digits=6&period=30",
        "otpauth://totp/Portal%20Dua:budi?secret=TFWOHXQZH7PLFJW25UF3LLQDLP3ZW4RU&issuer=Portal%20Dua&algorithm=SHA256&digits=8&period=60",
    ]

    /// Up to the question: the file, then its password, then "this takes a lot of work".
    @MainActor
    private func askConfirmation(_ backup: BackupViewModel) async throws {
        await backup.importFile(try Self.costlyEnte(), filename: "ente-auth-export.txt")
        XCTAssertEqual(backup.importState, .needsPassword(filename: "ente-auth-export.txt", wrong: false))
        await backup.importPassword(Self.entePassword)
        XCTAssertEqual(backup.importState, .needsConfirmation(filename: "ente-auth-export.txt", question:
            "Opening this file takes a lot of work from the phone (a minute or more, and much memory). Continue?"))
        XCTAssertNil(backup.problem)
        XCTAssertFalse(backup.working)
    }

    @MainActor
    func testCostlyImportAsksThenImportsWhenConfirmed() async throws {
        let rig = try await Rig.ready(self)
        let backup = try XCTUnwrap(rig.app.makeBackup())
        try await askConfirmation(backup)
        let count3 = try await accountCount(rig)
        XCTAssertEqual(count3, 0, "nothing derived or added before the answer")
        await backup.confirmCostlyImport()
        XCTAssertNil(backup.problem)
        guard case let .done(title, lines) = backup.importState else { return XCTFail("\(backup.importState)") }
        XCTAssertEqual(title, "2 added, 0 already here, 0 not added.")
        XCTAssertEqual(lines.first, "Read as: ente")
        let list = try rig.core.authenticator.codes()
        XCTAssertEqual(list.codes.map(\.issuer), ["Ente Costly", "Portal Dua"])
        for (uri, code) in zip(Self.enteUris, list.codes) {
            XCTAssertEqual(code.code, try codeForUri(uri: uri, unixTime: list.time.utcMs / 1000).code)
        }
        XCTAssertEqual(rig.codes.rows.count, 2, "the code list was refreshed")
    }

    @MainActor
    func testCostlyImportDeclinedOrStopped() async throws {
        let rig = try await Rig.ready(self)
        let backup = try XCTUnwrap(rig.app.makeBackup())
        // Declined at the question: nothing runs, nothing is added.
        try await askConfirmation(backup)
        backup.cancelImport()
        XCTAssertEqual(backup.importState, .idle)
        XCTAssertNil(backup.problem)
        await backup.confirmCostlyImport() // a late tap after Cancel does nothing
        XCTAssertEqual(backup.importState, .idle)
        let count4 = try await accountCount(rig)
        XCTAssertEqual(count4, 0)

        // Confirmed, then Stop while it runs.
        try await askConfirmation(backup)
        XCTAssertFalse(backup.stoppable)
        let running = Task { await backup.confirmCostlyImport() }
        try await waitUntil("the import runs") { backup.stoppable }
        backup.stopRunningImport()
        await running.value
        XCTAssertEqual(backup.problem?.key, "error.cancelled")
        XCTAssertEqual(backup.problem?.message, "The import was stopped. Nothing was added.")
        XCTAssertEqual(backup.importState, .idle)
        XCTAssertFalse(backup.working)
        XCTAssertFalse(backup.stoppable)
        let count5 = try await accountCount(rig)
        XCTAssertEqual(count5, 0)
    }

    /// The file picker hands over several files at once: the QR pictures of one Google
    /// Authenticator export, picked in any order, are read as one batch.
    @MainActor
    func testGoogleExportPicturesImportTogetherInAnyOrder() async throws {
        let rig = try await Rig.ready(self)
        let pictures = try (0..<3).map { i in
            try renderQrPng(text: migrationUri([MigrationAccount(secret: randomBytes(10), name: "pegawai\(i)", issuer: "Dinas \(i)")],
                                               batchSize: 3, batchIndex: UInt8(i)), modulePx: 4)
        }
        let backup = try XCTUnwrap(rig.app.makeBackup())
        await backup.importFiles([pictures[2], pictures[0], pictures[1]], name: "IMG_3.png, IMG_1.png, IMG_2.png")
        XCTAssertNil(backup.problem)
        guard case let .done(title, lines) = backup.importState else { return XCTFail("\(backup.importState)") }
        XCTAssertEqual(title, "3 added, 0 already here, 0 not added.")
        XCTAssertEqual(lines.first?.hasPrefix("Read as: "), true)
        XCTAssertEqual(Set(rig.codes.rows.map(\.title)), ["Dinas 0", "Dinas 1", "Dinas 2"])
    }
}

/// Records which accounts were asked for, from the view model's background queue.
final class AskedIds: @unchecked Sendable {
    private let lock = NSLock()
    private var list: [Int64] = []
    var ids: [Int64] { lock.withLock { list } }
    func add(_ id: Int64) { lock.withLock { list.append(id) } }
}

struct FailingQrSource: AccountQrSource {
    let asked: AskedIds
    func qrPng(accountId: Int64) throws -> Data {
        asked.add(accountId)
        throw KunciError.Locked(message: "locked")
    }
}

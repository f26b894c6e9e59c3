// The iOS app's top level (ios/Sources/KunciAppLogic/AppModel): first run with a recovery
// passphrase, a vault the device key cannot open, app lock with Face ID / passcode, lock after
// time in the background, the privacy cover, and the background sync. All with the real core.
import Foundation
import Kunci
import KunciAppLogic
import XCTest

final class AppLogicTests: XCTestCase {
    static let allTests = [
        ("testFirstRunCreatesVaultWithRecoveryPassphrase", asyncTest(testFirstRunCreatesVaultWithRecoveryPassphrase)),
        ("testRestoredVaultAsksForRecoveryPassphraseAndRekeys", asyncTest(testRestoredVaultAsksForRecoveryPassphraseAndRekeys)),
        ("testDamagedVaultIsExplainedNotOverwritten", asyncTest(testDamagedVaultIsExplainedNotOverwritten)),
        ("testLockAndUnlockWithDeviceAuthentication", asyncTest(testLockAndUnlockWithDeviceAuthentication)),
        ("testUnlockWithPassphraseWhenNoPasscode", asyncTest(testUnlockWithPassphraseWhenNoPasscode)),
        ("testLockAfterTimeInBackgroundOnTheMonotonicClock", asyncTest(testLockAfterTimeInBackgroundOnTheMonotonicClock)),
        ("testPrivacyCoverInTheAppSwitcher", asyncTest(testPrivacyCoverInTheAppSwitcher)),
        ("testBackgroundSyncSyncsAndSchedulesTheNext", asyncTest(testBackgroundSyncSyncsAndSchedulesTheNext)),
        ("testSettingsLockChoiceAndPassphraseChange", asyncTest(testSettingsLockChoiceAndPassphraseChange)),
        ("testLaunchAsksFaceIdFirst", asyncTest(testLaunchAsksFaceIdFirst)),
    ]

    @MainActor
    func testFirstRunCreatesVaultWithRecoveryPassphrase() async throws {
        let rig = try Rig(dir: try temporaryDirectory(self))
        await rig.app.start()
        XCTAssertEqual(rig.app.screen, .firstRun)
        XCTAssertTrue(rig.storage.excluded, "the vault directory is excluded from device backups")
        await rig.app.create(passphrase: "short", confirm: "short")
        XCTAssertEqual(rig.app.screen, .firstRun)
        XCTAssertEqual(rig.app.problem?.message, "Use at least 10 characters; a few words are easy to remember.")
        await rig.app.create(passphrase: Rig.passphrase, confirm: Rig.passphrase + "x")
        XCTAssertEqual(rig.app.problem?.message, "The two entries are not the same.")
        await rig.app.create(passphrase: Rig.passphrase, confirm: Rig.passphrase)
        XCTAssertEqual(rig.app.screen, .ready)
        XCTAssertNil(rig.app.problem)
        // The passphrase slot really opens the file, without the device key.
        let path = try rig.storage.vaultPath()
        XCTAssertNoThrow(try Authenticator.openWithPassphrase(setup: fastSetup(path), passphrase: Data(Rig.passphrase.utf8)))
    }

    /// A vault restored from a backup or copied from another phone, whose Keychain key stayed
    /// behind: the app asks for the recovery passphrase and gives the vault this device's key.
    @MainActor
    func testRestoredVaultAsksForRecoveryPassphraseAndRekeys() async throws {
        let dir = try temporaryDirectory(self)
        let old = try Rig(dir: dir)
        await old.app.start()
        await old.app.create(passphrase: Rig.passphrase, confirm: Rig.passphrase)
        await old.enroll.enroll(text: githubUri)
        XCTAssertEqual(old.enroll.report?.added, ["GitHub (jo)"])

        let newPhoneKey = TestKeyWrapper()
        let restored = try Rig(dir: dir, keyWrapper: newPhoneKey)
        await restored.app.start()
        XCTAssertEqual(restored.app.screen, .recover)
        await restored.app.recover(passphrase: "not the passphrase")
        XCTAssertEqual(restored.app.screen, .recover)
        XCTAssertEqual(restored.app.problem?.key, "error.wrongPassphrase")
        await restored.app.recover(passphrase: Rig.passphrase)
        XCTAssertEqual(restored.app.screen, .ready)
        await restored.codes.refresh()
        XCTAssertEqual(restored.codes.rows.map(\.title), ["GitHub"])

        // Next start on the new phone: its own key opens the vault, no passphrase.
        let again = try Rig(dir: dir, keyWrapper: newPhoneKey)
        await again.app.start()
        XCTAssertEqual(again.app.screen, .ready)
    }

    @MainActor
    func testDamagedVaultIsExplainedNotOverwritten() async throws {
        let dir = try temporaryDirectory(self)
        let rig = try Rig(dir: dir)
        let garbage = Data("this is not a vault, just a file someone put here".utf8)
        try garbage.write(to: URL(fileURLWithPath: try rig.storage.vaultPath()))
        await rig.app.start()
        guard case let .failed(problem) = rig.app.screen else {
            return XCTFail("expected a failure screen, got \(rig.app.screen)")
        }
        XCTAssertEqual(problem.key, "error.vaultDamaged")
        XCTAssertEqual(problem.message, "Kunci's saved accounts are damaged, so they cannot be opened. Import your last backup file.")
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: try rig.storage.vaultPath())), garbage, "nothing written")
    }

    @MainActor
    func testLockAndUnlockWithDeviceAuthentication() async throws {
        let rig = try await Rig.ready(self)
        await rig.enroll.enroll(text: githubUri)
        rig.app.lock()
        XCTAssertEqual(rig.app.screen, .locked)
        // The core really forgot the key: nothing can be read while locked.
        do {
            _ = try await rig.core.run { try $0.codes() }
            XCTFail("codes while locked")
        } catch let error as KunciError {
            XCTAssertEqual(ErrorText.key(for: error), "error.locked")
        }

        rig.auth.answer = .cancelled
        await rig.app.unlock()
        XCTAssertEqual(rig.app.screen, .locked)
        XCTAssertNil(rig.app.problem, "a cancelled prompt is not an error")
        rig.auth.answer = .failed(reason: "Face ID not recognised.")
        await rig.app.unlock()
        XCTAssertEqual(rig.app.screen, .locked)
        XCTAssertEqual(rig.app.problem?.message, "Could not unlock: Face ID not recognised.")
        rig.auth.answer = .success
        await rig.app.unlock()
        XCTAssertEqual(rig.app.screen, .ready)
        XCTAssertNil(rig.app.problem)
        XCTAssertEqual(rig.auth.prompts, Array(repeating: "Unlock Kunci to see your codes", count: 3))
        XCTAssertEqual(rig.codes.rows.map(\.title), ["GitHub"])
    }

    @MainActor
    func testUnlockWithPassphraseWhenNoPasscode() async throws {
        let rig = try await Rig.ready(self)
        rig.app.lock()
        rig.auth.answer = .unavailable
        await rig.app.unlock()
        XCTAssertEqual(rig.app.problem?.key, "lock.noPasscode")
        await rig.app.unlock(passphrase: "wrong wrong wrong")
        XCTAssertEqual(rig.app.screen, .locked)
        XCTAssertEqual(rig.app.problem?.key, "error.wrongPassphrase")
        await rig.app.unlock(passphrase: Rig.passphrase)
        XCTAssertEqual(rig.app.screen, .ready)
    }

    @MainActor
    func testLockAfterTimeInBackgroundOnTheMonotonicClock() async throws {
        let rig = try await Rig.ready(self)
        XCTAssertEqual(rig.app.lockAfterSeconds, 60)
        rig.app.didEnterBackground()
        rig.clock.advance(seconds: 30)
        rig.wall.jump(3 * 3600) // the phone's clock moving does not count as time away
        await rig.app.didBecomeActive()
        XCTAssertEqual(rig.app.screen, .ready)

        rig.app.didEnterBackground()
        rig.clock.advance(seconds: 61)
        await rig.app.didBecomeActive()
        XCTAssertEqual(rig.app.screen, .locked)
        rig.auth.answer = .success
        await rig.app.unlock()

        rig.app.lockAfterSeconds = 0
        rig.app.didEnterBackground()
        XCTAssertEqual(rig.app.screen, .locked, "immediately: locked before the snapshot")
        await rig.app.unlock()

        rig.app.lockAfterSeconds = -1
        rig.app.didEnterBackground()
        rig.clock.advance(seconds: 86_400)
        await rig.app.didBecomeActive()
        XCTAssertEqual(rig.app.screen, .ready, "never")
    }

    @MainActor
    func testPrivacyCoverInTheAppSwitcher() async throws {
        let rig = try await Rig.ready(self)
        XCTAssertFalse(rig.app.privacyCover)
        rig.app.willResignActive() // app switcher: the snapshot is taken after this
        XCTAssertTrue(rig.app.privacyCover)
        await rig.app.didBecomeActive()
        XCTAssertFalse(rig.app.privacyCover)
        XCTAssertEqual(rig.app.screen, .ready)
        rig.app.didEnterBackground()
        XCTAssertTrue(rig.app.privacyCover)
    }

    @MainActor
    func testBackgroundSyncSyncsAndSchedulesTheNext() async throws {
        let server = try FakeNtpServer(offsetSeconds: 45)
        defer { server.stop() }
        let scheduler = FakeScheduler()
        let dir = try temporaryDirectory(self)
        let clock = SteppedBootClock()
        let platform = Core.Platform(keyWrapper: TestKeyWrapper(), bootClock: clock, options: fastOptions)
        let app = AppModel(.init(storage: TestStorage(dir), platform: platform, deviceAuth: FakeDeviceAuth(), clock: clock,
                                 wall: FakeWallClock(), pasteboard: FakePasteboard(), settings: MemorySettings(),
                                 localizer: try localizer(), syncServers: [server.address], scheduler: scheduler))
        await app.start()
        await app.create(passphrase: Rig.passphrase, confirm: Rig.passphrase)
        XCTAssertEqual(scheduler.requests, [BackgroundSync.interval], "scheduled when the vault opens")
        let synced = await app.backgroundSync()
        XCTAssertTrue(synced)
        XCTAssertEqual(scheduler.requests.count, 2, "the next one asked for")
        let time = try await app.core!.run { $0.timeNow() }
        XCTAssertEqual(time.status, .synced)
        XCTAssertEqual(Double(time.offsetMs), 45_000, accuracy: 2_000)
        app.lock()
        let whileLocked = await app.backgroundSync()
        XCTAssertFalse(whileLocked, "a locked app does not sync in the background")
    }

    @MainActor
    func testSettingsLockChoiceAndPassphraseChange() async throws {
        let rig = try await Rig.ready(self, language: "id")
        let settings = rig.app.makeSettings()
        XCTAssertEqual(settings.lockChoices.map(\.seconds), [0, 60, 300, -1])
        XCTAssertEqual(settings.lockChoices.map(\.label), ["Langsung", "Setelah 1 menit", "Setelah 5 menit", "Tidak pernah"])
        let before = settings.changes
        settings.lockAfter = 300
        XCTAssertGreaterThan(settings.changes, before, "the screen is told to re-render")
        XCTAssertEqual(rig.settings.integer("lock.afterSeconds"), 300, "kept in the settings store")
        XCTAssertEqual(rig.app.lockAfterSeconds, 300)

        let new = "kata sandi baru yang panjang"
        await settings.changePassphrase(old: "bukan yang lama", new: new, confirm: new)
        XCTAssertEqual(settings.problem?.key, "error.wrongPassphrase")
        XCTAssertFalse(settings.passphraseChanged)
        await settings.changePassphrase(old: Rig.passphrase, new: "pendek", confirm: "pendek")
        XCTAssertEqual(settings.problem?.message, "Pakai paling sedikit 10 karakter; beberapa kata lebih mudah diingat.")
        await settings.changePassphrase(old: Rig.passphrase, new: new, confirm: new)
        XCTAssertNil(settings.problem)
        XCTAssertTrue(settings.passphraseChanged)
        let path = try rig.storage.vaultPath()
        XCTAssertThrowsError(try Authenticator.openWithPassphrase(setup: fastSetup(path), passphrase: Data(Rig.passphrase.utf8)))
        XCTAssertNoThrow(try Authenticator.openWithPassphrase(setup: fastSetup(path), passphrase: Data(new.utf8)))
        // The device key still opens it too.
        let again = try Rig(dir: URL(fileURLWithPath: path).deletingLastPathComponent(), keyWrapper: rig.keyWrapper)
        await again.app.start()
        XCTAssertEqual(again.app.screen, .ready)
    }

    /// At launch with a vault: Face ID / passcode first; a cancelled prompt leaves the lock screen
    /// (not the recovery screen), and a phone without a passcode can open with the passphrase.
    @MainActor
    func testLaunchAsksFaceIdFirst() async throws {
        let dir = try temporaryDirectory(self)
        let key = TestKeyWrapper()
        let first = try Rig(dir: dir, keyWrapper: key)
        await first.app.start()
        await first.app.create(passphrase: Rig.passphrase, confirm: Rig.passphrase)
        XCTAssertEqual(first.auth.prompts, [], "no prompt when there is nothing to open yet")
        await first.enroll.enroll(text: githubUri)

        let cancelled = try Rig(dir: dir, keyWrapper: key)
        cancelled.auth.answer = .cancelled
        await cancelled.app.start()
        XCTAssertEqual(cancelled.app.screen, .locked)
        XCTAssertNil(cancelled.app.problem)
        XCTAssertNil(cancelled.app.core, "nothing opened before the user proved it is them")
        XCTAssertEqual(cancelled.auth.prompts.count, 1)
        cancelled.auth.answer = .success
        await cancelled.app.unlock()
        XCTAssertEqual(cancelled.app.screen, .ready)
        try await waitUntil("the list") { cancelled.app.codes?.rows.count == 1 }

        let noPasscode = try Rig(dir: dir, keyWrapper: key)
        noPasscode.auth.answer = .unavailable
        await noPasscode.app.start()
        XCTAssertEqual(noPasscode.app.screen, .locked)
        XCTAssertEqual(noPasscode.app.problem?.key, "lock.noPasscode")
        await noPasscode.app.unlock(passphrase: "salah salah salah")
        XCTAssertEqual(noPasscode.app.problem?.key, "error.wrongPassphrase")
        await noPasscode.app.unlock(passphrase: Rig.passphrase)
        XCTAssertEqual(noPasscode.app.screen, .ready)
        XCTAssertNil(noPasscode.app.problem)
    }
}

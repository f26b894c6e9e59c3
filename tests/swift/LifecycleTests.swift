// What outlives a launch of the iOS app (ios/Sources/KunciAppLogic): QA's time sources set on the
// settings screen or by launch argument, kept in the settings store and used by "sync now"
// against a fake NTP server on 127.0.0.1; bad values refused in words; and the screen state
// (route, search, group, a half-filled manual form) saved when the app leaves the screen and
// restored over the same vault after the app was killed, without any secret in it.
import Foundation
import Kunci
import KunciAppLogic
import XCTest

final class LifecycleTests: XCTestCase {
    static let allTests = [
        ("testTimeSourcesSettingSyncsAgainstTheChosenServerAndIsKept", asyncTest(testTimeSourcesSettingSyncsAgainstTheChosenServerAndIsKept)),
        ("testTimeSourcesBadValuesAreRefusedInWords", asyncTest(testTimeSourcesBadValuesAreRefusedInWords)),
        ("testLaunchArgumentSetsTimeSourcesAndTheyStay", asyncTest(testLaunchArgumentSetsTimeSourcesAndTheyStay)),
        ("testBadLaunchArgumentIsRefusedInWords", asyncTest(testBadLaunchArgumentIsRefusedInWords)),
        ("testHttpsSourcesReachTheCoreAtTheNextStart", asyncTest(testHttpsSourcesReachTheCoreAtTheNextStart)),
        ("testScreenStateSurvivesTheAppBeingKilled", asyncTest(testScreenStateSurvivesTheAppBeingKilled)),
        ("testSavedStateHoldsNoSecret", asyncTest(testSavedStateHoldsNoSecret)),
        ("testScreenAboutADeletedAccountIsNotReopened", asyncTest(testScreenAboutADeletedAccountIsNotReopened)),
        ("testUnreadableSavedStateIsIgnored", asyncTest(testUnreadableSavedStateIsIgnored)),
        ("testScreenModelStaysWhileItsRouteIsOnTop", asyncTest(testScreenModelStaysWhileItsRouteIsOnTop)),
    ]

    // MARK: Time sources

    @MainActor
    func testTimeSourcesSettingSyncsAgainstTheChosenServerAndIsKept() async throws {
        let server = try FakeNtpServer(offsetSeconds: 90)
        defer { server.stop() }
        let rig = try await Rig.ready(self)
        XCTAssertTrue(rig.app.timeSources.isDefault, "nothing set: the core's own sources")
        let settings = rig.app.makeSettings()
        XCTAssertEqual([settings.qaNtp, settings.qaHttps, settings.qaQuorum], ["", "", ""])
        XCTAssertEqual(settings.quorumInUse, "In use now: 3.", "the core's default")
        settings.qaNtp = " \(server.address) "
        settings.qaQuorum = "1"
        settings.saveTimeSources()
        XCTAssertEqual(settings.qaErrors, [:])
        XCTAssertEqual(settings.qaNotice, "Saved. The next sync uses these sources.")
        XCTAssertEqual(rig.app.timeSources, TimeSources(ntpServers: [server.address], quorum: 1))

        // "Sync now" asks the server chosen here, at once (no restart).
        await rig.codes.sync()
        XCTAssertNil(rig.codes.problem)
        XCTAssertGreaterThan(server.repliesSent, 0)
        XCTAssertEqual(rig.codes.notice, "Time checked (servers agreeing: 1). Your phone clock is 1 min 30 s behind; codes are corrected.")

        // The next launch (same settings store, same vault) still has them, on screen and in use.
        let relaunched = try Rig(dir: rig.storage.dir, keyWrapper: rig.keyWrapper, settings: rig.settings)
        await relaunched.app.start()
        XCTAssertEqual(relaunched.app.screen, .ready)
        await relaunched.app.settled()
        let again = relaunched.app.makeSettings()
        XCTAssertEqual(again.qaNtp, server.address)
        XCTAssertEqual(again.qaQuorum, "1")
        XCTAssertEqual(again.quorumInUse, "In use now: 1.")
        let before = server.repliesSent
        await relaunched.codes.sync()
        XCTAssertNil(relaunched.codes.problem)
        XCTAssertGreaterThan(server.repliesSent, before)

        // Back to the built-in sources.
        again.resetTimeSources()
        XCTAssertEqual(again.qaNotice, "Saved. Kunci uses its own time sources. The change is complete the next time Kunci starts.",
                       "the vault was opened with the QA server")
        XCTAssertTrue(relaunched.app.timeSources.isDefault)
    }

    @MainActor
    func testTimeSourcesBadValuesAreRefusedInWords() async throws {
        let rig = try await Rig.ready(self)
        let settings = rig.app.makeSettings()
        settings.qaNtp = "127.0.0.1:123, 127.0.0.1:99999"
        settings.qaHttps = "http://time.example.com/"
        settings.qaQuorum = "0"
        settings.saveTimeSources()
        XCTAssertEqual(settings.qaErrors[.ntp], "\"127.0.0.1:99999\" is not a server address. Write a name or IP address, "
            + "with a port if needed, for example 192.168.1.5:123.")
        XCTAssertEqual(settings.qaErrors[.https], "\"http://time.example.com/\" is not an HTTPS address. It must start with "
            + "https://, for example https://www.example.com/.")
        XCTAssertEqual(settings.qaErrors[.quorum], "Write a whole number from 1 to 16, or leave it empty.")
        XCTAssertNil(settings.qaNotice)
        XCTAssertTrue(rig.app.timeSources.isDefault, "nothing is kept while a field is wrong")

        // Each kind of slip, one at a time; and what is fine.
        let l = try localizer()
        for bad in ["time.example.com:abc", "[::1", "[::1]x", "exa_mple.com", "-lead.example.com", "host:1:2", "127.0.0.1:0"] {
            guard case let .failure(f) = TimeSources.parse(ntp: bad, https: "", quorum: "", l) else {
                XCTFail("\(bad) was accepted")
                continue
            }
            XCTAssertEqual(f.errors.keys.sorted { $0.rawValue < $1.rawValue }, [.ntp], bad)
        }
        for bad in ["https://", "ftp://example.com/", "www.example.com"] {
            guard case .failure = TimeSources.parse(ntp: "", https: bad, quorum: "", l) else { return XCTFail("\(bad) was accepted") }
        }
        for bad in ["17", "-1", "two", "1.5"] {
            guard case .failure = TimeSources.parse(ntp: "", https: "", quorum: bad, l) else { return XCTFail("\(bad) was accepted") }
        }
        let good = TimeSources.parse(ntp: "pool.ntp.org time.bmkg.go.id:123,[::1]:1123\n10.0.2.2", https: "https://www.bmkg.go.id/",
                                     quorum: " 2 ", l)
        XCTAssertEqual(try good.get(), TimeSources(ntpServers: ["pool.ntp.org", "time.bmkg.go.id:123", "[::1]:1123", "10.0.2.2"],
                                                   httpsUrls: ["https://www.bmkg.go.id/"], quorum: 2))

        // In Indonesian too.
        let id = try localizer("id")
        guard case let .failure(f) = TimeSources.parse(ntp: "a:b", https: "", quorum: "99", id) else { return XCTFail("accepted") }
        XCTAssertEqual(f.errors[.ntp], "\"a:b\" bukan alamat server. Tulis nama atau alamat IP, dengan port bila perlu, misalnya 192.168.1.5:123.")
        XCTAssertEqual(f.errors[.quorum], "Tulis bilangan bulat dari 1 sampai 16, atau biarkan kosong.")
    }

    /// `-KunciNtpServer 127.0.0.1:port -KunciQuorum 1`: used, and kept for the launches after.
    @MainActor
    func testLaunchArgumentSetsTimeSourcesAndTheyStay() async throws {
        let server = try FakeNtpServer(offsetSeconds: 90)
        defer { server.stop() }
        let dir = try temporaryDirectory(self)
        let rig = try Rig(dir: dir, launchArguments: ["KunciNtpServer": server.address, "KunciQuorum": "1"])
        await rig.app.start()
        await rig.app.create(passphrase: Rig.passphrase, confirm: Rig.passphrase)
        await rig.app.settled()
        XCTAssertNil(rig.codes.problem)
        await rig.codes.sync()
        XCTAssertGreaterThan(server.repliesSent, 0)
        XCTAssertEqual(rig.codes.banner?.text, "Your phone clock is 1 min 30 s behind; codes are corrected.")

        let next = try Rig(dir: dir, keyWrapper: rig.keyWrapper, settings: rig.settings)
        XCTAssertEqual(next.app.timeSources, TimeSources(ntpServers: [server.address], quorum: 1))
        XCTAssertEqual(next.app.makeSettings().qaNtp, server.address)
    }

    @MainActor
    func testBadLaunchArgumentIsRefusedInWords() async throws {
        let rig = try Rig(dir: try temporaryDirectory(self), launchArguments: ["KunciNtpServer": "127.0.0.1:70000"])
        await rig.app.start()
        XCTAssertEqual(rig.app.problem?.message, "The time sources given at launch were not used. \"127.0.0.1:70000\" is not a "
            + "server address. Write a name or IP address, with a port if needed, for example 192.168.1.5:123.")
        await rig.app.create(passphrase: Rig.passphrase, confirm: Rig.passphrase)
        XCTAssertEqual(rig.codes.problem?.key, "qa.launchRefused", "shown on the code list once it is there")
        XCTAssertTrue(rig.app.timeSources.isDefault)
    }

    /// HTTPS URLs go to the core when the vault opens: saved while open, the screen says they
    /// apply at the next start, and the next start opens the vault with them.
    @MainActor
    func testHttpsSourcesReachTheCoreAtTheNextStart() async throws {
        let rig = try await Rig.ready(self)
        let settings = rig.app.makeSettings()
        settings.qaHttps = "https://time.example.id/"
        settings.saveTimeSources()
        XCTAssertEqual(settings.qaNotice, "Saved. The next sync uses these sources. The change is complete the next time Kunci starts.")
        let next = try Rig(dir: rig.storage.dir, keyWrapper: rig.keyWrapper, settings: rig.settings)
        await next.app.start()
        XCTAssertEqual(next.app.screen, .ready)
        XCTAssertEqual(next.app.sourcesAtOpen.httpsUrls, ["https://time.example.id/"])
        XCTAssertEqual(next.app.timeSources.options(over: fastOptions).httpsUrls, ["https://time.example.id/"])
        // Saved again unchanged: nothing waits for a restart now.
        let same = next.app.makeSettings()
        same.saveTimeSources()
        XCTAssertEqual(same.qaNotice, "Saved. The next sync uses these sources.")
    }

    // MARK: Screen state

    /// The user was typing a manual entry (a filter on the list behind it) when iOS killed the
    /// app in the background; the next launch opens on the same form.
    @MainActor
    func testScreenStateSurvivesTheAppBeingKilled() async throws {
        let store = MemoryStateStore()
        let rig = try await Rig.ready(self, stateStore: store)
        await rig.enroll.enroll(text: githubUri)
        await rig.enroll.enroll(text: asnUri)
        let asn = try XCTUnwrap(rig.codes.rows.first { $0.title == "ASN Digital" })
        await rig.codes.setGroup(id: asn.id, group: "Kantor")
        rig.codes.showGroup("Kantor")
        await rig.codes.search("ASN")
        rig.app.route = .manualEntry
        rig.enroll.form.issuer = "Portal Dinas"
        rig.enroll.form.account = "budi"
        rig.enroll.form.secret = "JBSW Y3DP EHPK 3PXP JBSW Y3DP"
        rig.enroll.form.algorithm = .sha256
        rig.enroll.form.digits = "8"
        rig.enroll.form.period = "60"
        rig.app.didEnterBackground()
        XCTAssertNotNil(store.data)

        // Killed: nothing of the old process is used but the vault file, the Keychain key, the
        // settings and the saved state.
        let next = try Rig(dir: rig.storage.dir, keyWrapper: rig.keyWrapper, settings: rig.settings, stateStore: store)
        await next.app.start()
        XCTAssertEqual(next.app.screen, .ready)
        await next.app.settled()
        XCTAssertEqual(next.app.route, .manualEntry)
        XCTAssertEqual(next.enroll.form.issuer, "Portal Dinas")
        XCTAssertEqual(next.enroll.form.account, "budi")
        XCTAssertEqual(next.enroll.form.algorithm, .sha256)
        XCTAssertEqual(next.enroll.form.digits, "8")
        XCTAssertEqual(next.enroll.form.period, "60")
        XCTAssertEqual(next.enroll.form.secret, "", "the secret is not kept")
        XCTAssertEqual(next.enroll.formErrors[.secret],
                       "For your safety the secret key is not kept when the app closes. Please type it again.")
        XCTAssertEqual(next.codes.searchText, "ASN")
        XCTAssertEqual(next.codes.selectedGroup, "Kantor")
        XCTAssertEqual(next.codes.rows.map(\.title), ["ASN Digital"])

        // Finishing the form works as before: type the secret, save.
        next.enroll.form.secret = "JBSWY3DPEHPK3PXPJBSWY3DP"
        await next.enroll.submitForm()
        XCTAssertEqual(next.enroll.report?.added, ["Portal Dinas (budi)"])
        next.app.route = nil
        next.app.didEnterBackground()
        let third = try Rig(dir: rig.storage.dir, keyWrapper: rig.keyWrapper, settings: rig.settings, stateStore: store)
        await third.app.start()
        await third.app.settled()
        XCTAssertNil(third.app.route, "closed screens stay closed")
        XCTAssertEqual(third.enroll.form, ManualEntry(), "a saved form is not restored twice")
    }

    @MainActor
    func testSavedStateHoldsNoSecret() async throws {
        let store = MemoryStateStore()
        let rig = try await Rig.ready(self, stateStore: store)
        await rig.enroll.enroll(text: githubUri)
        await rig.enroll.enroll(text: asnUri)
        let shownCodes = rig.codes.rows.map(\.code)
        rig.app.route = .transfer
        let transfer = try XCTUnwrap(rig.app.transfer)
        await transfer.load()
        transfer.chooseAll(true)
        transfer.proceed()
        await transfer.accept()
        XCTAssertTrue(transfer.holdsImage)
        rig.enroll.form.secret = "GEZDGNBVGY3TQOJQ"
        rig.enroll.form.issuer = "Bank"
        rig.app.willResignActive()
        rig.app.didEnterBackground()
        let text = String(decoding: try XCTUnwrap(store.data), as: UTF8.self)
        for secret in ["JBSWY3DPEHPK3PXP", "GEZDGNBVGY3TQOJQ", Rig.passphrase, "otpauth", "iVBOR" /* a PNG in base64 */] {
            XCTAssertFalse(text.contains(secret), "saved state holds \(secret): \(text)")
        }
        for code in shownCodes { XCTAssertFalse(text.contains(code), "saved state holds a code") }
        XCTAssertTrue(text.contains("Bank"), "the form's other fields are kept")
        let saved = try JSONDecoder().decode(SavedState.self, from: try XCTUnwrap(store.data))
        XCTAssertEqual(saved.transferIds.count, 2, "the transfer keeps which accounts were chosen")

        // Back after the kill: the same choice, at the warning, no picture until accepted again.
        let next = try Rig(dir: rig.storage.dir, keyWrapper: rig.keyWrapper, settings: rig.settings, stateStore: store)
        await next.app.start()
        await next.app.settled()
        XCTAssertEqual(next.app.route, .transfer)
        let restored = try XCTUnwrap(next.app.transfer)
        XCTAssertEqual(restored.selectedIds, saved.transferIds)
        XCTAssertEqual(restored.step, .warning)
        XCTAssertFalse(restored.holdsImage)
    }

    @MainActor
    func testScreenAboutADeletedAccountIsNotReopened() async throws {
        let store = MemoryStateStore()
        let rig = try await Rig.ready(self, stateStore: store)
        await rig.enroll.enroll(text: githubUri)
        let id = try XCTUnwrap(rig.codes.rows.first?.id)
        rig.app.route = .help(accountId: id)
        rig.app.didEnterBackground()
        let saved = try XCTUnwrap(store.data)
        // Still there: reopened.
        let next = try Rig(dir: rig.storage.dir, keyWrapper: rig.keyWrapper, settings: rig.settings, stateStore: MemoryStateStore(saved))
        await next.app.start()
        await next.app.settled()
        XCTAssertEqual(next.app.route, .help(accountId: id))
        // Deleted meanwhile: the list, not a screen about nothing.
        try await next.core.run { try $0.remove(id: id) }
        let after = try Rig(dir: rig.storage.dir, keyWrapper: rig.keyWrapper, settings: rig.settings, stateStore: MemoryStateStore(saved))
        await after.app.start()
        await after.app.settled()
        XCTAssertEqual(after.app.screen, .ready)
        XCTAssertNil(after.app.route)
    }

    @MainActor
    func testUnreadableSavedStateIsIgnored() async throws {
        let first = try await Rig.ready(self)
        for junk in [Data("not json".utf8), Data(#"{"version": 99, "route": {"backup": {}}}"#.utf8), Data()] {
            let rig = try Rig(dir: first.storage.dir, keyWrapper: first.keyWrapper, settings: first.settings,
                              stateStore: MemoryStateStore(junk))
            await rig.app.start()
            await rig.app.settled()
            XCTAssertEqual(rig.app.screen, .ready)
            XCTAssertNil(rig.app.route)
            XCTAssertNil(rig.codes.problem)
        }
    }

    /// SwiftUI asks for the sheet's model again on every change of the list behind it: while the
    /// route stays, it is the same model, so a password prompt or a running import is not lost.
    @MainActor
    func testScreenModelStaysWhileItsRouteIsOnTop() async throws {
        let rig = try await Rig.ready(self)
        rig.app.route = .backup
        let backup = try XCTUnwrap(rig.app.makeBackup())
        await backup.importFile(try TransferTests.costlyEnte(), filename: "ente.txt")
        XCTAssertEqual(backup.importState, .needsPassword(filename: "ente.txt", wrong: false))
        await rig.codes.tick() // the list behind moves on
        XCTAssertTrue(rig.app.makeBackup() === backup)
        XCTAssertEqual(rig.app.makeBackup()?.importState, .needsPassword(filename: "ente.txt", wrong: false))
        rig.app.route = nil
        rig.app.route = .backup
        XCTAssertFalse(rig.app.makeBackup() === backup, "a new visit starts fresh")
        rig.app.route = .guide
        let guide = rig.app.makeGuide()
        XCTAssertTrue(rig.app.makeGuide() === guide)
        rig.app.lock()
        XCTAssertFalse(rig.app.makeGuide() === guide, "nothing typed survives the lock")
    }
}

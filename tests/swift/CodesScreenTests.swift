// The code list (CodesViewModel) with the real core: codes at the trusted time, the countdown on
// the boot clock and not the wall clock, next code, copy with expiry, HOTP next, search, groups,
// rename, notes, reorder, delete with confirmation, the time banner and "sync now" in words.
import Foundation
import Kunci
import KunciAppLogic
import XCTest

final class CodesScreenTests: XCTestCase {
    static let allTests = [
        ("testRowsShowTheCoresCodes", asyncTest(testRowsShowTheCoresCodes)),
        ("testCountdownFollowsTheBootClockNotAWallClockJump", asyncTest(testCountdownFollowsTheBootClockNotAWallClockJump)),
        ("testCodeChangesWhenTheStepEndsAndNextIsShownBefore", asyncTest(testCodeChangesWhenTheStepEndsAndNextIsShownBefore)),
        ("testCopyExpiresOnTheDeviceClock", asyncTest(testCopyExpiresOnTheDeviceClock)),
        ("testHotpNextAdvancesTheCounterAndCopies", asyncTest(testHotpNextAdvancesTheCounterAndCopies)),
        ("testSearchAndGroups", asyncTest(testSearchAndGroups)),
        ("testRenameNotesAndReorder", asyncTest(testRenameNotesAndReorder)),
        ("testDeleteAsksForConfirmation", asyncTest(testDeleteAsksForConfirmation)),
        ("testBannerBeforeAnySync", asyncTest(testBannerBeforeAnySync)),
        ("testSyncNowOutcomeInWords", asyncTest(testSyncNowOutcomeInWords)),
        ("testSyncFailureExplained", asyncTest(testSyncFailureExplained)),
        ("testSyncWithoutAgreementSaysSo", asyncTest(testSyncWithoutAgreementSaysSo)),
        ("testConflictBannerSaysTheClockWasSetBack", testConflictBannerSaysTheClockWasSetBack),
    ]

    /// A ready app whose time was synced against a loopback NTP server `offset` seconds ahead.
    @MainActor
    private func syncedRig(offset: Int64 = 90) async throws -> (Rig, FakeNtpServer) {
        let server = try FakeNtpServer(offsetSeconds: offset)
        addTeardownBlock { server.stop() }
        let rig = try await Rig.ready(self, syncServers: [server.address])
        await rig.codes.sync()
        XCTAssertNil(rig.codes.problem)
        return (rig, server)
    }

    @MainActor
    func testRowsShowTheCoresCodes() async throws {
        let (rig, _) = try await syncedRig()
        await rig.enroll.enroll(text: githubUri)
        await rig.enroll.enroll(text: asnUri)
        let now = try XCTUnwrap(rig.codes.trustedNowMs())
        XCTAssertEqual(rig.codes.rows.map(\.title), ["GitHub", "ASN Digital"])
        XCTAssertEqual(rig.codes.rows.map(\.subtitle), ["jo", "198001012006041001"])
        XCTAssertEqual(rig.codes.rows[0].code, try expectedCode(githubUri, atMs: now))
        XCTAssertEqual(rig.codes.rows[1].code, try expectedCode(asnUri, atMs: now))
        // The trusted time is the server's (+90 s), not this machine's clock.
        XCTAssertEqual(Double(now - wallMs()), 90_000, accuracy: 5_000)
    }

    @MainActor
    func testCountdownFollowsTheBootClockNotAWallClockJump() async throws {
        let (rig, _) = try await syncedRig()
        await rig.enroll.enroll(text: githubUri)
        var left = try XCTUnwrap(rig.codes.rows.first?.countdown?.secondsLeft)
        if left <= 12 { // start early in a step so 10 s stay inside it
            rig.clock.advance(seconds: Double(left) + 0.5)
            await rig.codes.tick()
            left = try XCTUnwrap(rig.codes.rows.first?.countdown?.secondsLeft)
        }
        let code = rig.codes.rows[0].code
        rig.wall.jump(-7_200) // the user sets the phone's clock two hours back
        await rig.codes.tick()
        XCTAssertEqual(rig.codes.rows[0].countdown?.secondsLeft, left, "a wall-clock jump moves nothing")
        XCTAssertEqual(rig.codes.rows[0].code, code)
        rig.clock.advance(seconds: 10)
        await rig.codes.tick()
        XCTAssertEqual(rig.codes.rows[0].countdown?.secondsLeft, left - 10)
        XCTAssertEqual(rig.codes.rows[0].code, code)
    }

    @MainActor
    func testCodeChangesWhenTheStepEndsAndNextIsShownBefore() async throws {
        let (rig, _) = try await syncedRig()
        await rig.enroll.enroll(text: githubUri)
        let left = try XCTUnwrap(rig.codes.rows.first?.countdown?.secondsLeft)
        // Into the last seconds of the step: the next code shows beside the current one.
        rig.clock.advance(seconds: Double(left) - 3)
        await rig.codes.tick()
        let now = try XCTUnwrap(rig.codes.trustedNowMs())
        XCTAssertLessThanOrEqual(rig.codes.rows[0].countdown?.secondsLeft ?? 99, CodesViewModel.showNextFromSeconds)
        XCTAssertEqual(rig.codes.rows[0].next, try expectedCode(githubUri, atMs: now + 30_000))
        // Past the end of the step: the core is asked again and the code is the next step's.
        rig.clock.advance(seconds: 4)
        await rig.codes.tick()
        let later = try XCTUnwrap(rig.codes.trustedNowMs())
        XCTAssertEqual(rig.codes.rows[0].code, try expectedCode(githubUri, atMs: later))
        XCTAssertNil(rig.codes.rows[0].next)
        XCTAssertGreaterThan(rig.codes.rows[0].countdown?.secondsLeft ?? 0, 25)
    }

    @MainActor
    func testCopyExpiresOnTheDeviceClock() async throws {
        let (rig, _) = try await syncedRig()
        await rig.enroll.enroll(text: githubUri)
        let id = rig.codes.rows[0].id
        rig.wall.jump(-3_600) // the phone's clock is an hour off: the pasteboard compares with it
        rig.codes.copy(id: id)
        XCTAssertEqual(rig.pasteboard.text, rig.codes.rows[0].code)
        let lifetime = try XCTUnwrap(rig.pasteboard.expiresAt).timeIntervalSince(rig.wall.now())
        XCTAssertGreaterThanOrEqual(lifetime, 10)
        XCTAssertLessThanOrEqual(lifetime, 60)
        let left = Double(rig.codes.rows[0].countdown?.secondsLeft ?? 0)
        XCTAssertEqual(lifetime, max(10, left + 5), accuracy: 1.01, "until the step ends, plus a grace")
        XCTAssertEqual(rig.codes.notice, "Code copied. It is removed from the clipboard in \(Int(lifetime.rounded())) s.")
    }

    @MainActor
    func testHotpNextAdvancesTheCounterAndCopies() async throws {
        let rig = try await Rig.ready(self)
        let uri = "otpauth://hotp/Bank:jo?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Bank&counter=0"
        await rig.enroll.enroll(text: uri)
        let row = try XCTUnwrap(rig.codes.rows.first)
        XCTAssertEqual(row.kind, .hotp)
        XCTAssertNil(row.countdown, "HOTP does not count down")
        await rig.codes.next(id: row.id)
        let first = "287082" // RFC 4226 appendix D, counter 1
        XCTAssertEqual(try codeForUri(uri: uri.replacingOccurrences(of: "counter=0", with: "counter=1"), unixTime: 0).code, first)
        XCTAssertEqual(rig.codes.rows[0].code, first)
        XCTAssertEqual(rig.pasteboard.text, first)
        XCTAssertEqual(rig.codes.accounts.first?.counter, 1)
        await rig.codes.next(id: row.id)
        XCTAssertEqual(rig.pasteboard.text, "359152") // counter 2
    }

    @MainActor
    func testSearchAndGroups() async throws {
        let rig = try await Rig.ready(self)
        await rig.enroll.enroll(text: githubUri)
        await rig.enroll.enroll(text: asnUri)
        await rig.enroll.enroll(text: "otpauth://totp/Gmail:siti@example.com?secret=JBSWY3DPEHPK3PXQ&issuer=Gmail")
        let ids = Dictionary(uniqueKeysWithValues: rig.codes.rows.map { ($0.title, $0.id) })
        await rig.codes.setGroup(id: ids["ASN Digital"]!, group: " Kantor ")
        await rig.codes.setGroup(id: ids["GitHub"]!, group: "Kantor")
        await rig.codes.setNotes(id: ids["Gmail"]!, notes: "pribadi, bukan kantor")
        XCTAssertEqual(rig.codes.groups, ["Kantor"])
        rig.codes.showGroup("Kantor")
        XCTAssertEqual(rig.codes.rows.map(\.title), ["GitHub", "ASN Digital"])
        rig.codes.showGroup(nil)
        await rig.codes.search("git") // "Digital" holds "git" too
        XCTAssertEqual(rig.codes.rows.map(\.title), ["GitHub", "ASN Digital"])
        await rig.codes.search("hub")
        XCTAssertEqual(rig.codes.rows.map(\.title), ["GitHub"])
        await rig.codes.search("PRIBADI")
        XCTAssertEqual(rig.codes.rows.map(\.title), ["Gmail"], "notes are searched, any case")
        await rig.codes.search("  ")
        XCTAssertEqual(rig.codes.rows.count, 3)
        await rig.codes.setGroup(id: ids["GitHub"]!, group: "")
        XCTAssertNil(rig.codes.accounts.first { $0.id == ids["GitHub"] }?.group, "blank removes the group")
    }

    @MainActor
    func testRenameNotesAndReorder() async throws {
        let rig = try await Rig.ready(self)
        await rig.enroll.enroll(text: githubUri)
        await rig.enroll.enroll(text: asnUri)
        await rig.enroll.enroll(text: "otpauth://totp/Gmail:siti@example.com?secret=JBSWY3DPEHPK3PXQ&issuer=Gmail")
        let asn = rig.codes.rows[1].id
        await rig.codes.rename(id: asn, issuer: " ASN ", name: "NIP 198001012006041001")
        await rig.codes.setNotes(id: asn, notes: "aktivasi 2026")
        XCTAssertEqual(rig.codes.rows[1].title, "ASN")
        XCTAssertEqual(rig.codes.rows[1].subtitle, "NIP 198001012006041001")
        XCTAssertEqual(rig.codes.rows[1].notes, "aktivasi 2026")
        await rig.codes.move(from: IndexSet(integer: 2), to: 0)
        XCTAssertEqual(rig.codes.rows.map(\.title), ["Gmail", "GitHub", "ASN"])
        await rig.codes.move(from: IndexSet(integer: 0), to: 3)
        XCTAssertEqual(rig.codes.rows.map(\.title), ["GitHub", "ASN", "Gmail"])
        let stored = try await rig.core.run { try $0.accounts() }
        XCTAssertEqual(stored.map(\.issuer), ["GitHub", "ASN", "Gmail"], "the order is saved in the vault")
    }

    @MainActor
    func testDeleteAsksForConfirmation() async throws {
        let rig = try await Rig.ready(self)
        await rig.enroll.enroll(text: githubUri)
        let id = rig.codes.rows[0].id
        rig.codes.requestDelete(id: id)
        XCTAssertEqual(rig.codes.pendingDelete?.title, "Delete GitHub (jo)?")
        XCTAssertTrue(rig.codes.pendingDelete?.message.contains("turn off two-step verification") ?? false)
        do { let n = try await accountCount(rig); XCTAssertEqual(n, 1, "asking deletes nothing") }
        rig.codes.cancelDelete()
        XCTAssertNil(rig.codes.pendingDelete)
        await rig.codes.confirmDelete()
        do { let n = try await accountCount(rig); XCTAssertEqual(n, 1, "nothing pending, nothing deleted") }
        rig.codes.requestDelete(id: id)
        let request = try XCTUnwrap(rig.codes.pendingDelete)
        rig.codes.cancelDelete() // SwiftUI dismisses the dialog before the button's task runs
        await rig.codes.confirmDelete(request)
        do { let n = try await accountCount(rig); XCTAssertEqual(n, 0) }
        XCTAssertEqual(rig.codes.rows, [])
    }

    @MainActor
    func testBannerBeforeAnySync() async throws {
        let rig = try await Rig.ready(self)
        let banner = try XCTUnwrap(rig.codes.banner)
        XCTAssertEqual(banner.level, .warning)
        XCTAssertTrue(banner.offersSync)
        XCTAssertEqual(banner.text, "Time not checked yet. Codes use this phone's clock until you sync.")
    }

    @MainActor
    func testSyncNowOutcomeInWords() async throws {
        let (rig, server) = try await syncedRig(offset: 90)
        XCTAssertGreaterThan(server.repliesSent, 0)
        XCTAssertEqual(rig.codes.notice, "Time checked (servers agreeing: 1). Your phone clock is 1 min 30 s behind; codes are corrected.")
        XCTAssertEqual(rig.codes.banner?.text, "Your phone clock is 1 min 30 s behind; codes are corrected.")
        XCTAssertEqual(rig.codes.banner?.level, .info)
        XCTAssertFalse(rig.codes.syncing)
    }

    @MainActor
    func testSyncFailureExplained() async throws {
        let silent = try FakeNtpServer(offsetSeconds: 0, silent: true)
        defer { silent.stop() }
        let rig = try await Rig.ready(self, syncServers: [silent.address])
        await rig.codes.sync()
        XCTAssertEqual(rig.codes.problem?.key, "error.timeSyncFailed")
        XCTAssertEqual(rig.codes.problem?.message, "No time server answered. Check the internet connection and try again.")
        XCTAssertFalse(rig.codes.problem?.detail.isEmpty ?? true, "the core's detail is kept for the helpdesk")
        XCTAssertNil(rig.codes.notice)
        XCTAssertEqual(rig.codes.banner?.text, "Time not checked yet. Codes use this phone's clock until you sync.")
    }

    @MainActor
    func testSyncWithoutAgreementSaysSo() async throws {
        let a = try FakeNtpServer(offsetSeconds: 0)
        let b = try FakeNtpServer(offsetSeconds: 600)
        defer { a.stop(); b.stop() }
        let rig = try await Rig.ready(self, syncServers: [a.address, b.address])
        await rig.codes.sync()
        XCTAssertNil(rig.codes.problem)
        XCTAssertEqual(rig.codes.notice,
                       "The time servers did not agree (1 of 2 answered the same). Codes were not changed; try again on another network.")
    }

    func testConflictBannerSaysTheClockWasSetBack() throws {
        let l = try localizer()
        let time = TimeInfo(utcMs: 1_800_000_000_000, uncertaintyMs: 1_000, status: .conflict, offsetMs: 0)
        let banner = try XCTUnwrap(TimeWords.banner(time: time, timeWarning: false, l))
        XCTAssertEqual(banner.level, .error)
        XCTAssertTrue(banner.text.hasPrefix("This phone's clock was set back"))
        XCTAssertFalse(banner.text.contains("disagree"), "conflict is not about sources disagreeing")
    }
}

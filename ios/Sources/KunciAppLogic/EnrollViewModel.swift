// Adding accounts: camera frames (through a FrameSource), a picked screenshot or photo, pasted
// text or an otpauth:// link, and the manual form. Ends with a report (what was added, warnings,
// refusals, "code 1 of 3, scan the next") or a duplicate for the user to decide.
import Foundation
import Kunci
import KunciKit

@MainActor
public final class EnrollViewModel: ViewModel {
    public struct Report: Equatable, Sendable {
        public let added: [String]
        public let lines: [String]
        /// "Code 1 of 3 scanned. Scan the next one." for a Google export in several codes.
        public let batch: String?
        public let batchComplete: Bool
    }

    public struct Duplicate: Equatable, Sendable {
        /// What to enroll again once the user decided; kept inside, never shown.
        let source: Source
        public let existingId: Int64
        public let question: String
    }

    /// Where an account came from. A camera frame is copied while it is valid; the decision
    /// enrolls the same text, picture or frame again, so no secret has to be read out in Swift.
    enum Source: Equatable, Sendable {
        case uri(String)
        case image(Data)
        case frame(width: UInt32, height: UInt32, rowStride: UInt32, bytes: Data)

        init(copying frame: LumaFrame) {
            self = .frame(width: frame.width, height: frame.height, rowStride: frame.rowStride, bytes: Data([UInt8](frame.bytes)))
        }

        func enroll(_ auth: Authenticator, _ onConflict: OnConflict) throws -> EnrollReport {
            switch self {
            case let .uri(text): return try auth.enrollUri(uri: text, onConflict: onConflict)
            case let .image(data): return try auth.enrollImage(image: data, onConflict: onConflict)
            case let .frame(width, height, rowStride, bytes):
                return try auth.enrollFrame(width: width, height: height, rowStride: rowStride, frame: bytes, onConflict: onConflict)
            }
        }

        /// The account already in the vault (0 if it cannot be told): for a typed or pasted URI
        /// the core's own match; for a picture or frame, the account with the label the core's
        /// preview of the code shows (previews never carry the secret).
        func existingId(_ auth: Authenticator) -> Int64 {
            let previews: [QrPreview]?
            switch self {
            case let .uri(text): return (try? auth.existingAccount(uri: text))?.id ?? 0
            case let .image(data): previews = try? decodeQrImage(image: data)
            case let .frame(width, height, rowStride, bytes):
                previews = try? decodeQrFrame(width: width, height: height, rowStride: rowStride, frame: bytes, thorough: true)
            }
            guard let shown = previews?.first(where: { $0.kind == .otpauth })?.accounts.first,
                  let accounts = try? auth.accounts() else { return 0 }
            func same(_ a: String, _ b: String) -> Bool { a.caseInsensitiveCompare(b) == .orderedSame }
            return accounts.first { same($0.issuer, shown.issuer) && same($0.name, shown.name) }?.id ?? 0
        }
    }

    public enum Decision: Sendable { case replace, keepBoth, cancel }

    public private(set) var report: Report? { willSet { willChange() } }
    public private(set) var duplicate: Duplicate? { willSet { willChange() } }
    public var problem: Problem? { willSet { willChange() } }
    public private(set) var busy = false { willSet { willChange() } }
    public private(set) var scanning = false { willSet { willChange() } }
    /// Accounts added by this screen (the guided first enrollment shows the first one's code).
    public private(set) var lastAdded: [AccountInfo] = [] { willSet { willChange() } }
    public var form = ManualEntry() { willSet { willChange() } }
    public private(set) var formErrors: [ManualEntry.Field: String] = [:] { willSet { willChange() } }

    private let core: Core
    private let l: Localizer
    private var batches: [Int32: (size: UInt32, seen: Set<UInt32>)] = [:]
    private var source: FrameSource?
    /// Called after every change to the vault (the code list refreshes).
    public var onEnrolled: (() async -> Void)?
    /// The platform's decoder for pictures the core cannot open (nil: none).
    public var pictures: PictureConverter?
    /// The longest side a converted picture may have: twice the core's working size (1,600 px),
    /// so a platform that shrinks by powers of two (Android) still hands over at least that
    /// much, and the core's own box average makes the last step.
    static let convertedSide = 3200

    public init(core: Core, localizer: Localizer) {
        self.core = core
        l = localizer
    }

    // MARK: Camera

    /// Feeds the source's frames to the core on the source's queue (a frame is only valid during
    /// the call); a frame without a code is the normal case and is dropped quietly.
    public func startScanning(_ source: FrameSource) {
        stopScanning()
        self.source = source
        scanning = true
        let auth = core.authenticator
        source.start { [weak self] frame in
            let outcome: Outcome
            do {
                outcome = .report(try auth.enrollFrame(width: frame.width, height: frame.height, rowStride: frame.rowStride,
                                                       frame: frame.bytes, onConflict: .reject))
            } catch let error as KunciError where error.isNoCodeInFrame {
                return false
            } catch KunciError.DuplicateAccount {
                // Copy the frame while it is still valid, so the user's decision can enroll it.
                let source = Source(copying: frame)
                outcome = .duplicate(source, existingId: source.existingId(auth))
            } catch {
                outcome = .failed(error)
            }
            Task { @MainActor [weak self] in await self?.finishScan(outcome) }
            return true
        }
    }

    public func stopScanning() {
        source?.stop()
        source = nil
        scanning = false
    }

    private enum Outcome: @unchecked Sendable { case report(EnrollReport), duplicate(Source, existingId: Int64), failed(Error) }

    private func finishScan(_ outcome: Outcome) async {
        stopScanning()
        switch outcome {
        case let .report(r): await show(r)
        case let .duplicate(source, id): askDuplicate(source, existingId: id)
        case let .failed(KunciError.InvalidInput(detail)): // a QR code, but not an authenticator one
            problem = Problem(key: "enroll.qrNotOtp", l, detail: detail)
        case let .failed(e): problem = Problem(e, l)
        }
    }

    // MARK: Pictures and text

    /// A screenshot or photo (PhotosPicker, Files, paste). Decoded off the main actor. A picture
    /// the core cannot open (a HEIC photo from the camera, a GIF, a photo over its pixel cap) is
    /// opened once by the platform, downscaled, and enrolled from that.
    public func enroll(image: Data) async {
        await perform(.image(image), fromPicture: true, converter: pictures)
    }

    /// Pasted text or an opened otpauth:// / otpauth-migration:// link.
    public func enroll(text: String) async {
        let uri = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !uri.isEmpty else {
            problem = Problem(key: "enroll.pasteEmpty", l)
            return
        }
        await perform(.uri(uri))
    }

    /// The app was opened with a URL: only otpauth links enroll; anything else says so.
    public func open(url: URL) async {
        guard DeepLink.isEnrollment(url) else {
            problem = Problem(key: "enroll.linkNotOtp", l)
            return
        }
        await enroll(text: url.absoluteString)
    }

    // MARK: Manual entry

    /// Checks the form field by field; saves only when every field is right.
    public func submitForm() async {
        let errors = form.validate(l)
        formErrors = errors
        guard errors.isEmpty else { return }
        let uri = form.uri()
        do {
            _ = try await core.run { _ in try previewUri(uri: uri) }
        } catch {
            // The core refused what our checks let through: show it on the secret, in words.
            formErrors = [.secret: l.text("form.error.secretRefused")]
            problem = Problem(error, l)
            return
        }
        await perform(.uri(uri))
        if report != nil { form = ManualEntry() }
    }

    /// A form saved when the app was killed: back as it was, except the secret, which was not
    /// kept (the field says so).
    func restore(_ saved: SavedForm) {
        form = saved.form
        formErrors = saved.hadSecret ? [.secret: l.text("form.secretNotKept")] : [:]
    }

    // MARK: Duplicates

    private func askDuplicate(_ source: Source, existingId: Int64) {
        duplicate = Duplicate(source: source, existingId: existingId, question: l.text("enroll.duplicate.question"))
    }

    /// Replace: the portal issued a new secret ("Reset MFA"); keep both: a second account.
    public func decide(_ decision: Decision) async {
        guard let d = duplicate else { return }
        await decide(decision, for: d)
    }

    /// For a dialog that presents the duplicate (see CodesViewModel.confirmDelete(_:)).
    public func decide(_ decision: Decision, for d: Duplicate) async {
        duplicate = nil
        let choice: OnConflict
        switch decision {
        case .replace: choice = .replace
        case .keepBoth: choice = .keepBoth
        case .cancel: return
        }
        await perform(d.source, onConflict: choice)
    }

    // MARK: Common

    /// `fromPicture`: a QR code was read but the core refused its text, i.e. the code is not an
    /// authenticator code (a portal's login QR, a web link): say that, not "check what you typed".
    /// `onConflict`: .reject first; the user's decision on a duplicate enrolls the same source again.
    /// `converter`: a picture the core calls unreadable goes through it once and is tried again.
    private func perform(_ source: Source, fromPicture: Bool = false, converter: PictureConverter? = nil,
                         onConflict: OnConflict = .reject) async {
        busy = true
        defer { busy = false }
        problem = nil
        do {
            await show(try await core.run { try source.enroll($0, onConflict) })
        } catch KunciError.UnreadableImage(let detail) where converter != nil {
            guard case let .image(data) = source, let converter,
                  let converted = try? await Core.background(.global(qos: .userInitiated), {
                      converter.convert(data, maxSide: Self.convertedSide)
                  }) else {
                problem = Problem(KunciError.UnreadableImage(message: detail), l)
                return
            }
            await perform(.image(converted), fromPicture: fromPicture, onConflict: onConflict)
        } catch KunciError.DuplicateAccount where onConflict == .reject {
            let auth = core.authenticator
            let existing = (try? await Core.background(.global(qos: .userInitiated)) { source.existingId(auth) }) ?? 0
            askDuplicate(source, existingId: existing)
        } catch KunciError.InvalidInput(let detail) where fromPicture {
            problem = Problem(key: "enroll.qrNotOtp", l, detail: detail)
        } catch {
            problem = Problem(error, l)
        }
    }

    private func show(_ r: EnrollReport) async {
        var lines = r.warnings.map { l.text("enroll.warning", ["text": $0]) }
        lines += r.refused.map { l.text("enroll.refused", ["label": $0.label, "reason": $0.reason]) }
        var batchText: String?
        var complete = true
        if let b = r.batch, b.size > 1 {
            var entry = batches[b.id] ?? (b.size, [])
            entry.seen.insert(b.index)
            batches[b.id] = entry
            complete = entry.seen.count >= Int(b.size)
            batchText = complete
                ? l.text("enroll.batch.done", ["size": String(b.size)])
                : l.text("enroll.batch.progress", ["seen": String(entry.seen.count), "size": String(b.size)])
        }
        let added = r.added.map { $0.issuer.isEmpty ? $0.name : "\($0.issuer) (\($0.name))" }
        report = Report(added: added, lines: lines, batch: batchText, batchComplete: complete)
        lastAdded = r.added
        await onEnrolled?()
    }

    public func dismissReport() { report = nil }

    /// The duplicate dialog went away without a choice.
    public func dismissDuplicate() { duplicate = nil }
}

/// otpauth links opened from Safari, Mail or the portal.
public enum DeepLink {
    public static func isEnrollment(_ url: URL) -> Bool {
        guard let scheme = url.scheme?.lowercased() else { return false }
        return scheme == "otpauth" || scheme == "otpauth-migration"
    }
}

// The "can't scan?" form: issuer, account, secret, and advanced type / algorithm / digits /
// period / counter. Checked field by field in the user's language before the core sees it; the
// result is an otpauth URI, so the core's one parser decides what is saved.
import Foundation
import Kunci

public struct ManualEntry: Equatable, Sendable {
    public enum Field: String, Hashable, Sendable, CaseIterable { case issuer, account, secret, digits, period, counter }
    public enum Kind: String, Sendable, CaseIterable { case totp, hotp }
    public enum Algorithm: String, Sendable, CaseIterable { case sha1 = "SHA1", sha256 = "SHA256", sha512 = "SHA512" }

    public var issuer = ""
    public var account = ""
    public var secret = ""
    public var kind = Kind.totp
    public var algorithm = Algorithm.sha1
    public var digits = "6"
    public var period = "30"
    public var counter = "0"

    public init() {}

    /// The secret as people type it from a portal: spaces, dashes and lower case are fine.
    public var normalizedSecret: String {
        secret.uppercased().filter { !" -\t\n".contains($0) }.replacingOccurrences(of: "=", with: "")
    }

    public func validate(_ l: Localizer) -> [Field: String] {
        var errors: [Field: String] = [:]
        if account.trimmingCharacters(in: .whitespaces).isEmpty && issuer.trimmingCharacters(in: .whitespaces).isEmpty {
            errors[.account] = l.text("form.error.nameMissing")
        }
        if issuer.contains(":") { errors[.issuer] = l.text("form.error.colon") }
        if account.contains(":") { errors[.account] = l.text("form.error.colon") }
        let s = normalizedSecret
        let base32 = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
        if s.isEmpty {
            errors[.secret] = l.text("form.error.secretMissing")
        } else if let bad = s.first(where: { !base32.contains($0) }) {
            errors[.secret] = l.text("form.error.secretCharacter", ["char": String(bad)])
        } else if s.count * 5 < 80 {
            errors[.secret] = l.text("form.error.secretShort")
        }
        if let d = Int(digits), (6...10).contains(d) {} else { errors[.digits] = l.text("form.error.digits") }
        switch kind {
        case .totp:
            if let p = Int(period), (1...3600).contains(p) {} else { errors[.period] = l.text("form.error.period") }
        case .hotp:
            if UInt64(counter) == nil { errors[.counter] = l.text("form.error.counter") }
        }
        return errors
    }

    /// otpauth://totp/Issuer:account?secret=...&issuer=...; only call after `validate` is empty.
    public func uri() -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~ ")
        func enc(_ s: String) -> String {
            (s.trimmingCharacters(in: .whitespaces).addingPercentEncoding(withAllowedCharacters: allowed) ?? "")
                .replacingOccurrences(of: " ", with: "%20")
        }
        let i = enc(issuer), a = enc(account)
        let label = i.isEmpty ? a : (a.isEmpty ? i : "\(i):\(a)")
        var query = ["secret=\(normalizedSecret)"]
        if !i.isEmpty { query.append("issuer=\(i)") }
        query.append("algorithm=\(algorithm.rawValue)")
        query.append("digits=\(Int(digits) ?? 6)")
        switch kind {
        case .totp: query.append("period=\(Int(period) ?? 30)")
        case .hotp: query.append("counter=\(UInt64(counter) ?? 0)")
        }
        return "otpauth://\(kind.rawValue)/\(label)?\(query.joined(separator: "&"))"
    }
}

// The app's words in English and Bahasa Indonesia. The texts live in Resources/<lang>.lproj/
// Localizable.strings (the format Xcode and translators know); this type reads them itself so
// the same code runs on Linux, where tests check that every key exists in both languages.
// Placeholders are named, `{name}`, and filled here: String(format:) with %@ does not take Swift
// strings on Linux, and named slots let a translator reorder words.
import Foundation

public struct Localizer: Sendable {
    public let language: String
    private let table: [String: String]
    private let fallback: [String: String]

    public init(language: String, table: [String: String], fallback: [String: String] = [:]) {
        self.language = language
        self.table = table
        self.fallback = fallback
    }

    public static let supported = ["en", "id"]

    /// The first of the user's preferred languages we have ("id", "id-ID", or the old "in"),
    /// else English.
    public static func pick(preferred: [String]) -> String {
        for tag in preferred {
            let base = tag.lowercased().split(whereSeparator: { $0 == "-" || $0 == "_" }).first.map(String.init) ?? ""
            if base == "id" || base == "in" { return "id" }
            if base == "en" { return "en" }
        }
        return "en"
    }

    /// Loads `<directory>/<language>.lproj/Localizable.strings`, with English behind it for any
    /// missing key (none should be: a test checks).
    public static func load(language: String, directory: URL) throws -> Localizer {
        let english = try table(language: "en", directory: directory)
        if language == "en" { return Localizer(language: "en", table: english) }
        return Localizer(language: language, table: try table(language: language, directory: directory), fallback: english)
    }

    public static func table(language: String, directory: URL) throws -> [String: String] {
        let url = directory.appendingPathComponent("\(language).lproj/Localizable.strings")
        return try StringsFile.parse(try Data(contentsOf: url))
    }

    #if SWIFT_PACKAGE
    /// The strings shipped in this package's resources, in the user's language.
    public static func bundled(preferred: [String] = Locale.preferredLanguages) -> Localizer {
        let dir = Bundle.module.resourceURL ?? Bundle.module.bundleURL
        return (try? load(language: pick(preferred: preferred), directory: dir)) ?? Localizer(language: "en", table: [:])
    }
    #endif

    public func has(_ key: String) -> Bool { table[key] != nil }

    /// The text for `key` with `{name}` slots filled; the key itself if it is missing everywhere
    /// (visible in testing, never a crash).
    public func text(_ key: String, _ args: [String: String] = [:]) -> String {
        var s = table[key] ?? fallback[key] ?? key
        for (name, value) in args {
            s = s.replacingOccurrences(of: "{\(name)}", with: value)
        }
        return s
    }

    public subscript(_ key: String) -> String { text(key) }

    /// "1 min 30 s" / "1 mnt 30 dtk": a duration as people say it.
    public func duration(ms: Int64) -> String {
        let total = Int64((Double(abs(ms)) / 1000).rounded())
        let hours = total / 3600, minutes = (total % 3600) / 60, seconds = total % 60
        var parts: [String] = []
        if hours > 0 { parts.append(text("unit.hours", ["n": String(hours)])) }
        if minutes > 0 { parts.append(text("unit.minutes", ["n": String(minutes)])) }
        if seconds > 0 || parts.isEmpty { parts.append(text("unit.seconds", ["n": String(seconds)])) }
        return parts.joined(separator: " ")
    }
}

/// The `.strings` text format: `"key" = "value";` with comments and backslash escapes. A file
/// Xcode already compiled to a binary property list is read as one.
public enum StringsFile {
    public struct ParseError: Error, CustomStringConvertible {
        public let description: String
    }

    public static func parse(_ data: Data) throws -> [String: String] {
        if data.starts(with: Array("bplist".utf8)) {
            guard let dict = try PropertyListSerialization.propertyList(from: data, format: nil) as? [String: String] else {
                throw ParseError(description: "not a strings table")
            }
            return dict
        }
        guard let text = String(data: data, encoding: .utf8) ?? String(data: data, encoding: .utf16) else {
            throw ParseError(description: "not UTF-8 or UTF-16")
        }
        return try parse(text)
    }

    public static func parse(_ text: String) throws -> [String: String] {
        var chars = Array(text.unicodeScalars)[...]
        var result: [String: String] = [:]
        var line = 1
        func skip() throws {
            while let c = chars.first {
                if c == "\n" { line += 1; chars.removeFirst() } else if c == " " || c == "\t" || c == "\r" || c == "\u{FEFF}" {
                    chars.removeFirst()
                } else if chars.starts(with: "//".unicodeScalars) {
                    while let d = chars.first, d != "\n" { chars.removeFirst() }
                } else if chars.starts(with: "/*".unicodeScalars) {
                    chars.removeFirst(2)
                    while !chars.isEmpty, !chars.starts(with: "*/".unicodeScalars) {
                        if chars.removeFirst() == "\n" { line += 1 }
                    }
                    guard !chars.isEmpty else { throw ParseError(description: "line \(line): comment not closed") }
                    chars.removeFirst(2)
                } else { return }
            }
        }
        func quoted() throws -> String {
            guard chars.first == "\"" else { throw ParseError(description: "line \(line): expected a quoted string") }
            chars.removeFirst()
            var out = String.UnicodeScalarView()
            while let c = chars.popFirst() {
                switch c {
                case "\"": return String(out)
                case "\\":
                    guard let e = chars.popFirst() else { break }
                    switch e {
                    case "n": out.append("\n")
                    case "t": out.append("\t")
                    default: out.append(e)
                    }
                case "\n": line += 1; out.append(c)
                default: out.append(c)
                }
            }
            throw ParseError(description: "line \(line): string not closed")
        }
        func expect(_ c: Unicode.Scalar) throws {
            try skip()
            guard chars.popFirst() == c else { throw ParseError(description: "line \(line): expected \(c)") }
        }
        while true {
            try skip()
            if chars.isEmpty { return result }
            let key = try quoted()
            try expect("=")
            try skip()
            let value = try quoted()
            try expect(";")
            guard result[key] == nil else { throw ParseError(description: "line \(line): \(key) twice") }
            result[key] = value
        }
    }
}

/// A shared file as everybody who may see it sees it.
public struct FileInfo: Hashable, Sendable {
    public var id: Int64
    public var conversation: ConversationID
    /// Display text only, cleaned by `FileNameRules`.
    public var name: String
    public var size: Int64
    /// SHA-256 of the bytes, 64 lowercase hex digits.
    public var sha256: String
    public var type: FileType
    public var sender: String
    public var time: Int64

    public init(id: Int64, conversation: ConversationID, name: String, size: Int64, sha256: String, type: FileType, sender: String, time: Int64) {
        self.id = id
        self.conversation = conversation
        self.name = name
        self.size = size
        self.sha256 = sha256
        self.type = type
        self.sender = sender
        self.time = time
    }

    /// The same file as seen from another conversation name.
    public func addressed(to conversation: ConversationID) -> FileInfo {
        var copy = self
        copy.conversation = conversation
        return copy
    }

    /// "alice shared report.pdf, 1.2 MiB": the text of its announcement.
    public var announcement: String { "\(sender) shared \(name), \(ByteCount.text(size))" }
}

/// What a file is, told from its first bytes, never from its name.
public enum FileType: String, Hashable, Sendable, CaseIterable {
    case png, jpeg, gif, pdf, zip, text, other

    /// How many leading bytes `detect` looks at.
    public static let sniffBytes = 4096

    public static func detect(_ head: some Collection<UInt8>) -> FileType {
        let bytes = Array(head.prefix(sniffBytes))
        func starts(_ magic: [UInt8]) -> Bool { bytes.starts(with: magic) }
        if starts([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return .png }
        if starts([0xFF, 0xD8, 0xFF]) { return .jpeg }
        if starts(Array("GIF87a".utf8)) || starts(Array("GIF89a".utf8)) { return .gif }
        if starts(Array("%PDF-".utf8)) { return .pdf }
        if starts([0x50, 0x4B, 0x03, 0x04]) || starts([0x50, 0x4B, 0x05, 0x06]) { return .zip }
        return isText(bytes) ? .text : .other
    }

    /// UTF-8 without NUL or control characters other than white space; a
    /// character cut by the end of the sample still counts.
    private static func isText(_ bytes: [UInt8]) -> Bool {
        guard !bytes.isEmpty else { return false }
        var sample = bytes[...]
        // Drop a multi-byte character the sample cut in half.
        if let lead = sample.lastIndex(where: { $0 & 0xC0 != 0x80 }), sample[lead] >= 0xC0 {
            let needed = sample[lead] >= 0xF0 ? 4 : sample[lead] >= 0xE0 ? 3 : 2
            if sample.endIndex - lead < needed { sample = sample[..<lead] }
        }
        guard let text = String(validating: sample, as: UTF8.self) else { return false }
        return !text.unicodeScalars.contains { $0.properties.generalCategory == .control && !"\t\n\r\u{0C}".unicodeScalars.contains($0) }
    }
}

/// How a file's name is shown. The name a user gives is display text only:
/// the server never uses it as a path, and the client writes downloads under
/// the cleaned name alone.
public enum FileNameRules {
    /// Longest display name, in characters; the extension is kept.
    public static let maxCharacters = 120

    /// Path separators become `_` (`../../etc/passwd` → `etc_passwd`), `.`
    /// and `..` parts go, control and format characters go, leading dots and
    /// surrounding white space go, and a long name is shortened keeping its
    /// extension. An empty result is `file`.
    public static func clean(_ name: String) -> String {
        // Invisible characters go first, and the name is split on scalars,
        // not characters: a `/` followed by a joiner is one character, and
        // splitting before dropping the joiner let `a/\u{200D}../x` through
        // as `a/../x`.
        let visible = String(String.UnicodeScalarView(name.unicodeScalars.filter { scalar in
            let category = scalar.properties.generalCategory
            return category != .control && category != .format && category != .lineSeparator && category != .paragraphSeparator
        }))
        let parts = visible.unicodeScalars.split(whereSeparator: { $0 == "/" || $0 == "\\" })
            .map { String(String.UnicodeScalarView($0)).trimmingWhitespace() }
            .filter { !$0.isEmpty && $0 != "." && $0 != ".." }
        var cleaned = Substring(parts.joined(separator: "_"))
        while cleaned.first == "." || cleaned.first?.isWhitespace == true { cleaned = cleaned.dropFirst() }
        var result = String(cleaned)
        if result.count > maxCharacters {
            let dot = result.lastIndex(of: ".")
            let ext = dot.map { String(result[$0...]) }.flatMap { $0.count <= 16 ? $0 : nil } ?? ""
            result = String(result.prefix(maxCharacters - ext.count)) + ext
        }
        return result.isEmpty ? "file" : result
    }
}

extension String {
    func trimmingWhitespace() -> String {
        var text = Substring(self)
        while text.first?.isWhitespace == true { text = text.dropFirst() }
        while text.last?.isWhitespace == true { text = text.dropLast() }
        return String(text)
    }
}

/// Lowercase hex, as file hashes travel.
public enum Hex {
    public static func string(_ bytes: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var text = [UInt8]()
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}

/// Sizes the way people read them, in the binary units the limits are set
/// in (`max_file_bytes` is 50 MiB): 999 B, 1.2 KiB, 3.4 MiB, 1.0 GiB.
public enum ByteCount {
    public static func text(_ bytes: Int64) -> String {
        if bytes < 1024 { return "\(bytes) B" }
        let units = ["KiB", "MiB", "GiB", "TiB"]
        var value = Double(bytes) / 1024
        var unit = 0
        while value >= 1023.95 && unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        let tenths = (value * 10).rounded() / 10
        return "\(tenths) \(units[unit])"
    }
}

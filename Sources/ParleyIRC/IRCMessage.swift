/// One IRC line as the modern client protocol and IRCv3's message-tags
/// define it: `[@tags] [:source] COMMAND [params] [:trailing]`.
public struct IRCMessage: Hashable, Sendable {
    /// Tags in the order written; a tag without a value has nil.
    public var tags: [Tag]
    public var source: String?
    /// Upper case for words; three digits for a numeric.
    public var command: String
    public var parameters: [String]

    public struct Tag: Hashable, Sendable {
        public var key: String
        public var value: String?
        public init(_ key: String, _ value: String? = nil) {
            self.key = key
            self.value = value
        }
    }

    public init(tags: [Tag] = [], source: String? = nil, _ command: String, _ parameters: [String] = []) {
        self.tags = tags
        self.source = source
        self.command = command
        self.parameters = parameters
    }

    public func tag(_ key: String) -> String? {
        tags.first { $0.key == key }?.value
    }

    public func hasTag(_ key: String) -> Bool {
        tags.contains { $0.key == key }
    }
}

/// Why a line is not an IRC message.
public enum IRCParseError: Error, Hashable, Sendable {
    /// Only spaces: clients may send them; servers ignore them.
    case empty
    case noCommand
    case badCommand(String)
    case tagsTooLong(bytes: Int, max: Int)
    case tooLong(bytes: Int, max: Int)
}

extension IRCMessage {
    /// Bytes of a line without its tags, CR LF included: the 512 of RFC 1459.
    public static let maxBytes = 512
    /// Bytes of the tags a client may send, the `@` and the space after them included.
    public static let maxClientTagBytes = 4096
    /// Parameters one message may carry.
    public static let maxParameters = 15

    /// Parses one line without its CR LF. Command words come back upper case.
    public static func parse(_ line: Substring) throws(IRCParseError) -> IRCMessage {
        var rest = line.drop { $0 == " " }
        var tags: [Tag] = []
        if rest.first == "@" {
            let end = rest.firstIndex(of: " ") ?? rest.endIndex
            let tagBytes = rest[..<end].utf8.count + 1
            guard tagBytes <= maxClientTagBytes else { throw .tagsTooLong(bytes: tagBytes, max: maxClientTagBytes) }
            tags = parseTags(rest[rest.index(after: rest.startIndex)..<end])
            rest = rest[end...].drop { $0 == " " }
        }
        // CR LF are not in `line`, and count towards the limit.
        let bytes = rest.utf8.count + 2
        guard bytes <= maxBytes else { throw .tooLong(bytes: bytes, max: maxBytes) }
        var source: String?
        if rest.first == ":" {
            let end = rest.firstIndex(of: " ") ?? rest.endIndex
            source = String(rest[rest.index(after: rest.startIndex)..<end])
            rest = rest[end...].drop { $0 == " " }
        }
        guard !rest.isEmpty else { throw source == nil && tags.isEmpty ? .empty : .noCommand }
        let commandEnd = rest.firstIndex(of: " ") ?? rest.endIndex
        let command = rest[..<commandEnd]
        let isNumeric = command.count == 3 && command.allSatisfy(\.isASCIIDigit)
        guard isNumeric || command.allSatisfy(\.isASCIILetter) else { throw .badCommand(String(command.prefix(32))) }
        rest = rest[commandEnd...]
        var parameters: [String] = []
        while true {
            rest = rest.drop { $0 == " " }
            guard !rest.isEmpty else { break }
            if rest.first == ":" || parameters.count == maxParameters - 1 {
                parameters.append(String(rest.first == ":" ? rest.dropFirst() : rest))
                break
            }
            let end = rest.firstIndex(of: " ") ?? rest.endIndex
            parameters.append(String(rest[..<end]))
            rest = rest[end...]
        }
        return IRCMessage(tags: tags, source: source, command.uppercased(), parameters)
    }

    private static func parseTags(_ text: Substring) -> [Tag] {
        var tags: [Tag] = []
        for item in text.split(separator: ";", omittingEmptySubsequences: true) {
            // A tag without a key is no tag (found by the fuzzer: it did not survive a round trip).
            guard item.first != "=" else { continue }
            if let equals = item.firstIndex(of: "=") {
                let value = unescape(item[item.index(after: equals)...])
                tags.append(Tag(String(item[..<equals]), value.isEmpty ? nil : value))
            } else {
                tags.append(Tag(String(item)))
            }
        }
        return tags
    }

    /// A tag value as the message-tags specification escapes it; an
    /// unknown escape is the character itself, a lone `\` at the end nothing.
    static func unescape(_ value: Substring) -> String {
        guard value.contains("\\") else { return String(value) }
        // By scalars: "\r\n" is one Character, and so is a backslash with a
        // combining mark after it.
        var result = String.UnicodeScalarView()
        var escaping = false
        for scalar in value.unicodeScalars {
            if escaping {
                switch scalar {
                case ":": result.append(";")
                case "s": result.append(" ")
                case "r": result.append("\r")
                case "n": result.append("\n")
                default: result.append(scalar)
                }
                escaping = false
            } else if scalar == "\\" {
                escaping = true
            } else {
                result.append(scalar)
            }
        }
        return String(result)
    }

    static func escape(_ value: String) -> String {
        let special: Set<Unicode.Scalar> = [";", " ", "\\", "\r", "\n", "\0"]
        guard value.unicodeScalars.contains(where: special.contains) else { return value }
        var result = ""
        for scalar in value.unicodeScalars {
            switch scalar {
            case ";": result += "\\:"
            case " ": result += "\\s"
            case "\\": result += "\\\\"
            case "\r": result += "\\r"
            case "\n": result += "\\n"
            // NUL has no escape; it never belongs in a line.
            case "\0": result += "\\s"
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    /// The line with its CR LF. The last parameter is written as trailing
    /// (after `:`) when it must be; CR, LF and NUL inside a parameter, the
    /// source or a tag's key become spaces, so that nothing a user wrote can start a line
    /// of its own.
    public var line: String {
        var text = ""
        if !tags.isEmpty {
            text += "@"
            text += tags.map { tag in
                let key = Self.flattened(tag.key)
                return tag.value.map { "\(key)=\(Self.escape($0))" } ?? key
            }.joined(separator: ";")
            text += " "
        }
        if let source { text += ":\(Self.flattened(source)) " }
        text += command
        for (index, parameter) in parameters.enumerated() {
            let safe = Self.flattened(parameter)
            let last = index == parameters.count - 1
            if last && (safe.isEmpty || safe.first == ":" || safe.contains(" ")) {
                text += " :" + safe
            } else {
                text += " " + safe
            }
        }
        return text + "\r\n"
    }

    static func flattened(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { $0 == "\r" || $0 == "\n" || $0 == "\0" }) else { return text }
        return String(String.UnicodeScalarView(text.unicodeScalars.map { $0 == "\r" || $0 == "\n" || $0 == "\0" ? " " : $0 }))
    }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
    var isASCIILetter: Bool { isASCII && isLetter }
}

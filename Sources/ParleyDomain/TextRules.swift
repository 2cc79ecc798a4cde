/// Rules for passwords and message text, shared by both ends so a client can
/// refuse bad input before it travels.
public enum PasswordRules {
    public static func validate(_ password: String) throws(DomainError) {
        if password.count < ProtocolConstants.passwordMinCharacters {
            throw .passwordTooShort(min: ProtocolConstants.passwordMinCharacters)
        }
        if password.utf8.count > ProtocolConstants.passwordMaxBytes {
            throw .passwordTooLong(maxBytes: ProtocolConstants.passwordMaxBytes)
        }
    }
}

/// How much room a text takes beyond its characters.
public enum TextMeasure {
    /// The most combining marks stacked on one character of `text`.
    public static func mostMarks(in text: String) -> Int {
        var most = 0
        for character in text {
            var marks = 0
            for scalar in character.unicodeScalars {
                switch scalar.properties.generalCategory {
                case .nonspacingMark, .spacingMark, .enclosingMark: marks += 1
                default: break
                }
            }
            most = max(most, marks)
        }
        return most
    }
}

/// What a message or a topic may hold: characters, UTF-8 bytes, and marks
/// stacked on one character.
public struct TextBudget: Hashable, Sendable {
    public var characters: Int
    public var bytes: Int
    public var marksPerCharacter: Int

    public init(characters: Int, bytes: Int, marksPerCharacter: Int) {
        self.characters = characters
        self.bytes = bytes
        self.marksPerCharacter = marksPerCharacter
    }
}

extension ServerLimits {
    public var messageBudget: TextBudget {
        TextBudget(characters: maxMessageCharacters, bytes: maxMessageBytes, marksPerCharacter: maxMarksPerCharacter)
    }

    public var topicBudget: TextBudget {
        TextBudget(characters: maxTopicCharacters, bytes: maxTopicBytes, marksPerCharacter: maxMarksPerCharacter)
    }
}

public enum MessageRules {
    /// Accepts text within `budget` that is not all white space. Line
    /// breaks and tabs are text; other control characters would let one
    /// user drive another's terminal, so they are refused.
    public static func validate(_ text: String, within budget: TextBudget) throws(DomainError) {
        try validate(text, maxCharacters: budget.characters)
        if text.utf8.count > budget.bytes {
            throw .messageTooManyBytes(bytes: text.utf8.count, max: budget.bytes)
        }
        if TextMeasure.mostMarks(in: text) > budget.marksPerCharacter {
            throw .messageMarksStacked(max: budget.marksPerCharacter)
        }
    }

    public static func validate(_ text: String, maxCharacters: Int) throws(DomainError) {
        if text.allSatisfy(\.isWhitespace) {
            throw .messageEmpty
        }
        let length = text.count
        if length > maxCharacters {
            throw .messageTooLong(characters: length, max: maxCharacters)
        }
        if let bad = text.unicodeScalars.first(where: isForbiddenControl) {
            throw .messageInvalid(scalar: bad.value)
        }
    }

    private static func isForbiddenControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.properties.generalCategory == .control && scalar != "\n" && scalar != "\t"
    }
}

extension Unicode.Scalar {
    /// `U+0007`, `U+202E`: how a character is named when it cannot be shown.
    public static func codePoint(_ value: UInt32) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return "U+" + String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }

    /// A format character that hides or reorders text (bidirectional
    /// overrides and isolates, invisible spaces), or a line or paragraph
    /// separator. The joiners U+200C and U+200D are not: scripts and emoji
    /// need them.
    public var hidesText: Bool {
        switch properties.generalCategory {
        case .format: self != "\u{200C}" && self != "\u{200D}"
        case .lineSeparator, .paragraphSeparator: true
        default: false
        }
    }
}

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

public enum MessageRules {
    /// Accepts text of 1...`maxCharacters` characters that is not all white
    /// space. Line breaks and tabs are text; other control characters would
    /// let one user drive another's terminal, so they are refused.
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

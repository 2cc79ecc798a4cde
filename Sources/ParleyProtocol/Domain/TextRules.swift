/// Rules for passwords and message text, shared by both ends so a client can
/// refuse bad input before it travels.
public enum PasswordRules {
    public static func validate(_ password: String) throws(ProtocolError) {
        if password.count < ProtocolConstants.passwordMinCharacters {
            throw ProtocolError(
                .passwordTooShort,
                "A password needs at least \(ProtocolConstants.passwordMinCharacters) characters."
            )
        }
        if password.utf8.count > ProtocolConstants.passwordMaxBytes {
            throw ProtocolError(
                .passwordTooLong,
                "A password is at most \(ProtocolConstants.passwordMaxBytes) bytes long."
            )
        }
    }
}

public enum MessageRules {
    /// Accepts text of 1...`maxCharacters` characters that is not all white
    /// space. Line breaks and tabs are text; other control characters would
    /// let one user drive another's terminal, so they are refused.
    public static func validate(_ text: String, maxCharacters: Int) throws(ProtocolError) {
        if text.allSatisfy(\.isWhitespace) {
            throw ProtocolError(.messageEmpty, "A message needs some text besides white space.")
        }
        let length = text.count
        if length > maxCharacters {
            throw ProtocolError(
                .messageTooLong,
                "A message is at most \(maxCharacters) characters; this one has \(length)."
            )
        }
        if let bad = text.unicodeScalars.first(where: isForbiddenControl) {
            throw ProtocolError(
                .messageInvalid,
                "A message cannot contain the control character U+\(String(bad.value, radix: 16, uppercase: true))."
            )
        }
    }

    private static func isForbiddenControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.properties.generalCategory == .control && scalar != "\n" && scalar != "\t"
    }
}

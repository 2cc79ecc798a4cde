import Foundation

/// The rules every user (and, later, room) name follows.
///
/// A name is 1–32 characters of letters (any script, with their combining
/// marks), decimal digits, `_` and `-`. Names are unique ignoring case, so
/// each has a `key`: its lowercased form, which the store indexes.
public enum NameRules {
    /// Returns the canonical key of a valid name, or throws the rule it breaks.
    @discardableResult
    public static func validate(_ name: String) throws(ProtocolError) -> String {
        if name.isEmpty {
            throw ProtocolError(.nameEmpty, "A name cannot be empty.")
        }
        if name.count > ProtocolConstants.nameMaxCharacters {
            throw ProtocolError(
                .nameTooLong,
                "A name is at most \(ProtocolConstants.nameMaxCharacters) characters; this one has \(name.count)."
            )
        }
        for (index, scalar) in name.unicodeScalars.enumerated() {
            if let problem = problem(with: scalar, first: index == 0) {
                throw ProtocolError(.nameInvalid, "A name cannot contain \(problem); use letters, digits, _ and -.")
            }
        }
        let key = key(for: name)
        if ProtocolConstants.reservedNames.contains(key) {
            throw ProtocolError(.nameReserved, "The name \"\(name)\" is reserved.")
        }
        return key
    }

    /// The case-insensitive key under which a name is unique.
    public static func key(for name: String) -> String {
        // NFC first: composed and decomposed spellings of one name share a key.
        name.precomposedStringWithCanonicalMapping.lowercased()
    }

    private static func problem(with scalar: Unicode.Scalar, first: Bool) -> String? {
        let properties = scalar.properties
        switch properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter, .decimalNumber:
            return nil
        case .nonspacingMark, .spacingMark, .enclosingMark:
            return first ? "a combining mark at its start" : nil
        case .control, .format:
            return "control characters (U+\(hex(scalar)))"
        default:
            if scalar == "_" || scalar == "-" { return nil }
            if properties.isWhitespace { return "spaces or other white space" }
            return "\"\(scalar)\""
        }
    }

    private static func hex(_ scalar: Unicode.Scalar) -> String {
        let digits = String(scalar.value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }
}

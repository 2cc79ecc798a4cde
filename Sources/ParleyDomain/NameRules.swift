import Foundation

/// The rules every user (and, later, room) name follows.
///
/// A name is 1–32 characters of letters (any script, with their combining
/// marks), decimal digits, `_` and `-`. Names are unique ignoring case, so
/// each has a `key`: its lowercased form, which the store indexes; and
/// unique by look, so each has a `skeleton` too.
public enum NameRules {
    /// Returns the canonical key of a valid name, or throws the rule it breaks.
    @discardableResult
    public static func validate(_ name: String) throws(DomainError) -> String {
        if name.isEmpty {
            throw .nameEmpty
        }
        if name.count > ProtocolConstants.nameMaxCharacters {
            throw .nameTooLong(characters: name.count, max: ProtocolConstants.nameMaxCharacters)
        }
        if name.utf8.count > ProtocolConstants.nameMaxBytes {
            throw .nameTooManyBytes(bytes: name.utf8.count, max: ProtocolConstants.nameMaxBytes)
        }
        if TextMeasure.mostMarks(in: name) > ProtocolConstants.nameMaxMarksPerCharacter {
            throw .nameInvalid(.marksStacked(max: ProtocolConstants.nameMaxMarksPerCharacter))
        }
        for (index, scalar) in name.unicodeScalars.enumerated() {
            if let fault = fault(with: scalar, first: index == 0) { throw .nameInvalid(fault) }
        }
        let key = key(for: name)
        if reservedSkeletons.contains(skeleton(for: name)) {
            throw .nameReserved(name: name)
        }
        return key
    }

    /// What a name looks like: names with one skeleton cannot both exist.
    /// Compatibility forms (fullwidth letters) fold first; look-alikes map
    /// to one prototype (UTS #39) before case folds, since some look alike
    /// only across case (`I` and `l`), and again after it.
    public static func skeleton(for name: String) -> String {
        Confusables.skeleton(Confusables.skeleton(name.precomposedStringWithCompatibilityMapping).lowercased())
    }

    private static let reservedSkeletons = Set(ProtocolConstants.reservedNames.map(skeleton(for:)))

    /// The case-insensitive key under which a name is unique.
    public static func key(for name: String) -> String {
        // NFC first: composed and decomposed spellings of one name share a key.
        name.precomposedStringWithCanonicalMapping.lowercased()
    }

    private static func fault(with scalar: Unicode.Scalar, first: Bool) -> DomainError.NameFault? {
        let properties = scalar.properties
        switch properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter, .decimalNumber:
            return nil
        case .nonspacingMark, .spacingMark, .enclosingMark:
            return first ? .combiningMarkFirst : nil
        case .control, .format:
            return .control(scalar: scalar.value)
        default:
            if scalar == "_" || scalar == "-" { return nil }
            if properties.isWhitespace { return .whiteSpace }
            return .character(String(scalar))
        }
    }
}

/// What remains of a deleted account: the name its messages show.
public enum DeletedAccount {
    public static let name = "a deleted user"
    /// A key no name folds to: names cannot hold control characters.
    public static func nameKey(of id: Int64) -> String { "\u{1}deleted \(id)" }
}

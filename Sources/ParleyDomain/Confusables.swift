import Foundation

/// Characters that look alike, as Unicode's UTS #39 lists them: a name's
/// skeleton maps each character to its prototype, so names that a person
/// cannot tell apart (`rоbot` with a Cyrillic о, fullwidth `ａｄｍｉｎ`)
/// have the same skeleton.
public enum Confusables {
    /// The prototype of each confusable character, read once from `data`.
    private static let prototypes: [Unicode.Scalar: [Unicode.Scalar]] = {
        var table: [Unicode.Scalar: [Unicode.Scalar]] = [:]
        for line in data.split(separator: "\n") {
            let fields = line.split(separator: " ")
            guard let from = scalar(fields[0]) else { continue }
            table[from] = fields.dropFirst().compactMap(scalar)
        }
        return table
    }()

    private static func scalar(_ hex: Substring) -> Unicode.Scalar? {
        UInt32(hex, radix: 16).flatMap(Unicode.Scalar.init)
    }

    /// UTS #39's skeleton: decomposed, each character replaced by its
    /// prototype, decomposed again.
    public static func skeleton(_ text: String) -> String {
        var mapped = String.UnicodeScalarView()
        for scalar in text.decomposedStringWithCanonicalMapping.unicodeScalars {
            mapped.append(contentsOf: prototypes[scalar] ?? [scalar])
        }
        return String(mapped).decomposedStringWithCanonicalMapping
    }
}

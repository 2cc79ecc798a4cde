import CNCursesW
import Foundation

/// Terminal columns a text takes, as the terminal will draw it: CJK and
/// emoji take two, combining marks none. Uses the C library's wcwidth, the
/// same table curses uses, so what we measure is what gets drawn.
public enum TextWidth {
    private static let localeReady: Bool = {
        // wcwidth answers -1 for everything beyond ASCII in the "C" locale.
        // U+4E16 (世) is two columns in any UTF-8 locale.
        if setlocale(LC_CTYPE, "") == nil || wcwidth(0x4E16) != 2 {
            setlocale(LC_CTYPE, "C.UTF-8")
        }
        return true
    }()

    public static func of(_ character: Character) -> Int {
        _ = localeReady
        let scalars = character.unicodeScalars
        guard let first = scalars.first else { return 0 }
        if first.value < 0x20 || first.value == 0x7F { return 0 }
        // An emoji presentation selector or a ZWJ sequence draws one wide glyph.
        if scalars.count > 1, scalars.contains(where: { $0.value == 0xFE0F || $0.value == 0x200D }) {
            return 2
        }
        let width = Int(wcwidth(wchar_t(bitPattern: first.value)))
        return max(width, first.properties.generalCategory == .nonspacingMark ? 0 : (width < 0 ? 1 : width))
    }

    public static func of(_ text: some StringProtocol) -> Int {
        text.reduce(0) { $0 + of($1) }
    }

    /// Cuts `text` into lines of at most `width` columns, breaking at
    /// spaces where it can and inside words where it must. "\n" always breaks.
    public static func wrap(_ text: String, width: Int) -> [String] {
        guard width > 0 else { return [] }
        var lines: [String] = []
        for paragraph in text.split(separator: "\n", omittingEmptySubsequences: false) {
            var line = ""
            var lineWidth = 0
            var lastSpace: String.Index?
            for character in paragraph {
                let w = of(character)
                if lineWidth + w > width {
                    if let space = lastSpace, character != " " {
                        let rest = String(line[line.index(after: space)...])
                        lines.append(String(line[..<space]))
                        line = rest
                        lineWidth = of(rest)
                    } else {
                        lines.append(line)
                        line = ""
                        lineWidth = 0
                    }
                    lastSpace = nil
                    if character == " " { continue }
                }
                if character == " " { lastSpace = line.endIndex }
                line.append(character)
                lineWidth += w
            }
            lines.append(line)
        }
        return lines
    }

    /// The longest prefix of `text` that fits in `width` columns.
    public static func truncate(_ text: String, width: Int) -> String {
        var result = ""
        var used = 0
        for character in text {
            let w = of(character)
            if used + w > width { break }
            result.append(character)
            used += w
        }
        return result
    }
}

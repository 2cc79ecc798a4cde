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

    /// Cuts `text` into lines of at most `width` columns (the first) and
    /// `continuation` columns (the others), greedily: each line takes every
    /// word that fits. A word goes whole to the next line when it fits a
    /// line; only a word longer than a whole line is broken, and it starts
    /// where the line has room. Wide characters (CJK) may break anywhere,
    /// as they do in those scripts. Spaces at a break are dropped; "\n"
    /// always breaks.
    public static func wrap(_ text: String, width: Int, continuation: Int? = nil) -> [String] {
        guard width > 0 else { return [] }
        var wrapper = Wrapper(first: width, rest: max(1, continuation ?? width))
        for paragraph in text.split(separator: "\n", omittingEmptySubsequences: false) {
            wrapper.add(paragraph)
        }
        return wrapper.lines
    }

    private struct Wrapper {
        let rest: Int
        var lines: [String] = []
        var line = ""
        var used = 0
        var limit: Int

        init(first: Int, rest: Int) {
            limit = first
            self.rest = rest
        }

        mutating func add(_ paragraph: Substring) {
            // Spaces between the line so far and the next word; kept at the
            // start of a paragraph (indentation), dropped at a break.
            var gap = ""
            for (text, isSpace) in Self.tokens(paragraph) {
                if isSpace {
                    gap += text
                    continue
                }
                let width = TextWidth.of(text)
                let gapWidth = TextWidth.of(gap)
                if used + gapWidth + width <= limit {
                    append(gap + text, width: gapWidth + width)
                } else if line.isEmpty && width <= limit {
                    append(text, width: width)
                } else if !line.isEmpty && width <= rest {
                    breakLine()
                    append(text, width: width)
                } else {
                    if used + gapWidth < limit { append(gap, width: gapWidth) } else if !line.isEmpty { breakLine() }
                    for character in text {
                        let w = TextWidth.of(character)
                        if used + w > limit && !line.isEmpty { breakLine() }
                        append(String(character), width: w)
                    }
                }
                gap = ""
            }
            if line.isEmpty && !gap.isEmpty { line = TextWidth.truncate(gap, width: limit) }
            breakLine()
        }

        private mutating func append(_ text: String, width: Int) {
            line += text
            used += width
        }

        private mutating func breakLine() {
            lines.append(line)
            line = ""
            used = 0
            limit = rest
        }

        /// Words and runs of spaces; each wide character is a word of its own.
        static func tokens(_ paragraph: Substring) -> [(String, Bool)] {
            var tokens: [(String, Bool)] = []
            var current = ""
            var currentIsSpace = false
            func flush() {
                if !current.isEmpty { tokens.append((current, currentIsSpace)) }
                current = ""
            }
            for character in paragraph {
                let isSpace = character == " "
                if isSpace != currentIsSpace { flush() }
                currentIsSpace = isSpace
                if !isSpace && TextWidth.of(character) > 1 {
                    flush()
                    tokens.append((String(character), false))
                } else {
                    current.append(character)
                }
            }
            flush()
            return tokens
        }
    }

    /// `text` if it fits in `width` columns; else as many whole words as
    /// fit with "…" after them (a single long word is cut where it must be).
    public static func ellipsize(_ text: String, width: Int) -> String {
        guard of(text) > width else { return text }
        guard width > 1 else { return truncate(text, width: width) }
        let cut = truncate(text, width: width - 1)
        let atWord = cut.lastIndex(of: " ").map { String(cut[..<$0]) } ?? cut
        let kept = atWord.count >= cut.count / 2 ? atWord : cut
        return kept.trimmingCharacters(in: .whitespaces) + "…"
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

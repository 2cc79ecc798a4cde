/// A Parley message as IRC lines: each line of the text a message of its
/// own, and a line longer than an IRC line can carry cut into pieces that
/// fit, at a space where there is one, never inside a character.
public enum TextSplitter {
    /// The pieces of `text`, each at most `maxBytes` bytes of UTF-8. Empty
    /// lines are left out: IRC has no empty message.
    public static func pieces(of text: String, maxBytes: Int) -> [String] {
        precondition(maxBytes >= 4, "a piece must hold any one character")
        var pieces: [String] = []
        for line in text.split(omittingEmptySubsequences: true, whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }) {
            var rest = Substring(line)
            while rest.utf8.count > maxBytes {
                let cut = cutIndex(in: rest, maxBytes: maxBytes)
                pieces.append(String(rest[..<cut]))
                rest = rest[cut...]
                // The space a line was cut at is the break, not text.
                if rest.first == " " { rest = rest.dropFirst() }
            }
            if !rest.isEmpty { pieces.append(String(rest)) }
        }
        return pieces
    }

    /// Where to cut `text` so that what comes before fits: after the last
    /// space that leaves a piece, else at the last whole character that
    /// fits (a character wider than the budget is cut by scalars).
    private static func cutIndex(in text: Substring, maxBytes: Int) -> Substring.Index {
        var bytes = 0
        var lastFit = text.startIndex
        var lastSpace: Substring.Index?
        for index in text.indices {
            let width = text[index].utf8.count
            if bytes + width > maxBytes { break }
            bytes += width
            if text[index] == " " && index > text.startIndex { lastSpace = index }
            lastFit = text.index(after: index)
        }
        if let lastSpace { return lastSpace }
        if lastFit > text.startIndex { return lastFit }
        // One character (a long cluster of marks) wider than a line.
        var scalarBytes = 0
        var index = text.startIndex
        for scalar in text.unicodeScalars {
            let width = String(scalar).utf8.count
            if scalarBytes + width > maxBytes { break }
            scalarBytes += width
            index = text.unicodeScalars.index(after: index)
        }
        return index
    }
}

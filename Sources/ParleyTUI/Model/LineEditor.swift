/// The text being typed and the cursor in it, with the editing commands
/// of a readline-style line; multi-line text holds "\n".
public struct LineEditor: Hashable, Sendable {
    public private(set) var characters: [Character] = []
    /// Index into `characters`: the cursor stands before this character.
    public private(set) var cursor = 0
    /// Sent lines, oldest first, for Up/Down.
    public private(set) var recall: [String] = []
    private var recallIndex: Int?
    private var draft: [Character] = []
    public static let recallLimit = 500
    /// A line given back after the server refused it, shown marked: text
    /// typed next replaces it (never runs on from it); an editing key
    /// unmarks it to fix it.
    public var marked = false

    public init(_ text: String = "") {
        characters = Array(text)
        cursor = characters.count
    }

    public var text: String { String(characters) }
    public var isEmpty: Bool { characters.isEmpty }
    public var lineCount: Int { characters.filter { $0 == "\n" }.count + 1 }

    public mutating func insert(_ text: String) {
        let new = Array(text)
        characters.insert(contentsOf: new, at: cursor)
        cursor += new.count
        recallIndex = nil
    }

    public mutating func moveLeft() { cursor = max(0, cursor - 1) }
    public mutating func moveRight() { cursor = min(characters.count, cursor + 1) }

    /// Start of the current line of a multi-line text.
    public mutating func moveToLineStart() {
        while cursor > 0 && characters[cursor - 1] != "\n" { cursor -= 1 }
    }

    public mutating func moveToLineEnd() {
        while cursor < characters.count && characters[cursor] != "\n" { cursor += 1 }
    }

    public mutating func deleteBackward() {
        guard cursor > 0 else { return }
        characters.remove(at: cursor - 1)
        cursor -= 1
    }

    public mutating func deleteForward() {
        guard cursor < characters.count else { return }
        characters.remove(at: cursor)
    }

    /// Ctrl+W: the word before the cursor and the spaces after it.
    public mutating func deleteWordBackward() {
        var start = cursor
        while start > 0 && characters[start - 1].isWhitespace { start -= 1 }
        while start > 0 && !characters[start - 1].isWhitespace { start -= 1 }
        characters.removeSubrange(start..<cursor)
        cursor = start
    }

    /// Ctrl+U: everything before the cursor.
    public mutating func deleteToStart() {
        characters.removeSubrange(0..<cursor)
        cursor = 0
    }

    /// Ctrl+K: everything after the cursor.
    public mutating func deleteToEnd() {
        characters.removeSubrange(cursor...)
    }

    /// Empties the line and remembers it for recall.
    public mutating func take() -> String {
        let text = self.text
        remember(text)
        characters = []
        cursor = 0
        recallIndex = nil
        marked = false
        return text
    }

    /// Puts a refused line back, marked.
    public mutating func restore(_ text: String) {
        show(Array(text))
        recallIndex = nil
        marked = true
    }

    /// Keeps `text` for recall without touching the line being typed.
    public mutating func remember(_ text: String) {
        guard !text.isEmpty, recall.last != text else { return }
        recall.append(text)
        if recall.count > Self.recallLimit { recall.removeFirst() }
    }

    public mutating func recallPrevious() {
        guard !recall.isEmpty else { return }
        if recallIndex == nil { draft = characters }
        let index = max(0, (recallIndex ?? recall.count) - 1)
        recallIndex = index
        show(Array(recall[index]))
    }

    public mutating func recallNext() {
        guard let index = recallIndex else { return }
        if index + 1 < recall.count {
            recallIndex = index + 1
            show(Array(recall[index + 1]))
        } else {
            recallIndex = nil
            show(draft)
        }
    }

    /// The word the cursor ends, for completion.
    public var wordBeforeCursor: String {
        var start = cursor
        while start > 0 && !characters[start - 1].isWhitespace { start -= 1 }
        return String(characters[start..<cursor])
    }

    /// Replaces the word before the cursor.
    public mutating func replaceWordBeforeCursor(with replacement: String) {
        let length = wordBeforeCursor.count
        characters.removeSubrange((cursor - length)..<cursor)
        cursor -= length
        insert(replacement)
    }

    private mutating func show(_ text: [Character]) {
        characters = text
        cursor = text.count
        marked = false
    }
}

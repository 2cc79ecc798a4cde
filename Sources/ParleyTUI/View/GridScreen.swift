/// A screen in memory: each cell holds the character drawn there and its
/// role, so tests can read the screen as text and check its colours.
public final class GridScreen: Screen {
    public struct Cell: Hashable, Sendable {
        /// "" for the second cell of a wide character.
        public var text: String
        public var role: Role
    }

    public let size: Size
    public private(set) var cells: [[Cell]]
    public private(set) var cursor: (row: Int, column: Int)?

    public init(columns: Int, rows: Int) {
        size = Size(columns: columns, rows: rows)
        cells = Array(repeating: Array(repeating: Cell(text: " ", role: .normal), count: columns), count: rows)
    }

    public func clear() {
        cells = Array(repeating: Array(repeating: Cell(text: " ", role: .normal), count: size.columns), count: size.rows)
    }

    public func write(_ text: String, row: Int, column: Int, role: Role) {
        guard (0..<size.rows).contains(row) else { return }
        var x = column
        for character in text {
            let width = TextWidth.of(character)
            guard x >= 0, x + width <= size.columns else { break }
            if width == 0 {
                if x > 0 { cells[row][x - 1].text.append(character) }
                continue
            }
            cells[row][x] = Cell(text: String(character), role: role)
            if width == 2 { cells[row][x + 1] = Cell(text: "", role: role) }
            x += width
        }
    }

    public func placeCursor(row: Int, column: Int) { cursor = (row, column) }
    public func hideCursor() { cursor = nil }

    /// A row as text, wide characters once.
    public func text(row: Int) -> String {
        cells[row].map(\.text).joined()
    }

    /// The whole screen as lines of text.
    public var lines: [String] { (0..<size.rows).map(text(row:)) }

    /// The role of the cell where `needle` starts on the first row holding it.
    public func role(of needle: String) -> Role? {
        (0..<size.rows).lazy.compactMap { self.role(ofRow: $0, needle) }.first
    }

    /// The role of the cell where `needle` starts on `row`.
    public func role(ofRow row: Int, _ needle: String) -> Role? {
        let line = text(row: row)
        guard let range = line.range(of: needle) else { return nil }
        // The needle starts after this many characters; wide characters'
        // second cells ("") hold none.
        let offset = line[..<range.lowerBound].count
        var seen = 0
        for cell in cells[row] where !cell.text.isEmpty {
            if seen == offset { return cell.role }
            seen += cell.text.count
        }
        return nil
    }
}

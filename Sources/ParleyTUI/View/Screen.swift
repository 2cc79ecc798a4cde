/// Where `render` draws: the terminal, or a grid of cells in tests.
public protocol Screen: AnyObject {
    var size: Size { get }
    func clear()
    /// Writes `text` from `column` on `row`, wide characters taking two
    /// cells; what would pass the right edge is cut.
    func write(_ text: String, row: Int, column: Int, role: Role)
    /// Where the terminal's cursor should stand; nil hides it.
    func placeCursor(row: Int, column: Int)
    func hideCursor()
}

extension Screen {
    /// Fills a row from `column` to the right edge with spaces in `role`.
    func fill(row: Int, from column: Int = 0, role: Role) {
        write(String(repeating: " ", count: max(0, size.columns - column)), row: row, column: column, role: role)
    }
}

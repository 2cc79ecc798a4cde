import CNCursesW
import Foundation

/// The real terminal, through ncursesw. Only this file and CursesInput
/// touch curses.
public final class CursesScreen: Screen {
    public private(set) var size: Size
    private var theme: Theme
    private var pairs: [Role: (attributes: attr_t, pair: Int16)] = [:]
    private var cursor: (row: Int, column: Int)?

    static let pasteStartCode: Int32 = 0x7001
    static let pasteEndCode: Int32 = 0x7002
    static let ctrlHomeCode: Int32 = 0x7003
    static let ctrlEndCode: Int32 = 0x7004

    public init(theme: Theme) {
        setlocale(LC_ALL, "")
        initscr()
        raw()
        noecho()
        nonl()
        keypad(parley_stdscr(), true)
        parley_set_escdelay(25)
        nodelay(parley_stdscr(), true)
        if has_colors() {
            start_color()
            use_default_colors()
        }
        // Bracketed paste: the terminal marks pasted text, so Parley can
        // take it as one message.
        define_key("\u{1B}[200~", Self.pasteStartCode)
        define_key("\u{1B}[201~", Self.pasteEndCode)
        define_key("\u{1B}[1;5H", Self.ctrlHomeCode)
        define_key("\u{1B}[1;5F", Self.ctrlEndCode)
        FileHandle.standardOutput.write(Data("\u{1B}[?2004h".utf8))
        size = Size(columns: Int(getmaxx(parley_stdscr())), rows: Int(getmaxy(parley_stdscr())))
        self.theme = theme
        apply(theme)
    }

    public func end() {
        FileHandle.standardOutput.write(Data("\u{1B}[?2004l".utf8))
        endwin()
    }

    /// Takes the terminal again after a stop: whatever the shell did to it
    /// meanwhile (cooked mode, echo, another screen), curses' own modes come
    /// back, and the next `present` redraws every cell. The size may have
    /// changed while stopped.
    public func resume() -> Size {
        endwin()
        wrefresh(parley_stdscr())
        FileHandle.standardOutput.write(Data("\u{1B}[?2004h".utf8))
        redrawAll()
        return resizeToTerminal()
    }

    /// Ctrl+L: the next `present` repaints the whole screen.
    public func redrawAll() {
        clearok(parley_curscr(), true)
    }

    /// Asks the terminal its size (after SIGWINCH) and lays curses out anew.
    public func resizeToTerminal() -> Size {
        var window = winsize()
        if ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &window) == 0, window.ws_row > 0, window.ws_col > 0 {
            resizeterm(Int32(window.ws_row), Int32(window.ws_col))
        }
        return refreshSize()
    }

    public func apply(_ theme: Theme) {
        self.theme = has_colors() ? theme : theme.withoutColours
        let colours = Int(parley_colors())
        for (index, role) in Role.allCases.enumerated() {
            let style = self.theme.style(for: role)
            let pair = Int16(index + 1)
            if has_colors() {
                init_pair(pair, Int16(Self.fit(style.foreground, colours: colours)), Int16(Self.fit(style.background, colours: colours)))
            }
            var attributes = parley_a_normal()
            if style.bold || (style.foreground >= 8 && style.foreground < 16 && colours < 16) { attributes |= parley_a_bold() }
            if style.underline { attributes |= parley_a_underline() }
            if style.reverse { attributes |= parley_a_reverse() }
            if style.dim { attributes |= parley_a_dim() }
            pairs[role] = (attributes, has_colors() ? pair : 0)
        }
    }

    /// A palette colour the terminal has: bright colours fall back to the
    /// basic eight (made bold), the 256-colour cube to the nearest basic.
    static func fit(_ colour: Int, colours: Int) -> Int {
        if colour < 0 || colour < colours { return colour }
        if colour < 16 { return colour - 8 }
        if colour >= 232 { return colour >= 244 ? 7 : 0 }
        let cube = colour - 16
        let (r, g, b) = (cube / 36, (cube / 6) % 6, cube % 6)
        return (r >= 3 ? 1 : 0) | (g >= 3 ? 2 : 0) | (b >= 3 ? 4 : 0)
    }

    public func refreshSize() -> Size {
        size = Size(columns: Int(getmaxx(parley_stdscr())), rows: Int(getmaxy(parley_stdscr())))
        return size
    }

    public func clear() {
        werase(parley_stdscr())
    }

    public func write(_ text: String, row: Int, column: Int, role: Role) {
        guard (0..<size.rows).contains(row) else { return }
        let (attributes, pair) = pairs[role] ?? (parley_a_normal(), 0)
        var x = column
        for character in text {
            let width = TextWidth.of(character)
            guard x >= 0, x + max(width, 1) <= size.columns else { break }
            if width == 0 { continue }
            var wide = character.unicodeScalars.prefix(5).map { wchar_t(bitPattern: $0.value) }
            wide.append(0)
            _ = parley_put_cell(Int32(row), Int32(x), wide, attributes, pair)
            x += width
        }
    }

    public func placeCursor(row: Int, column: Int) { cursor = (row, column) }
    public func hideCursor() { cursor = nil }

    /// Shows what was drawn.
    public func present() {
        if let cursor {
            curs_set(1)
            wmove(parley_stdscr(), Int32(cursor.row), Int32(cursor.column))
        } else {
            curs_set(0)
        }
        wrefresh(parley_stdscr())
    }

    public func bell() {
        beep()
    }

    /// Everything readable now, without waiting.
    public func readInput() -> (inputs: [RawInput], resized: Bool) {
        var inputs: [RawInput] = []
        var resized = false
        var value: wint_t = 0
        while true {
            let result = wget_wch(parley_stdscr(), &value)
            if result == ERR { break }
            if result == KEY_CODE_YES {
                let code = Int32(value)
                if code == KEY_RESIZE {
                    resized = true
                } else if let input = Self.input(forKeyCode: code) {
                    inputs.append(input)
                }
            } else {
                inputs.append(.character(UInt32(value)))
            }
        }
        return (inputs, resized)
    }

    private static func input(forKeyCode code: Int32) -> RawInput? {
        switch code {
        case pasteStartCode: return .pasteStart
        case pasteEndCode: return .pasteEnd
        case ctrlHomeCode: return .key(.ctrlHome)
        case ctrlEndCode: return .key(.ctrlEnd)
        case KEY_LEFT: return .key(.left)
        case KEY_RIGHT: return .key(.right)
        case KEY_UP: return .key(.up)
        case KEY_DOWN: return .key(.down)
        case KEY_HOME: return .key(.home)
        case KEY_END: return .key(.end)
        case KEY_PPAGE: return .key(.pageUp)
        case KEY_NPAGE: return .key(.pageDown)
        case KEY_BACKSPACE: return .key(.backspace)
        case KEY_DC: return .key(.delete)
        case KEY_IC: return .key(.insert)
        case KEY_ENTER: return .key(.enter)
        case KEY_BTAB: return .key(.backTab)
        case (KEY_F0 + 1)...(KEY_F0 + 12): return .key(.function(Int(code - KEY_F0)))
        default: return nil
        }
    }
}

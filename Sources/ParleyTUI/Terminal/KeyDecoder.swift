/// What the terminal layer reads, before it means anything.
public enum RawInput: Hashable, Sendable {
    case character(UInt32)
    /// A key curses recognised from an escape sequence.
    case key(Key)
    case pasteStart
    case pasteEnd
}

/// Turns raw input into keys and pastes. Alt+x arrives as ESC then x in the
/// same burst; a bracketed paste arrives between two markers and becomes one
/// piece of text, so a pasted newline never sends. Escape sequences curses
/// did not recognise (terminfo and the terminal disagree, as with
/// TERM=xterm-256color inside tmux) are decoded here in all their common
/// spellings, and one that means nothing known is dropped whole: never typed.
public struct KeyDecoder: Sendable {
    private var paste: String?
    private var escape: EscapeState = .none

    private enum EscapeState: Sendable {
        case none
        /// ESC read: Alt+key, a sequence, or Esc alone at the end of the burst.
        case started
        /// ESC [ and the parameter and intermediate bytes so far.
        case csi(String)
        /// ESC [ [ (the Linux console's F1–F5).
        case linuxFunction
        /// ESC O: one more byte names the key.
        case ss3
    }

    public init() {}

    /// Decodes one burst of input (everything readable at once).
    public mutating func decode(_ burst: [RawInput]) -> [Action] {
        var actions: [Action] = []
        for input in burst {
            if var text = paste {
                switch input {
                case .pasteEnd:
                    actions.append(.paste(text))
                    paste = nil
                case .character(let value):
                    if let scalar = Unicode.Scalar(value) { text.unicodeScalars.append(scalar) }
                    paste = text
                    if text.hasSuffix("\u{1B}[201~") {
                        actions.append(.paste(String(text.dropLast(6))))
                        paste = nil
                    }
                case .key(.enter):
                    paste = text + "\n"
                case .key, .pasteStart:
                    break
                }
                continue
            }
            switch input {
            case .pasteStart:
                flushEscape(into: &actions)
                paste = ""
            case .pasteEnd:
                break
            case .key(let key):
                if case .started = escape {
                    actions.append(.key(key == .enter ? .altEnter : key))
                } else {
                    flushEscape(into: &actions)
                    actions.append(.key(key))
                }
                escape = .none
            case .character(let value):
                decode(value, into: &actions)
            }
        }
        flushEscape(into: &actions)
        return actions
    }

    private mutating func decode(_ value: UInt32, into actions: inout [Action]) {
        switch escape {
        case .none:
            if value == 27 {
                escape = .started
            } else if let key = Self.key(for: value) {
                actions.append(.key(key))
            }
        case .started:
            escape = .none
            switch value {
            case 27:
                actions.append(.key(.escape))
                escape = .started
            case 0x5B: escape = .csi("")
            case 0x4F: escape = .ss3
            default:
                guard let key = Self.key(for: value) else { return }
                switch key {
                case .enter: actions.append(.key(.altEnter))
                case .character(let c): actions.append(.key(.alt(Character(c.lowercased()))))
                default: actions.append(.key(key))
                }
            }
        case .csi(let body):
            if body.isEmpty && value == 0x5B {
                escape = .linuxFunction
            } else if (0x20...0x3F).contains(value), body.count < 16 {
                escape = .csi(body + String(UnicodeScalar(UInt8(value))))
            } else {
                escape = .none
                if (0x40...0x7E).contains(value) {
                    if body == "200" && value == 0x7E {
                        paste = ""
                    } else if let key = Self.csiKey(body, final: UnicodeScalar(UInt8(value))) {
                        actions.append(.key(key))
                    }
                }
                // Anything else ends a sequence that was not one: dropped.
            }
        case .linuxFunction:
            escape = .none
            if (0x41...0x45).contains(value) { actions.append(.key(.function(Int(value) - 0x40))) }
        case .ss3:
            escape = .none
            if let key = Self.ss3Key(value) { actions.append(.key(key)) }
        }
    }

    /// At the end of a burst: ESC alone was the Esc key; ESC [ or ESC O
    /// with nothing after were Alt+[ and Alt+O; a sequence cut short is dropped.
    private mutating func flushEscape(into actions: inout [Action]) {
        switch escape {
        case .started: actions.append(.key(.escape))
        case .csi(let body) where body.isEmpty: actions.append(.key(.alt("[")))
        case .ss3: actions.append(.key(.alt("o")))
        default: break
        }
        escape = .none
    }

    /// `ESC [ params final`: xterm's, rxvt's, VT220's and tmux's spellings,
    /// with modifiers (`1;5H` is Ctrl+Home; others keep their plain key).
    static func csiKey(_ body: String, final: UnicodeScalar) -> Key? {
        let params = body.split(separator: ";", omittingEmptySubsequences: false).map { Int($0) }
        let modifier = params.count > 1 ? (params[1] ?? 1) : 1
        let ctrl = modifier >= 2 && ((modifier - 1) & 4) != 0
        switch final {
        case "A": return .up
        case "B": return .down
        case "C": return .right
        case "D": return .left
        case "H": return ctrl ? .ctrlHome : .home
        case "F": return ctrl ? .ctrlEnd : .end
        case "Z": return .backTab
        case "P", "Q", "R", "S":
            return .function(Int(final.value) - 0x4F)
        case "~":
            switch params.first ?? nil {
            case 1, 7: return ctrl ? .ctrlHome : .home
            case 4, 8: return ctrl ? .ctrlEnd : .end
            case 2: return .insert
            case 3: return .delete
            case 5: return .pageUp
            case 6: return .pageDown
            case let n? where (11...15).contains(n): return .function(n - 10)
            case let n? where (17...21).contains(n): return .function(n - 11)
            case let n? where (23...24).contains(n): return .function(n - 12)
            default: return nil
            }
        default: return nil
        }
    }

    /// `ESC O x`: the application-mode spellings of arrows, Home, End, F1–F4.
    static func ss3Key(_ value: UInt32) -> Key? {
        switch UnicodeScalar(UInt8(truncatingIfNeeded: value)) {
        case "A": .up
        case "B": .down
        case "C": .right
        case "D": .left
        case "H": .home
        case "F": .end
        case "M": .enter
        case "P": .function(1)
        case "Q": .function(2)
        case "R": .function(3)
        case "S": .function(4)
        default: nil
        }
    }

    static func key(for value: UInt32) -> Key? {
        switch value {
        case 13, 10: return .enter
        case 9: return .tab
        case 127, 8: return .backspace
        case 1...26: return .ctrl(Character(Unicode.Scalar(value + 96)!))
        case 0..<32: return nil
        default: return Unicode.Scalar(value).map { .character(Character($0)) }
        }
    }
}

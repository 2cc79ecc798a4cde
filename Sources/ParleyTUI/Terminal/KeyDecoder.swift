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
/// piece of text, so a pasted newline never sends.
public struct KeyDecoder: Sendable {
    private var paste: String?
    private var pendingEscape = false

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
                if pendingEscape {
                    pendingEscape = false
                    actions.append(.key(key == .enter ? .altEnter : key))
                } else {
                    actions.append(.key(key))
                }
            case .character(27):
                if pendingEscape { actions.append(.key(.escape)) }
                pendingEscape = true
            case .character(let value):
                guard let key = Self.key(for: value) else { continue }
                if pendingEscape {
                    pendingEscape = false
                    switch key {
                    case .enter: actions.append(.key(.altEnter))
                    case .character(let c): actions.append(.key(.alt(Character(c.lowercased()))))
                    default: actions.append(.key(key))
                    }
                } else {
                    actions.append(.key(key))
                }
            }
        }
        flushEscape(into: &actions)
        return actions
    }

    private mutating func flushEscape(into actions: inout [Action]) {
        if pendingEscape {
            actions.append(.key(.escape))
            pendingEscape = false
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

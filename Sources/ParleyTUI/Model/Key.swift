/// A key as the front end understands it, decoded from whatever the
/// terminal sent. Named keys are spelt the way docs/KEYS.md and the config
/// file spell them (`ctrl-a`, `alt-enter`, `pageup`, `f1`).
public enum Key: Hashable, Sendable {
    case character(Character)
    case enter, altEnter, tab, backTab, backspace, delete, insert, escape
    case left, right, up, down, home, end, pageUp, pageDown, ctrlHome, ctrlEnd
    /// Control plus a lowercase letter.
    case ctrl(Character)
    case alt(Character)
    case function(Int)

    public var name: String {
        switch self {
        case .character(let c): String(c)
        case .enter: "enter"
        case .altEnter: "alt-enter"
        case .tab: "tab"
        case .backTab: "shift-tab"
        case .backspace: "backspace"
        case .delete: "delete"
        case .insert: "insert"
        case .escape: "esc"
        case .left: "left"
        case .right: "right"
        case .up: "up"
        case .down: "down"
        case .home: "home"
        case .end: "end"
        case .pageUp: "pageup"
        case .pageDown: "pagedown"
        case .ctrlHome: "ctrl-home"
        case .ctrlEnd: "ctrl-end"
        case .ctrl(let c): "ctrl-\(c)"
        case .alt(let c): "alt-\(c)"
        case .function(let n): "f\(n)"
        }
    }

    /// The key a name in the config file means, or nil.
    public init?(name: String) {
        let lower = name.lowercased()
        let named: [String: Key] = [
            "enter": .enter, "alt-enter": .altEnter, "tab": .tab, "shift-tab": .backTab,
            "backspace": .backspace, "delete": .delete, "insert": .insert, "esc": .escape, "left": .left, "right": .right,
            "up": .up, "down": .down, "home": .home, "end": .end, "pageup": .pageUp, "pagedown": .pageDown,
            "ctrl-home": .ctrlHome, "ctrl-end": .ctrlEnd,
        ]
        if let key = named[lower] {
            self = key
        } else if lower.hasPrefix("ctrl-"), lower.count == 6, let c = lower.last, c.isLetter {
            self = .ctrl(c)
        } else if lower.hasPrefix("alt-"), lower.count == 5, let c = lower.last {
            self = .alt(c)
        } else if lower.hasPrefix("f"), let n = Int(lower.dropFirst()), (1...12).contains(n) {
            self = .function(n)
        } else {
            return nil
        }
    }
}

/// What a key does. Everything the keyboard can do is one of these.
public enum Command: String, CaseIterable, Hashable, Sendable {
    case send, newline
    case cursorLeft = "cursor-left", cursorRight = "cursor-right"
    case lineStart = "line-start", lineEnd = "line-end"
    case deleteBackward = "delete-backward", deleteForward = "delete-forward"
    case deleteWord = "delete-word", deleteToStart = "delete-to-start", deleteToEnd = "delete-to-end"
    case recallPrevious = "recall-previous", recallNext = "recall-next"
    case complete
    case pageUp = "page-up", pageDown = "page-down"
    case homeOrTop = "home-or-top", endOrBottom = "end-or-bottom"
    case scrollTop = "scroll-top", scrollBottom = "scroll-bottom"
    case help, closePopup = "close-popup", quit
    case quitIfEmpty = "quit-if-empty"
    case focusFriends = "focus-friends"
    case nextChat = "next-chat"
    case closeChat = "close-chat"
    case nextField = "next-field"
    case toggleRegister = "toggle-register"

    public var summary: String {
        switch self {
        case .send: "send the message (in the login form: log in)"
        case .newline: "new line in the message"
        case .cursorLeft: "cursor left"
        case .cursorRight: "cursor right"
        case .lineStart: "start of the line"
        case .lineEnd: "end of the line"
        case .deleteBackward: "delete before the cursor"
        case .deleteForward: "delete under the cursor"
        case .deleteWord: "delete the word before the cursor"
        case .deleteToStart: "delete to the start of the line"
        case .deleteToEnd: "delete to the end of the line"
        case .recallPrevious: "previous sent line"
        case .recallNext: "next sent line"
        case .complete: "complete a name or /command"
        case .pageUp: "scroll back a page (loads older history)"
        case .pageDown: "scroll forward a page"
        case .homeOrTop: "start of the line; with an empty line, oldest message"
        case .endOrBottom: "end of the line; with an empty line, newest message"
        case .scrollTop: "oldest message"
        case .scrollBottom: "newest message"
        case .help: "this help"
        case .closePopup: "hide the private chat or close the popup"
        case .focusFriends: "friends pane: arrows move, Enter chats or accepts, a accept, d decline, Esc back"
        case .nextChat: "show the next private chat (unread first)"
        case .closeChat: "close the private chat on screen"
        case .quit: "quit"
        case .quitIfEmpty: "quit when the line is empty, else delete under the cursor"
        case .nextField: "next field of the login form"
        case .toggleRegister: "login form: switch between logging in and registering"
        }
    }
}

/// The one table of keys. The config file's `[keys]` may rebind any.
public struct Keymap: Sendable {
    public private(set) var bindings: [Key: Command]

    public static let standard = Keymap(bindings: [
        .enter: .send, .altEnter: .newline,
        .left: .cursorLeft, .right: .cursorRight,
        .home: .homeOrTop, .end: .endOrBottom, .ctrl("a"): .lineStart, .ctrl("e"): .lineEnd,
        .backspace: .deleteBackward, .delete: .deleteForward,
        .ctrl("w"): .deleteWord, .ctrl("u"): .deleteToStart, .ctrl("k"): .deleteToEnd,
        .up: .recallPrevious, .down: .recallNext, .tab: .complete,
        .pageUp: .pageUp, .pageDown: .pageDown, .ctrlHome: .scrollTop, .ctrlEnd: .scrollBottom,
        .function(1): .help, .escape: .closePopup,
        .function(2): .focusFriends, .function(3): .nextChat, .function(4): .closeChat,
        .ctrl("c"): .quit, .ctrl("d"): .quitIfEmpty,
        .ctrl("r"): .toggleRegister, .backTab: .nextField,
    ])

    public func command(for key: Key) -> Command? { bindings[key] }

    /// Rebinds from the config file; names are those of docs/KEYS.md.
    public mutating func bind(_ keyName: String, to commandName: String) throws(KeymapError) {
        guard let key = Key(name: keyName) else { throw KeymapError(message: "unknown key \"\(keyName)\"") }
        guard let command = Command(rawValue: commandName) else {
            throw KeymapError(message: "unknown command \"\(commandName)\" for \(keyName)")
        }
        bindings[key] = command
    }

    /// Key names bound to each command, for the help popup.
    public func keys(for command: Command) -> [String] {
        bindings.filter { $0.value == command }.map(\.key.name).sorted()
    }
}

public struct KeymapError: Error, Sendable, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}

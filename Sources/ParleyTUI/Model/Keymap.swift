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
    case conversation1 = "conversation-1", conversation2 = "conversation-2", conversation3 = "conversation-3"
    case conversation4 = "conversation-4", conversation5 = "conversation-5", conversation6 = "conversation-6"
    case conversation7 = "conversation-7", conversation8 = "conversation-8", conversation9 = "conversation-9"
    case nextConversation = "next-conversation", previousConversation = "previous-conversation"
    case nextUnread = "next-unread"
    case files
    case search
    case redraw, suspend
    case nextField = "next-field"
    case toggleRegister = "toggle-register"
    case takeOver = "take-over"

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
        case .conversation1, .conversation2, .conversation3, .conversation4, .conversation5,
             .conversation6, .conversation7, .conversation8, .conversation9:
            "go to conversation \(conversationNumber!) of the top bar"
        case .nextConversation: "next conversation (rooms, then private chats)"
        case .previousConversation: "previous conversation"
        case .nextUnread: "next conversation with something unread, mentions first"
        case .files: "the files of this conversation: type to filter, Enter downloads"
        case .search: "search every conversation: type words, Enter shows the message in place, Esc goes back"
        case .redraw: "redraw the whole screen"
        case .suspend: "suspend Parley (the shell's fg brings it back)"
        case .quit: "quit"
        case .quitIfEmpty: "quit when the line is empty, else delete under the cursor"
        case .nextField: "next field of the login form"
        case .toggleRegister: "login form: switch between logging in and registering"
        case .takeOver: "login form, when the account is logged in at as many places as the server allows: log in here and close the others"
        }
    }
}

extension Command {
    /// 1...9 for the `conversation-N` commands.
    public var conversationNumber: Int? {
        rawValue.hasPrefix("conversation-") ? Int(rawValue.dropFirst("conversation-".count)) : nil
    }
}

/// The one table of keys. The config file's `[keys]` may rebind any.
public struct Keymap: Sendable {
    public private(set) var bindings: [Key: Command]

    public static let standard = Keymap(bindings: [
        .alt("1"): .conversation1, .alt("2"): .conversation2, .alt("3"): .conversation3,
        .alt("4"): .conversation4, .alt("5"): .conversation5, .alt("6"): .conversation6,
        .alt("7"): .conversation7, .alt("8"): .conversation8, .alt("9"): .conversation9,
        .ctrl("n"): .nextConversation, .ctrl("p"): .previousConversation, .alt("a"): .nextUnread,
        .enter: .send, .altEnter: .newline,
        .left: .cursorLeft, .right: .cursorRight,
        .home: .homeOrTop, .end: .endOrBottom, .ctrl("a"): .lineStart, .ctrl("e"): .lineEnd,
        .backspace: .deleteBackward, .delete: .deleteForward,
        .ctrl("w"): .deleteWord, .ctrl("u"): .deleteToStart, .ctrl("k"): .deleteToEnd,
        .up: .recallPrevious, .down: .recallNext, .tab: .complete,
        .pageUp: .pageUp, .pageDown: .pageDown, .ctrlHome: .scrollTop, .ctrlEnd: .scrollBottom,
        .function(1): .help, .escape: .closePopup,
        .function(2): .focusFriends, .function(3): .nextChat, .function(4): .closeChat, .function(5): .files, .ctrl("f"): .search,
        .ctrl("c"): .quit, .ctrl("d"): .quitIfEmpty, .ctrl("l"): .redraw, .ctrl("z"): .suspend,
        .ctrl("r"): .toggleRegister, .ctrl("t"): .takeOver, .backTab: .nextField,
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

    /// The first key bound to `command` as people write it in a sentence
    /// ("F3", "Ctrl+N", "Alt+A"); the command's name when it has no key.
    public func label(for command: Command) -> String {
        guard let name = keys(for: command).first else { return command.rawValue }
        return name.split(separator: "-").map { part in
            part.count == 1 ? part.uppercased() : part.prefix(1).uppercased() + part.dropFirst()
        }.joined(separator: "+")
    }
}

public struct KeymapError: Error, Sendable, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}

import Foundation
import ParleyProtocol

public struct Size: Hashable, Sendable {
    public var columns: Int
    public var rows: Int
    public init(columns: Int, rows: Int) {
        self.columns = columns
        self.rows = rows
    }
}

public enum ConnectionState: Hashable, Sendable {
    case connecting
    case online
    case reconnecting(attempt: Int, inSeconds: Int)
    /// Not trying any more, and why.
    case offline(String)
}

/// One line of a conversation as the view shows it.
public struct Entry: Hashable, Sendable {
    public enum Kind: Hashable, Sendable {
        case message(ChatMessage)
        /// Joined, left, connection news.
        case system(String)
        case error(String)
    }

    public var kind: Kind
    public var time: Int64

    public var messageID: Int64? {
        if case .message(let message) = kind { message.id } else { nil }
    }
}

/// A conversation's lines and where the view stands in them.
public struct ConversationLog: Hashable, Sendable {
    public var id: ConversationID
    public var entries: [Entry] = []
    /// Entries hidden below the bottom of the view; 0 follows new messages.
    public var scrollBack = 0
    /// Messages that arrived while scrolled back.
    public var newBelow = 0
    public var hasMoreOlder = false
    public var loadingOlder = false

    public init(id: ConversationID) {
        self.id = id
    }

    public var newestID: Int64? { entries.lazy.reversed().compactMap(\.messageID).first }
    public var oldestID: Int64? { entries.lazy.compactMap(\.messageID).first }
}

public struct LoginForm: Hashable, Sendable {
    public enum Field: Hashable, Sendable { case name, password, confirm }
    public var name: LineEditor
    public var password = LineEditor()
    public var confirm = LineEditor()
    public var registering = false
    public var focus = Field.name
    public var error: String?
    public var busy = false

    public init(name: String) {
        self.name = LineEditor(name)
        focus = name.isEmpty ? .name : .password
    }

    public var fields: [Field] { registering ? [.name, .password, .confirm] : [.name, .password] }
}

public enum Popup: Hashable, Sendable {
    case help
}

public struct StatusMessage: Hashable, Sendable {
    public enum Kind: Hashable, Sendable { case hint, error }
    public var text: String
    public var kind: Kind
}

/// Everything the screen shows, as a value.
public struct AppState: Sendable {
    public enum Phase: Hashable, Sendable {
        case login(LoginForm)
        case chat
    }

    public var phase: Phase
    public var server: String
    public var me = ""
    public var connection = ConnectionState.connecting
    public var conversation = ConversationLog(id: .lobby)
    public var online: [String] = []
    public var friends = FriendList()
    public var input = LineEditor()
    public var status: StatusMessage?
    public var popup: Popup?
    /// First line of the help shown, when it is taller than the screen.
    public var helpScroll = 0
    public var theme: String
    public var size: Size
    /// Server time now, ms, for the clock in the top bar.
    public var now: Int64
    public var timeZone: TimeZone
    public var keymap: Keymap
    public var maxMessageCharacters = 4000
    public var quitting = false

    public init(server: String, user: String, theme: String, size: Size, now: Int64,
                timeZone: TimeZone = .current, keymap: Keymap = .standard) {
        phase = .login(LoginForm(name: user))
        self.server = server
        self.theme = theme
        self.size = size
        self.now = now
        self.timeZone = timeZone
        self.keymap = keymap
    }
}

import Foundation
import ParleyClient
import ParleyDomain
import ParleyWire

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
    /// Scrolled to the oldest entry: the view starts at its first line
    /// (its bottom entry may then be cut) instead of ending at the last.
    public var showsOldest = false
    /// Messages that arrived while scrolled back.
    public var newBelow = 0
    public var hasMoreOlder = false
    public var loadingOlder = false
    /// Messages that arrived while another conversation had the keys.
    public var unread = 0
    /// Of those, the ones that mention you.
    public var mentions = 0
    /// The newest message when you last left this conversation: the line
    /// "new since you left" goes after it.
    public var readMarker: Int64?
    /// A message to draw highlighted: the search hit jumped to.
    public var highlight: Int64?
    /// A room's topic and members; empty for private chats.
    public var topic = ""
    /// Anyone in the room may change its topic, not only its creator.
    public var openTopic = false
    public var members: [Member] = []
    /// A large room's head count instead of its members' names.
    public var crowd: Crowd?
    /// This conversation's own input line: a draft stays with its
    /// conversation when another one takes the keys.
    public var input = LineEditor()

    public init(id: ConversationID) {
        self.id = id
    }

    public var newestID: Int64? { entries.lazy.reversed().compactMap(\.messageID).first }
    public var oldestID: Int64? { entries.lazy.compactMap(\.messageID).first }
}

/// How many are in a room too large for the server to name them all; kept
/// up to date by the arrivals and departures the server still announces.
public struct Crowd: Hashable, Sendable {
    public var members: Int
    public var online: Int
}

public struct LoginForm: Hashable, Sendable {
    public enum Field: Hashable, Sendable { case name, password, confirm }
    public var name: LineEditor
    public var password = LineEditor()
    public var confirm = LineEditor()
    public var registering = false
    /// Joining as a guest: a name only, held while the session lasts.
    public var guest = false
    public var focus = Field.name
    public var error: String?
    /// The last login was refused at the server's limit of sessions: the
    /// take-over key may log in anyway, closing the others.
    public var canTakeOver = false
    public var busy = false

    public init(name: String) {
        self.name = LineEditor(name)
        focus = name.isEmpty ? .name : .password
    }

    public var fields: [Field] {
        guest ? [.name] : registering ? [.name, .password, .confirm] : [.name, .password]
    }
}

/// `/passwd`: the current password and the new one twice, all masked.
public struct PasswordForm: Hashable, Sendable {
    public enum Field: Hashable, Sendable, CaseIterable { case current, new, again }
    public var current = LineEditor()
    public var new = LineEditor()
    public var again = LineEditor()
    public var focus = Field.current
    public var error: String?
    public var busy = false

    public init() {}

    public func editor(_ field: Field) -> LineEditor {
        switch field {
        case .current: current
        case .new: new
        case .again: again
        }
    }
}

public enum Popup: Hashable, Sendable {
    case help
    /// `/passwd`'s form, in `AppState.passwordForm`.
    case password
    /// The room list (`/rooms`): arrows move, Enter joins.
    case rooms
    /// The download picker (`/files`): typing filters, Enter downloads.
    case files
    /// Search (`/search`, Ctrl+F): typing refines, Enter jumps to a hit.
    case search
}

/// An upload or download under way.
public struct Transfer: Hashable, Sendable {
    public enum Kind: String, Hashable, Sendable { case upload, download }
    public var id: Int
    public var kind: Kind
    public var name: String
    public var reading = TransferReading()
}

/// The download picker's state: a conversation's files, newest first.
public struct FilePicker: Hashable, Sendable {
    public var conversation: ConversationID
    public var files: [FileInfo]
    /// Typed text; only names that contain it (any case) are listed.
    public var filter = ""
    public var selection = 0

    public var shown: [FileInfo] {
        filter.isEmpty ? files : files.filter { $0.name.lowercased().contains(filter.lowercased()) }
    }
}

public struct StatusMessage: Hashable, Sendable {
    public enum Kind: Hashable, Sendable { case hint, error }
    public var text: String
    public var kind: Kind
    /// When a hint stops being news (server time, ms); nil: until replaced.
    /// Errors stay until the next key: they say what to fix.
    public var until: Int64?

    public init(text: String, kind: Kind, until: Int64? = nil) {
        self.text = text
        self.kind = kind
        self.until = until
    }
}

/// A line the user sent that the server has not yet taken: shown as
/// waiting, and given back to the user (never lost, never merged) if refused.
public struct OutgoingLine: Hashable, Sendable {
    public var id: Int
    /// The message text, to `conversation`.
    public var text: String
    public var conversation: ConversationID
    /// The line as typed (`/msg bob hi`), and where, to give back on refusal.
    public var typed: String
    public var typedIn: ConversationID
    /// `/msg`: the private chat opens once the server takes the message.
    public var opensChat: Bool
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
    /// The rooms you are in: the lobby first, then by name.
    public var rooms = [ConversationLog(id: .lobby)]
    /// The room on the main screen.
    public var room = ConversationID.lobby
    /// Every room on the server, from the last room list; `/rooms` shows it.
    public var directory: [RoomInfo] = []
    public var directorySelection = 0
    public var friends = FriendList()
    public var transfers: [Transfer] = []
    public var nextTransferID = 1
    /// Esc on the transfer bar asks before cancelling this one.
    public var confirmingCancel: Int?
    public var picker: FilePicker?
    /// The search pop-up's query and hits, kept while it is closed.
    public var search: SearchPanel?
    /// Showing a conversation around a search hit.
    public var jump: SearchJump?
    /// Private chats, in the order they were opened.
    public var privateChats: [ConversationLog] = []
    /// The private chat whose pop-up is on screen and takes the keys; nil:
    /// the main screen.
    public var activeChat: ConversationID?
    /// The friends pane has the keyboard.
    public var friendsFocused = false
    public var friendSelection = 0
    /// "auto": a private message opens its pop-up; "notify": it only counts as unread.
    public var popupOnMessage = true
    /// Sent lines waiting for the server's answer, oldest first; the client
    /// paces them within the server's rate limit.
    public var outbox: [OutgoingLine] = []
    public var nextLineID = 1
    /// When the last key was pressed: a private message does not open its
    /// pop-up under someone who is typing.
    public var lastKeyAt: Int64 = 0
    public var status: StatusMessage?
    public var popup: Popup?
    /// What `/passwd`'s form holds while it is open.
    public var passwordForm: PasswordForm?
    /// First line of the help shown, when it is taller than the screen.
    public var helpScroll = 0
    public var theme: String
    public var size: Size
    /// Server time now, ms, for the clock in the top bar.
    public var now: Int64
    public var timeZone: TimeZone
    public var keymap: Keymap
    public var maxMessageCharacters = 4000
    /// The server's request rate, for the words beside waiting lines.
    public var ratePerSecond = 5.0
    public var quitting = false

    /// The room on the main screen.
    public var conversation: ConversationLog {
        get { rooms[roomIndex] }
        set { rooms[roomIndex] = newValue }
    }

    var roomIndex: Int { rooms.firstIndex { $0.id == room } ?? 0 }

    /// Rooms, then private chats: the order of Alt+1..9 and the top bar.
    public var conversations: [ConversationLog] { rooms + privateChats }

    /// The newest message read in each conversation, by any session of the
    /// account, as far as this one knows.
    public var readPositions: [ConversationID: Int64] = [:]

    /// People online in any of your rooms, for completion and /who.
    public var online: [String] {
        Set(rooms.flatMap { $0.members.filter(\.online).map(\.name) }).sorted { $0.lowercased() < $1.lowercased() }
    }

    /// The conversation the keys act on: the active pop-up's, else the room.
    public var current: ConversationLog {
        get { activeIndex.map { privateChats[$0] } ?? conversation }
        set {
            if let index = activeIndex { privateChats[index] = newValue } else { conversation = newValue }
        }
    }

    /// The input line the keys edit: the current conversation's.
    public var currentInput: LineEditor {
        get { current.input }
        set { current.input = newValue }
    }

    /// Changes conversation `id`'s log if it is open; false when it is not.
    @discardableResult
    mutating func updateLog(_ id: ConversationID, _ change: (inout ConversationLog) -> Void) -> Bool {
        if id.directPeer == nil, let index = roomIndex(id) {
            change(&rooms[index])
        } else if let index = privateChats.firstIndex(where: { $0.id == id }) {
            change(&privateChats[index])
        } else {
            return false
        }
        return true
    }

    var activeIndex: Int? {
        activeChat.flatMap { id in privateChats.firstIndex { $0.id == id } }
    }

    /// The room `id` if you are in it.
    func roomIndex(_ id: ConversationID) -> Int? {
        let key = NameRules.key(for: id.rawValue)
        return rooms.firstIndex { NameRules.key(for: $0.id.rawValue) == key }
    }

    /// The private chat `id`, made if there is none yet. A new one may have
    /// history on the server, which scrolling up or opening it fetches.
    mutating func privateChatIndex(_ id: ConversationID) -> Int {
        if let index = privateChats.firstIndex(where: { $0.id == id }) { return index }
        var chat = ConversationLog(id: id)
        chat.hasMoreOlder = true
        privateChats.append(chat)
        return privateChats.count - 1
    }

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

/// Someone and whether they are online: a friend, or a member of a room.
public struct Person: Hashable, Sendable {
    public var name: String
    public var online: Bool
    /// A guest: a name held only while its one session lasts, with no account behind it.
    public var guest: Bool
    public init(name: String, online: Bool, guest: Bool = false) {
        self.name = name
        self.online = online
        self.guest = guest
    }
}

public typealias Friend = Person
public typealias Member = Person

/// Friends with their presence, and requests waiting either way.
public struct FriendList: Hashable, Sendable {
    public var friends: [Friend]
    /// People asking to be your friend.
    public var incoming: [String]
    /// People you asked.
    public var outgoing: [String]
    /// People you blocked: no requests or private messages from them.
    public var blocked: [String]
    public init(friends: [Friend] = [], incoming: [String] = [], outgoing: [String] = [], blocked: [String] = []) {
        self.friends = friends
        self.incoming = incoming
        self.outgoing = outgoing
        self.blocked = blocked
    }
}

/// The reply to a successful login: who you are, your rooms with who is in
/// them and what was said, your friends.
public struct Welcome: Hashable, Sendable {
    public var user: String
    /// The lobby first, then the other rooms by name.
    public var rooms: [RoomSnapshot]
    public var friends: FriendList
    /// Private messages that arrived while you were away, oldest first;
    /// each is delivered once.
    public var away: [ChatMessage]
    /// More messages wait than `away` holds: `away_received` brings them.
    public var awayMore: Bool
    /// What a `resume` request needs to log this user in again, until it
    /// expires or is revoked.
    public var token: String?
    /// Where the user stopped reading each conversation, in any session:
    /// the newest message read.
    public var read: [ConversationID: Int64]
    public init(
        user: String, rooms: [RoomSnapshot], friends: FriendList = FriendList(), away: [ChatMessage] = [],
        awayMore: Bool = false, token: String? = nil, read: [ConversationID: Int64] = [:]
    ) {
        self.read = read
        self.awayMore = awayMore
        self.user = user
        self.rooms = rooms
        self.friends = friends
        self.away = away
        self.token = token
    }

    public var lobby: RoomSnapshot? { rooms.first { $0.name == .lobby } }
}

public struct HistorySlice: Hashable, Sendable {
    public var conversation: ConversationID
    public var messages: [ChatMessage]
    /// More messages exist beyond this page in the direction it was read.
    public var hasMore: Bool
    public init(conversation: ConversationID, messages: [ChatMessage], hasMore: Bool) {
        self.conversation = conversation
        self.messages = messages
        self.hasMore = hasMore
    }
}

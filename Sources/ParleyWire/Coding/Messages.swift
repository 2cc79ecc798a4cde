import ParleyDomain

/// The first frame a client sends.
public struct ClientHello: Hashable, Sendable {
    public var version: Int
    public var client: String
    public init(version: Int = ProtocolConstants.version, client: String) {
        self.version = version
        self.client = client
    }
}

/// The first frame a server sends.
public struct ServerHello: Hashable, Sendable {
    public var version: Int
    public var server: String
    public var limits: ServerLimits
    public init(version: Int = ProtocolConstants.version, server: String, limits: ServerLimits) {
        self.version = version
        self.server = server
        self.limits = limits
    }
}

/// What a client asks; every request carries an id its reply echoes.
public enum Request: Hashable, Sendable {
    case register(name: String, password: String)
    /// `takeOver` closes the account's other sessions instead of being
    /// refused at `max_sessions_per_user`; a `quiet` session (a script's)
    /// is not announced and does not make the user online.
    case logIn(name: String, password: String, takeOver: Bool, quiet: Bool = false)
    /// Logs in again with the token a password login's welcome gave: no
    /// slow password check, so a thousand clients can come back at once.
    case resume(name: String, token: String, takeOver: Bool, quiet: Bool = false)
    /// Logs in without an account, as a guest under `name` (servers with `guests = true`).
    case guest(name: String)
    /// Revokes the token this session logged in with or was given.
    case logout
    /// Sets a new password once `password` is checked; every resume token
    /// but this session's is revoked.
    case changePassword(password: String, newPassword: String)
    /// Revokes every resume token of the account, this session's too.
    case logoutEverywhere
    /// Deletes the account once `password` is checked, then closes the
    /// connection (`account.deleted`).
    case deleteAccount(password: String)
    case send(conversation: ConversationID, text: String)
    /// The client has shown the welcome's `away` messages up to this id:
    /// only now do they count as delivered, so a login whose connection
    /// drops before this gets them again.
    case awayReceived(through: Int64)
    /// The user has read `conversation` up to message `through`; every
    /// session of the user hears it as a `read` event.
    case markRead(conversation: ConversationID, through: Int64)
    /// Messages the user may read that hold every word of the text.
    case search(SearchQuery)
    case history(conversation: ConversationID, page: HistoryPage)
    case friendRequest(name: String)
    case friendAccept(name: String)
    case friendDecline(name: String)
    case friendRemove(name: String)
    /// Stops `name`'s friend requests and private messages (a friendship ends).
    case block(name: String)
    case unblock(name: String)
    case friends
    case createRoom(name: String, topic: String, openTopic: Bool)
    case join(name: String)
    /// A room the user is in, as `join` shows it (for a session that heard
    /// the user joined it elsewhere).
    case room(name: String)
    case leave(name: String)
    /// Every room, a page at a time: the lobby first, then by name, from
    /// after the room named `after`.
    case rooms(after: String?)
    case setTopic(conversation: ConversationID, topic: String)
    /// Lets guests join a room, or keeps them out (its creator's call).
    case setGuests(conversation: ConversationID, allow: Bool)
    /// Announces a file; its bytes follow as chunks of the transfer the
    /// reply names.
    case upload(conversation: ConversationID, name: String, size: Int64, sha256: String)
    /// Sends a file's bytes from `offset` on as chunks.
    case download(file: Int64, offset: Int64)
    /// Abandons an upload under way.
    case cancelUpload(transfer: UInt32)
    /// A conversation's files, newest first.
    case files(conversation: ConversationID)
}

public enum ClientMessage: Hashable, Sendable {
    case hello(ClientHello)
    case request(id: UInt32, Request)
    /// The answer to a server's `ping` event.
    case pong
}

public enum Reply: Hashable, Sendable {
    case registered(name: String)
    case welcome(Welcome)
    case sent(ChatMessage)
    case history(HistorySlice)
    /// Hits of a `search`, newest first.
    case search(SearchPage)
    case friends(FriendList)
    /// A room just created or joined.
    case room(RoomSnapshot)
    /// The next waiting private messages, answering `away_received`;
    /// `more`: still more wait.
    case away([ChatMessage], more: Bool)
    /// `more`: rooms follow; ask again from after the last of these.
    case rooms([RoomInfo], more: Bool)
    case uploadReady(transfer: UInt32, chunkBytes: Int)
    case downloadReady(transfer: UInt32, file: FileInfo, offset: Int64)
    case files([FileInfo])
    /// A request that needs no answer beyond success.
    case done
    case error(ProtocolError)
}

/// What the server pushes without being asked.
public enum Event: Hashable, Sendable {
    case message(ChatMessage)
    /// `user` is now present in a room: came online (`newMember` false) or
    /// joined it; `guest` when the user is a guest.
    case joined(conversation: ConversationID, user: String, newMember: Bool, guest: Bool = false)
    /// `user` is no longer present: went offline (`stillMember` true), or
    /// left the room.
    case left(conversation: ConversationID, user: String, reason: String, stillMember: Bool)
    case topic(conversation: ConversationID, topic: String, by: String)
    /// Every byte of an upload arrived and matched its hash; the file is shared.
    case uploadDone(transfer: UInt32, file: FileInfo)
    /// An upload was discarded, and why.
    case uploadFailed(transfer: UInt32, error: ProtocolError)
    /// A download stopped before its last byte, and why.
    case downloadFailed(transfer: UInt32, error: ProtocolError)
    case friendRequest(from: String)
    case friendAdded(Friend)
    case friendRemoved(name: String)
    case friendDeclined(name: String)
    case friendOnline(name: String)
    case friendOffline(name: String)
    /// Another session (or this one) read `conversation` up to `through`.
    case read(conversation: ConversationID, through: Int64)
    /// `user` is away, saying `text`, or back (nil).
    case away(user: String, text: String?)
    /// Asks for a `pong`; a client that stays silent is dropped.
    case ping
    /// The server is about to close this connection, and why.
    case closing(ProtocolError)
    /// An error that answers no request: broken framing, unparseable input.
    case error(ProtocolError)
}

public enum ServerMessage: Hashable, Sendable {
    case hello(ServerHello)
    case reply(id: UInt32, Reply)
    case event(Event)
}

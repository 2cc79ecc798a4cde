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
    case login(name: String, password: String, takeOver: Bool)
    case send(conversation: ConversationID, text: String)
    case history(conversation: ConversationID, page: HistoryPage)
}

public enum ClientMessage: Hashable, Sendable {
    case hello(ClientHello)
    case request(id: UInt32, Request)
    /// The answer to a server's `ping` event.
    case pong
}

/// The reply to a successful login: who you are, who is here, what was said.
public struct Welcome: Hashable, Sendable {
    public var user: String
    public var online: [String]
    public var conversation: ConversationID
    public var history: [ChatMessage]
    public var hasMoreHistory: Bool
    public init(user: String, online: [String], conversation: ConversationID, history: [ChatMessage], hasMoreHistory: Bool) {
        self.user = user
        self.online = online
        self.conversation = conversation
        self.history = history
        self.hasMoreHistory = hasMoreHistory
    }
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

public enum Reply: Hashable, Sendable {
    case registered(name: String)
    case welcome(Welcome)
    case sent(ChatMessage)
    case history(HistorySlice)
    case error(ProtocolError)
}

/// What the server pushes without being asked.
public enum Event: Hashable, Sendable {
    case message(ChatMessage)
    case joined(conversation: ConversationID, user: String)
    case left(conversation: ConversationID, user: String, reason: String)
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

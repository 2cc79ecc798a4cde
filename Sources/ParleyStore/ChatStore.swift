import ParleyDomain

/// An account as the store keeps it.
public struct StoredUser: Hashable, Sendable {
    public let id: Int64
    public let name: String
    /// A self-describing salted slow hash (see `PasswordHasher` in the server).
    public let passwordHash: String
    public let createdAt: Int64
    /// A guest: no account, no password, gone when it leaves.
    public let isGuest: Bool

    public init(id: Int64, name: String, passwordHash: String, createdAt: Int64, isGuest: Bool = false) {
        self.id = id
        self.name = name
        self.passwordHash = passwordHash
        self.createdAt = createdAt
        self.isGuest = isGuest
    }
}

/// A conversation as the store keeps it: a room (`lobby` exists from the
/// first migration) or the private conversation of one pair.
public struct StoredConversation: Hashable, Sendable {
    public let id: Int64
    /// A room's name; for a private conversation, an internal label.
    public let name: String
    public var topic: String
    /// Anyone in the room may change the topic, not only its creator.
    public var openTopic: Bool
    public var createdBy: Int64?
    /// Guests may join (the lobby follows the server's `guests` setting instead).
    public var allowGuests: Bool

    public init(id: Int64, name: String, topic: String = "", openTopic: Bool = false, createdBy: Int64? = nil, allowGuests: Bool = false) {
        self.id = id
        self.name = name
        self.topic = topic
        self.openTopic = openTopic
        self.createdBy = createdBy
        self.allowGuests = allowGuests
    }

    public var conversation: ConversationID { ConversationID(rawValue: name) }
}

/// A conversation as seen by one user, and when its latest message (in
/// some span of time) was written.
public struct ConversationActivity: Hashable, Sendable {
    public let conversation: ConversationID
    public let latest: Int64
    public init(conversation: ConversationID, latest: Int64) {
        self.conversation = conversation
        self.latest = latest
    }
}

/// A room and how many people are in it, for the room list.
public struct RoomCount: Hashable, Sendable {
    public let room: StoredConversation
    public let members: Int

    public init(room: StoredConversation, members: Int) {
        self.room = room
        self.members = members
    }
}

/// How much of each room a member is shown on arriving.
public struct RoomViewSize: Hashable, Sendable {
    /// The latest messages; 0 reads none (and says more exist).
    public let history: Int
    /// Members are named only in rooms with at most this many.
    public let namingAtMost: Int

    public init(history: Int, namingAtMost: Int) {
        self.history = history
        self.namingAtMost = namingAtMost
    }
}

/// A room as a member finds it on arriving.
public struct RoomView: Hashable, Sendable {
    public let room: StoredConversation
    public let memberCount: Int
    /// Every member's name, by name; none in a room too large to name them.
    public let memberNames: [String]
    /// The latest messages, oldest first, and whether older ones exist.
    public let history: [ChatMessage]
    public let hasMore: Bool

    public init(room: StoredConversation, memberCount: Int, memberNames: [String], history: [ChatMessage], hasMore: Bool) {
        self.room = room
        self.memberCount = memberCount
        self.memberNames = memberNames
        self.history = history
        self.hasMore = hasMore
    }
}

/// A user's friends and the requests waiting either way.
public struct Friendships: Hashable, Sendable {
    public let friends: [StoredUser]
    public let incoming: [StoredUser]
    public let outgoing: [StoredUser]
    public let blocked: [StoredUser]

    public init(friends: [StoredUser], incoming: [StoredUser], outgoing: [StoredUser], blocked: [StoredUser]) {
        self.friends = friends
        self.incoming = incoming
        self.outgoing = outgoing
        self.blocked = blocked
    }
}

/// What a user finds on logging in, read in one transaction: one trip to
/// the database per login rather than one per part.
public struct StoredWelcome: Hashable, Sendable {
    public let rooms: [RoomView]
    public let friendships: Friendships
    /// Private messages that waited for the user.
    public let away: [PendingMessage]
    /// The newest message read in each conversation, by any session.
    public let read: [ConversationID: Int64]

    public init(rooms: [RoomView], friendships: Friendships, away: [PendingMessage], read: [ConversationID: Int64]) {
        self.rooms = rooms
        self.friendships = friendships
        self.away = away
        self.read = read
    }
}

/// How two users stand with each other.
public enum FriendLink: Hashable, Sendable {
    case strangers
    case friends
    /// A request is waiting, sent by the user with this id.
    case requested(by: Int64)
    /// The user with this id blocked the other.
    case blocked(by: Int64)
}

/// A file about to be recorded: its bytes are verified already.
public struct NewFile: Hashable, Sendable {
    public let name: String
    public let size: Int64
    public let sha256: String
    public let type: FileType
    public init(name: String, size: Int64, sha256: String, type: FileType) {
        self.name = name
        self.size = size
        self.sha256 = sha256
        self.type = type
    }
}

/// A recorded file and where it was shared.
/// How many bytes of files are stored, for upload quotas.
public struct FileUsage: Hashable, Sendable {
    public var byUser: Int64
    public var byUserSince: Int64
    public var all: Int64

    public init(byUser: Int64, byUserSince: Int64, all: Int64) {
        self.byUser = byUser
        self.byUserSince = byUserSince
        self.all = all
    }
}

public struct StoredFile: Hashable, Sendable {
    public enum Place: Hashable, Sendable {
        case room(StoredConversation)
        /// The private conversation of these two users.
        case direct(conversation: Int64, userA: Int64, userB: Int64)
    }

    /// Its conversation named as in a room (a direct one's internal label).
    public let info: FileInfo
    public let place: Place

    public init(info: FileInfo, place: Place) {
        self.info = info
        self.place = place
    }
}

/// A private message waiting for its recipient.
public struct PendingMessage: Hashable, Sendable {
    public let message: ChatMessage
    /// The other member of the pair, as the recipient names the conversation.
    public let from: String

    public init(message: ChatMessage, from: String) {
        self.message = message
        self.from = from
    }
}

/// A LIKE pattern (with `ESCAPE '\\'`) that finds `word` anywhere, its
/// `%`, `_` and `\\` taken as themselves.
public func likePattern(_ word: String) -> String {
    var escaped = ""
    for character in word {
        if character == "%" || character == "_" || character == "\\" { escaped.append("\\") }
        escaped.append(character)
    }
    return "%" + escaped + "%"
}

/// What every store's search asks of a message `m` in conversation `c`
/// besides its words: readable by `user`, and the query's conversation,
/// sender, times and page. Numbers only, written into the SQL text.
public func searchConditions(
    for user: StoredUser, in conversation: StoredConversation?, from sender: StoredUser?, _ search: SearchQuery
) -> [String] {
    var conditions: [String] = []
    if let conversation {
        conditions.append("m.conversationId = \(conversation.id)")
    } else {
        conditions.append("""
            (m.conversationId IN (SELECT conversationId FROM membership WHERE userId = \(user.id))
             OR (c.kind = 'direct' AND (c.userA = \(user.id) OR c.userB = \(user.id))))
            """)
    }
    if let sender { conditions.append("m.senderId = \(sender.id)") }
    if let since = search.since { conditions.append("m.createdAt >= \(since)") }
    if let until = search.until { conditions.append("m.createdAt <= \(until)") }
    if let before = search.beforeID { conditions.append("m.id < \(before)") }
    return conditions
}

public enum StoreError: Error, Equatable, Sendable, CustomStringConvertible {
    case nameTaken(String)
    case unknownRoom(String)
    case cannotOpen(path: String, reason: String, fault: StorageFault?)

    public var description: String {
        switch self {
        case .nameTaken(let name): "the name \(name) is taken"
        case .unknownRoom(let name): "there is no room \(name)"
        case .cannotOpen(let path, let reason, let fault):
            "cannot open database \(path): \(reason)" + (fault.map { " — \($0.advice)" } ?? "")
        }
    }
}

/// Everything the server keeps. SQLite is the embedded implementation; the
/// protocol is the seam where a PostgreSQL store will plug in.
public protocol ChatStore: Sendable {
    /// Throws `StoreError.nameTaken` when the name's case-insensitive key
    /// exists. A new user is a member of the lobby.
    func createUser(name: String, nameKey: String, skeleton: String, passwordHash: String, at time: Int64) async throws -> StoredUser
    func user(nameKey: String) async throws -> StoredUser?
    /// A user whose name looks like one with this skeleton.
    func user(skeleton: String) async throws -> StoredUser?
    /// A guest under `name` (no password logs in as it), a member of the
    /// lobby; `StoreError.nameTaken` when the key is anyone's.
    func createGuest(name: String, nameKey: String, skeleton: String, at time: Int64) async throws -> StoredUser
    /// The guest left: its name is free again, while its messages keep
    /// showing it; its memberships go.
    func releaseGuest(_ guest: StoredUser) async throws
    /// Releases every guest still holding its name, as `releaseGuest`.
    func releaseGuests() async throws
    /// Whether guests may join the room.
    func setAllowGuests(_ allow: Bool, in room: StoredConversation) async throws
    /// Gives users made before skeletons were kept theirs; returns how many.
    @discardableResult
    func fillSkeletons(_ skeleton: @Sendable (String) -> String) async throws -> Int

    func room(nameKey: String) async throws -> StoredConversation?

    /// Commits a message, then calls `afterCommit` before any later message
    /// is committed, so that callbacks run in id order. Fan-out goes there:
    /// nothing is delivered that is not durable, and everybody sees one order.
    /// `deliveredAt` nil marks a private message still waiting for its recipient.
    func appendMessage(
        room: StoredConversation,
        sender: StoredUser,
        text: String,
        at time: Int64,
        deliveredAt: Int64?,
        afterCommit: @escaping @Sendable (ChatMessage) -> Void
    ) async throws -> ChatMessage

    /// One page of a room's history, oldest first, and whether more exist
    /// beyond it in the direction of reading.
    func messages(in room: StoredConversation, page: HistoryPage) async throws -> (messages: [ChatMessage], hasMore: Bool)

    func user(id: Int64) async throws -> StoredUser?

    // MARK: Rooms

    /// Creates a room with its creator as first member; throws
    /// `StoreError.nameTaken` when a room has that key.
    func createRoom(name: String, nameKey: String, topic: String, openTopic: Bool, creator: StoredUser, at time: Int64) async throws -> StoredConversation
    /// False when the user was a member already.
    func join(_ user: StoredUser, to room: StoredConversation, at time: Int64) async throws -> Bool
    /// False when the user was not a member.
    func leave(_ user: StoredUser, from room: StoredConversation) async throws -> Bool
    func isMember(_ user: StoredUser, of room: StoredConversation) async throws -> Bool
    /// The user's rooms: the lobby first, then by name.
    func rooms(of user: StoredUser) async throws -> [StoredConversation]
    /// Every room with its number of members: the lobby first, then by name.
    func allRooms() async throws -> [RoomCount]
    func roomView(_ room: StoredConversation, size: RoomViewSize) async throws -> RoomView
    /// `rooms` are the user's, as `rooms(of:)` read them.
    /// `away` holds at most `waitingAtMost` + 1 of the oldest waiting
    /// messages (one more than asked shows that more wait).
    func welcome(of user: StoredUser, in rooms: [StoredConversation], size: RoomViewSize, waitingAtMost: Int) async throws -> StoredWelcome
    /// Private messages to `user` not yet delivered, after `id`, oldest
    /// first, at most `count`.
    func waitingMessages(to user: StoredUser, after id: Int64, count: Int) async throws -> [PendingMessage]
    func setTopic(_ topic: String, of room: StoredConversation) async throws
    /// Removes the rooms (never the lobby) that have no members, were made
    /// before `time` and got no message since, with their messages and
    /// files; returns their names and the ids of the files whose bytes are
    /// to go.
    func removeIdleRooms(unusedSince time: Int64) async throws -> (rooms: [String], files: [Int64])
    /// How many messages the room got from `time` on.
    func messageCount(in room: StoredConversation, since time: Int64) async throws -> Int
    /// The id of the conversation's first message stored at `time` or
    /// later (by time, then id); nil when there is none.
    func firstMessageID(in conversation: StoredConversation, atOrAfter time: Int64) async throws -> Int64?
    /// The conversations `user` may read (rooms they are in, their private
    /// chats) with messages from `start` through `end`, each with the time
    /// of the latest of those, earliest first, at most `limit`.
    func activeConversations(of user: StoredUser, from start: Int64, through end: Int64, limit: Int) async throws -> [ConversationActivity]

    // MARK: Resume tokens

    /// Keeps a token's hash until `expiresAt`; the user's older tokens
    /// beyond the newest `count` go, and so do expired ones.
    func addResumeToken(hash: String, for user: StoredUser, at time: Int64, expiresAt: Int64, keepingNewest count: Int) async throws
    /// The user the token belongs to, if its name matches and it is unexpired.
    func user(resumeToken hash: String, nameKey: String, at time: Int64) async throws -> StoredUser?
    func removeResumeToken(hash: String) async throws
    /// Revokes every token of the user but the one with hash `kept`.
    func removeResumeTokens(of user: StoredUser, keeping kept: String?) async throws

    // MARK: Accounts

    func setPasswordHash(_ hash: String, of user: StoredUser) async throws
    /// Deletes an account, keeping what others still read: its messages
    /// stay, from a user named `DeletedAccount.name` that nobody can log in
    /// as. Its memberships, friendships, requests and tokens go, and the
    /// files it sent in private conversations; returns their ids, whose
    /// bytes are to go.
    func deleteAccount(_ user: StoredUser) async throws -> [Int64]

    // MARK: Friends

    func friendLink(_ a: StoredUser, _ b: StoredUser) async throws -> FriendLink
    func addFriendRequest(from: StoredUser, to: StoredUser, at time: Int64) async throws
    /// False when there was no such request.
    func removeFriendRequest(from: StoredUser, to: StoredUser) async throws -> Bool
    /// Makes two users friends and drops requests between them.
    func befriend(_ a: StoredUser, _ b: StoredUser, at time: Int64) async throws
    /// False when they were not friends.
    func unfriend(_ a: StoredUser, _ b: StoredUser) async throws -> Bool
    func friends(of user: StoredUser) async throws -> [StoredUser]
    /// `user` blocks `other`: their friendship and requests either way end;
    /// returns whether they were friends.
    func block(_ other: StoredUser, by user: StoredUser, at time: Int64) async throws -> Bool
    func unblock(_ other: StoredUser, by user: StoredUser) async throws -> Bool
    func friendships(of user: StoredUser) async throws -> Friendships

    // MARK: Private conversations

    /// The pair's conversation, created on first use.
    func directConversation(_ a: StoredUser, _ b: StoredUser) async throws -> StoredConversation
    func existingDirectConversation(_ a: StoredUser, _ b: StoredUser) async throws -> StoredConversation?
    func markDelivered(_ ids: [Int64], at time: Int64) async throws
    /// Marks delivered the private messages to `user` waiting with ids up to `through`.
    func markAwayReceived(by user: StoredUser, through id: Int64, at time: Int64) async throws
    /// Moves the user's read position in `conversation` forward to `id`
    /// (never past its newest message, never back); the new position, or
    /// nil when it did not move.
    func markRead(_ user: StoredUser, in conversation: StoredConversation, through id: Int64) async throws -> Int64?
    /// Messages `user` may read holding every one of `words` (in any case),
    /// newest first, named as the user names their conversations; at most
    /// `limit`, of `search.conversation` only if given, from `sender` only
    /// if given.
    func search(
        _ words: [String], _ search: SearchQuery, for user: StoredUser, in conversation: StoredConversation?, from sender: StoredUser?
    ) async throws -> [ChatMessage]

    // MARK: Files

    /// Records a file and the message that announces it in one transaction.
    /// `place` moves the verified bytes to where the file's id says before
    /// the commit; if it throws, nothing is recorded. `afterCommit` is as
    /// for `appendMessage`.
    func addFile(
        _ file: NewFile, in room: StoredConversation, uploader: StoredUser, at time: Int64, deliveredAt: Int64?,
        place: @escaping @Sendable (Int64) throws -> Void,
        afterCommit: @escaping @Sendable (ChatMessage) -> Void
    ) async throws -> ChatMessage
    func file(id: Int64) async throws -> StoredFile?
    /// A conversation's files, newest first, named as `room` is named.
    func files(in room: StoredConversation) async throws -> [FileInfo]
    /// Bytes of stored files: `user`'s in all and since `time`, and everybody's.
    func fileUsage(of user: StoredUser, since time: Int64) async throws -> FileUsage

    func close() throws
}

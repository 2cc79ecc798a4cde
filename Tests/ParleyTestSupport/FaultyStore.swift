import ParleyDomain
import ParleyWire
import ParleyStore
import Synchronization

/// The real store behind a switch: while `fault` is set, posting a message
/// or a file throws it, as a store on a failing disk (or with a bug) would.
/// Everything else goes straight to the real store.
public final class FaultyStore: ChatStore {
    let base: any ChatStore
    private let injected = Mutex<(any Error)?>(nil)
    private let roomReads = Mutex<(held: Bool, waiting: [CheckedContinuation<Void, Never>], done: Int)>((false, [], 0))

    public init(_ base: any ChatStore) {
        self.base = base
    }

    /// What posting throws from now on; nil lets it through again.
    public func inject(_ error: (any Error)?) {
        injected.withLock { $0 = error }
    }

    private func check() throws {
        if let error = injected.withLock({ $0 }) { throw error }
    }

    public func user(skeleton: String) async throws -> StoredUser? {
        return try await base.user(skeleton: skeleton)
    }

    public func fillSkeletons(_ skeleton: @Sendable (String) -> String) async throws -> Int {
        return try await base.fillSkeletons(skeleton)
    }

    public func createUser(name: String, nameKey: String, skeleton: String, passwordHash: String, at time: Int64) async throws -> StoredUser {
        return try await base.createUser(name: name, nameKey: nameKey, skeleton: skeleton, passwordHash: passwordHash, at: time)
    }

    public func createGuest(name: String, nameKey: String, skeleton: String, at time: Int64) async throws -> StoredUser {
        try await base.createGuest(name: name, nameKey: nameKey, skeleton: skeleton, at: time)
    }

    public func releaseGuest(_ guest: StoredUser) async throws {
        try await base.releaseGuest(guest)
    }

    public func releaseGuests() async throws {
        try await base.releaseGuests()
    }

    public func setAllowGuests(_ allow: Bool, in room: StoredConversation) async throws {
        try await base.setAllowGuests(allow, in: room)
    }

    public func user(nameKey: String) async throws -> StoredUser? {
        return try await base.user(nameKey: nameKey)
    }

    public func room(nameKey: String) async throws -> StoredConversation? {
        return try await base.room(nameKey: nameKey)
    }

    public func appendMessage(room: StoredConversation, sender: StoredUser, text: String, at time: Int64, deliveredAt: Int64?, afterCommit: @escaping @Sendable (ChatMessage) -> Void) async throws -> ChatMessage {
        try check()
        return try await base.appendMessage(room: room, sender: sender, text: text, at: time, deliveredAt: deliveredAt, afterCommit: afterCommit)
    }

    public func messages(in room: StoredConversation, page: HistoryPage) async throws -> (messages: [ChatMessage], hasMore: Bool) {
        return try await base.messages(in: room, page: page)
    }

    public func user(id: Int64) async throws -> StoredUser? {
        return try await base.user(id: id)
    }

    public func createRoom(name: String, nameKey: String, topic: String, openTopic: Bool, creator: StoredUser, at time: Int64) async throws -> StoredConversation {
        return try await base.createRoom(name: name, nameKey: nameKey, topic: topic, openTopic: openTopic, creator: creator, at: time)
    }

    public func join(_ user: StoredUser, to room: StoredConversation, at time: Int64) async throws -> Bool {
        return try await base.join(user, to: room, at: time)
    }

    public func leave(_ user: StoredUser, from room: StoredConversation) async throws -> Bool {
        return try await base.leave(user, from: room)
    }

    public func isMember(_ user: StoredUser, of room: StoredConversation) async throws -> Bool {
        return try await base.isMember(user, of: room)
    }

    /// Reading a user's rooms (the step of a login after its password
    /// check, before it is attached) waits while held.
    public func holdRoomReads() {
        roomReads.withLock { $0.held = true }
    }

    public func releaseRoomReads() {
        let waiting = roomReads.withLock { reads in
            reads.held = false
            defer { reads.waiting = [] }
            return reads.waiting
        }
        waiting.forEach { $0.resume() }
    }

    /// Room reads waiting, and room reads done.
    public var roomReadsWaiting: Int { roomReads.withLock { $0.waiting.count } }
    public var roomReadsDone: Int { roomReads.withLock { $0.done } }

    public func rooms(of user: StoredUser) async throws -> [StoredConversation] {
        await withCheckedContinuation { continuation in
            let now = roomReads.withLock { reads in
                if reads.held { reads.waiting.append(continuation) }
                return !reads.held
            }
            if now { continuation.resume() }
        }
        defer { roomReads.withLock { $0.done += 1 } }
        return try await base.rooms(of: user)
    }

    public func allRooms() async throws -> [RoomCount] {
        return try await base.allRooms()
    }

    public func roomView(_ room: StoredConversation, size: RoomViewSize) async throws -> RoomView {
        return try await base.roomView(room, size: size)
    }

    public func welcome(of user: StoredUser, in rooms: [StoredConversation], size: RoomViewSize, waitingAtMost: Int) async throws -> StoredWelcome {
        return try await base.welcome(of: user, in: rooms, size: size, waitingAtMost: waitingAtMost)
    }

    public func waitingMessages(to user: StoredUser, after id: Int64, count: Int) async throws -> [PendingMessage] {
        return try await base.waitingMessages(to: user, after: id, count: count)
    }

    public func setTopic(_ topic: String, of room: StoredConversation) async throws {
        return try await base.setTopic(topic, of: room)
    }

    public func messageCount(in room: StoredConversation, since time: Int64) async throws -> Int {
        return try await base.messageCount(in: room, since: time)
    }

    public func firstMessageID(in conversation: StoredConversation, atOrAfter time: Int64) async throws -> Int64? {
        return try await base.firstMessageID(in: conversation, atOrAfter: time)
    }

    public func activeConversations(of user: StoredUser, from start: Int64, through end: Int64, limit: Int) async throws -> [ConversationActivity] {
        return try await base.activeConversations(of: user, from: start, through: end, limit: limit)
    }

    public func addResumeToken(hash: String, for user: StoredUser, at time: Int64, expiresAt: Int64, keepingNewest count: Int) async throws {
        return try await base.addResumeToken(hash: hash, for: user, at: time, expiresAt: expiresAt, keepingNewest: count)
    }

    public func user(resumeToken hash: String, nameKey: String, at time: Int64) async throws -> StoredUser? {
        return try await base.user(resumeToken: hash, nameKey: nameKey, at: time)
    }

    public func removeResumeToken(hash: String) async throws {
        return try await base.removeResumeToken(hash: hash)
    }

    public func block(_ other: StoredUser, by user: StoredUser, at time: Int64) async throws -> Bool {
        return try await base.block(other, by: user, at: time)
    }

    public func unblock(_ other: StoredUser, by user: StoredUser) async throws -> Bool {
        return try await base.unblock(other, by: user)
    }

    public func removeResumeTokens(of user: StoredUser, keeping kept: String?) async throws {
        return try await base.removeResumeTokens(of: user, keeping: kept)
    }

    public func setPasswordHash(_ hash: String, of user: StoredUser) async throws {
        return try await base.setPasswordHash(hash, of: user)
    }

    public func deleteAccount(_ user: StoredUser) async throws -> [Int64] {
        return try await base.deleteAccount(user)
    }

    public func friendLink(_ a: StoredUser, _ b: StoredUser) async throws -> FriendLink {
        return try await base.friendLink(a, b)
    }

    public func addFriendRequest(from: StoredUser, to: StoredUser, at time: Int64) async throws {
        return try await base.addFriendRequest(from: from, to: to, at: time)
    }

    public func removeFriendRequest(from: StoredUser, to: StoredUser) async throws -> Bool {
        return try await base.removeFriendRequest(from: from, to: to)
    }

    public func befriend(_ a: StoredUser, _ b: StoredUser, at time: Int64) async throws {
        return try await base.befriend(a, b, at: time)
    }

    public func unfriend(_ a: StoredUser, _ b: StoredUser) async throws -> Bool {
        return try await base.unfriend(a, b)
    }

    public func friends(of user: StoredUser) async throws -> [StoredUser] {
        return try await base.friends(of: user)
    }

    public func friendships(of user: StoredUser) async throws -> Friendships {
        return try await base.friendships(of: user)
    }

    public func directConversation(_ a: StoredUser, _ b: StoredUser) async throws -> StoredConversation {
        return try await base.directConversation(a, b)
    }

    public func existingDirectConversation(_ a: StoredUser, _ b: StoredUser) async throws -> StoredConversation? {
        return try await base.existingDirectConversation(a, b)
    }

    public func markDelivered(_ ids: [Int64], at time: Int64) async throws {
        return try await base.markDelivered(ids, at: time)
    }

    public func markAwayReceived(by user: StoredUser, through id: Int64, at time: Int64) async throws {
        return try await base.markAwayReceived(by: user, through: id, at: time)
    }

    public func search(
        _ words: [String], _ search: SearchQuery, for user: StoredUser, in conversation: StoredConversation?, from sender: StoredUser?
    ) async throws -> [ChatMessage] {
        try await base.search(words, search, for: user, in: conversation, from: sender)
    }

    public func markRead(_ user: StoredUser, in conversation: StoredConversation, through id: Int64) async throws -> Int64? {
        return try await base.markRead(user, in: conversation, through: id)
    }

    public func addFile(_ file: NewFile, in room: StoredConversation, uploader: StoredUser, at time: Int64, deliveredAt: Int64?, place: @escaping @Sendable (Int64) throws -> Void, afterCommit: @escaping @Sendable (ChatMessage) -> Void) async throws -> ChatMessage {
        try check()
        return try await base.addFile(file, in: room, uploader: uploader, at: time, deliveredAt: deliveredAt, place: place, afterCommit: afterCommit)
    }

    public func file(id: Int64) async throws -> StoredFile? {
        return try await base.file(id: id)
    }

    public func files(in room: StoredConversation) async throws -> [FileInfo] {
        return try await base.files(in: room)
    }

    public func removeIdleRooms(unusedSince time: Int64) async throws -> (rooms: [String], files: [Int64]) {
        return try await base.removeIdleRooms(unusedSince: time)
    }

    public func fileUsage(of user: StoredUser, since time: Int64) async throws -> FileUsage {
        return try await base.fileUsage(of: user, since: time)
    }

    public func close() throws {
        return try base.close()
    }
}

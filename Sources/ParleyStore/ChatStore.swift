import ParleyProtocol

/// An account as the store keeps it.
public struct StoredUser: Hashable, Sendable {
    public let id: Int64
    public let name: String
    /// A self-describing salted slow hash (see `PasswordHasher` in the server).
    public let passwordHash: String
    public let createdAt: Int64
}

/// A room as the store keeps it; `lobby` exists from the first migration.
public struct StoredRoom: Hashable, Sendable {
    public let id: Int64
    public let name: String
}

public enum StoreError: Error, Equatable, Sendable, CustomStringConvertible {
    case nameTaken(String)
    case unknownRoom(String)
    case cannotOpen(path: String, reason: String)

    public var description: String {
        switch self {
        case .nameTaken(let name): "the name \(name) is taken"
        case .unknownRoom(let name): "there is no room \(name)"
        case .cannotOpen(let path, let reason): "cannot open database \(path): \(reason)"
        }
    }
}

/// Everything the server keeps. SQLite is the embedded implementation; the
/// protocol is the seam where a PostgreSQL store will plug in.
public protocol ChatStore: Sendable {
    /// Throws `StoreError.nameTaken` when the name's case-insensitive key exists.
    func createUser(name: String, nameKey: String, passwordHash: String, at time: Int64) async throws -> StoredUser
    func user(nameKey: String) async throws -> StoredUser?

    func room(nameKey: String) async throws -> StoredRoom?

    /// Commits a message, then calls `afterCommit` before any later message
    /// is committed, so that callbacks run in id order. Fan-out goes there:
    /// nothing is delivered that is not durable, and everybody sees one order.
    func appendMessage(
        room: StoredRoom,
        sender: StoredUser,
        text: String,
        at time: Int64,
        afterCommit: @escaping @Sendable (ChatMessage) -> Void
    ) async throws -> ChatMessage

    /// One page of a room's history, oldest first, and whether more exist
    /// beyond it in the direction of reading.
    func messages(in room: StoredRoom, page: HistoryPage) async throws -> (messages: [ChatMessage], hasMore: Bool)

    func close() throws
}

import GRDB
import ParleyProtocol

struct UserRecord: Codable, FetchableRecord, MutablePersistableRecord {
    static let databaseTableName = "user"
    var id: Int64?
    var name: String
    var nameKey: String
    var passwordHash: String
    var createdAt: Int64

    mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }

    var stored: StoredUser {
        StoredUser(id: id!, name: name, passwordHash: passwordHash, createdAt: createdAt)
    }
}

struct MessageRecord: Codable, FetchableRecord, MutablePersistableRecord {
    static let databaseTableName = "message"
    var id: Int64?
    var conversationId: Int64
    var senderId: Int64
    var kind: String
    var body: String
    var createdAt: Int64
    var deliveredAt: Int64?

    mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }
}

/// A message row joined with its sender's name, as history reads it.
struct MessageRow: Decodable, FetchableRecord {
    var id: Int64
    var senderName: String
    var body: String
    var createdAt: Int64

    func chatMessage(in conversation: ConversationID) -> ChatMessage {
        ChatMessage(id: id, conversation: conversation, sender: senderName, text: body, time: createdAt)
    }
}

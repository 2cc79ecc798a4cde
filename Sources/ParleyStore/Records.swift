import GRDB
import ParleyDomain

struct UserRecord: Codable, FetchableRecord, MutablePersistableRecord {
    static let databaseTableName = "user"
    var id: Int64?
    var name: String
    var nameKey: String
    /// What the name looks like (`NameRules.skeleton`); nil until the
    /// server fills it in for rows made before it was kept.
    var skeleton: String?
    var passwordHash: String
    var createdAt: Int64
    /// Made at login without an account, gone when the guest leaves.
    var isGuest = false

    mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }

    var stored: StoredUser {
        StoredUser(id: id!, name: name, passwordHash: passwordHash, createdAt: createdAt, isGuest: isGuest)
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
    var fileId: Int64?

    mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }
}

/// A message row joined with its sender's name and the file it announces,
/// as history reads it (`MessageRow.columns`).
struct MessageRow: Decodable, FetchableRecord {
    var id: Int64
    var senderName: String
    var body: String
    var createdAt: Int64
    var fileId: Int64?
    var fileName: String?
    var fileSize: Int64?
    var fileSha256: String?
    var fileType: String?

    /// What to select, from `message m JOIN user u ON u.id = m.senderId
    /// LEFT JOIN file f ON f.id = m.fileId`.
    static let columns: SQL = """
        m.id, u.name AS senderName, m.body, m.createdAt,
        f.id AS fileId, f.name AS fileName, f.size AS fileSize, f.sha256 AS fileSha256, f.type AS fileType
        """

    func chatMessage(in conversation: ConversationID) -> ChatMessage {
        let file = fileId.map { id in
            FileInfo(id: id, conversation: conversation, name: fileName ?? "", size: fileSize ?? 0, sha256: fileSha256 ?? "",
                     type: FileType(rawValue: fileType ?? "") ?? .other, sender: senderName, time: createdAt)
        }
        return ChatMessage(id: id, conversation: conversation, sender: senderName, text: body, time: createdAt, file: file)
    }
}

/// A file row joined with its uploader's name and its conversation.
struct FileRow: Decodable, FetchableRecord {
    var id: Int64
    var conversationId: Int64
    var name: String
    var size: Int64
    var sha256: String
    var type: String
    var uploaderName: String
    var createdAt: Int64

    static let columns: SQL = """
        f.id, f.conversationId, f.name, f.size, f.sha256, f.type, u.name AS uploaderName, f.createdAt
        """

    func info(in conversation: ConversationID) -> FileInfo {
        FileInfo(id: id, conversation: conversation, name: name, size: size, sha256: sha256,
                 type: FileType(rawValue: type) ?? .other, sender: uploaderName, time: createdAt)
    }
}

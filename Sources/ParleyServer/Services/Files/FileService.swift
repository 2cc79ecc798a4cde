import ParleyDomain
import ParleyStore

/// Sharing files: who may upload where, recording a checked upload with its
/// announcement, who may download what.
public struct FileService: Sendable {
    let store: any ChatStore
    let chat: ChatService
    let storage: FileStorage
    let limits: ServerLimits
    let quotas: UploadQuotas

    /// An upload that passed every check that needs no byte.
    struct Upload: Sendable {
        let uploader: StoredUser
        let destination: ChatService.Destination
        let name: String
        let size: Int64
        let sha256: String
    }

    /// Refuses at once what cannot be accepted: too large, a bad hash, a
    /// conversation the user may not post to.
    func startUpload(by user: StoredUser, to conversation: ConversationID, name: String, size: Int64, sha256: String) async throws -> Upload {
        guard !user.isGuest else { throw DomainError.notForGuests(.files) }
        guard size >= 0 else { throw DomainError.fileSizeNegative }
        guard size <= limits.maxFileBytes else {
            throw DomainError.fileTooLarge(size: size, max: limits.maxFileBytes)
        }
        let hash = sha256.lowercased()
        guard hash.count == 64, hash.allSatisfy(\.isHexDigit) else {
            throw DomainError.fileHashInvalid
        }
        let destination = try await chat.destination(conversation, for: user)
        try await checkRoom(for: size, by: user)
        return Upload(uploader: user, destination: destination, name: FileNameRules.clean(name), size: size, sha256: hash)
    }

    /// Refuses an upload that would take its uploader past a quota, the
    /// server past `max_files_bytes`, or the disk under its free floor.
    private func checkRoom(for size: Int64, by user: StoredUser) async throws {
        let dayAgo = Timestamp.nowMillis() - 86_400_000
        let usage = try await store.fileUsage(of: user, since: dayAgo)
        if quotas.perUserPerDay > 0 && usage.byUserSince + size > quotas.perUserPerDay {
            throw DomainError.uploadQuota(perDay: true, max: quotas.perUserPerDay)
        }
        if quotas.perUser > 0 && usage.byUser + size > quotas.perUser {
            throw DomainError.uploadQuota(perDay: false, max: quotas.perUser)
        }
        if quotas.allFiles > 0 && usage.all + size > quotas.allFiles {
            throw DomainError.storageFull
        }
        if let free = storage.freeBytes(), free - size < quotas.minFreeDisk {
            throw DomainError.storageFull
        }
    }

    /// Records a file whose bytes arrived and matched, moves them into place
    /// and announces it; returns it as the uploader names its conversation.
    func finish(_ upload: Upload, bytesAt temporary: String, type: FileType) async throws -> FileInfo {
        let now = Timestamp.nowMillis()
        let storage = self.storage
        let file = NewFile(name: upload.name, size: upload.size, sha256: upload.sha256, type: type)
        let delivered = chat.deliveredAt(upload.destination, now)
        let message = try await store.addFile(
            file, in: upload.destination.room, uploader: upload.uploader, at: now, deliveredAt: delivered,
            place: { id in try storage.place(temporary, as: id) },
            afterCommit: chat.fanOut(upload.destination, from: upload.uploader, waiting: delivered == nil)
        )
        return upload.destination.addressed(message).file!
    }

    /// A file `user` may see, as `user` names its conversation, and where its bytes are.
    func download(_ id: Int64, by user: StoredUser, from offset: Int64) async throws -> (file: FileInfo, path: String) {
        let notFound = DomainError.fileNotFound(id: id)
        guard let stored = try await store.file(id: id) else { throw notFound }
        let info: FileInfo
        switch stored.place {
        case .room(let room):
            // Members only; to others the file does not exist.
            guard try await store.isMember(user, of: room) else { throw notFound }
            info = stored.info
        case .direct(_, let a, let b):
            guard user.id == a || user.id == b, let peer = try await store.user(id: user.id == a ? b : a) else { throw notFound }
            info = stored.info.addressed(to: .direct(peer.name))
        }
        guard (0...info.size).contains(offset) else {
            throw DomainError.fileOffsetOutside(offset: offset, size: info.size)
        }
        return (info, storage.path(of: id))
    }

    /// A conversation's files, newest first.
    func list(_ conversation: ConversationID, for user: StoredUser) async throws -> [FileInfo] {
        guard let room = try await chat.readable(conversation, for: user) else { return [] }
        return try await store.files(in: room).map { $0.addressed(to: conversation) }
    }
}

/// How many bytes of files may be kept (0: no limit), and how much disk
/// must stay free.
struct UploadQuotas: Sendable {
    var perUserPerDay: Int64
    var perUser: Int64
    var allFiles: Int64
    var minFreeDisk: Int64
}

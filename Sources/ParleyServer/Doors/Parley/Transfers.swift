import Logging
import NIOCore
import NIOPosix
import ParleyDomain
import ParleyWire

/// A connection's uploads and downloads under way. Lives on the
/// connection's event loop.
final class Transfers {
    /// Past this many bytes not yet on disk the socket is not read.
    static let maxUnwrittenBytes = 1 << 20

    private var uploads: [UInt32: UploadReceiver] = [:]
    private var downloads: [UInt32: DownloadSender] = [:]
    private var nextID: UInt32 = 1
    private var unwritten = 0
    private let files: FileService
    private let pool: NIOThreadPool
    private let logger: Logger
    private let send: (Event) -> Void
    /// Tells the session whether the disk is behind the socket.
    private let diskBehind: (Bool) -> Void

    init(files: FileService, pool: NIOThreadPool, logger: Logger, send: @escaping (Event) -> Void, diskBehind: @escaping (Bool) -> Void) {
        self.files = files
        self.pool = pool
        self.logger = logger
        self.send = send
        self.diskBehind = diskBehind
    }

    private func newID() throws(ProtocolError) -> UInt32 {
        let limit = files.limits.maxTransfers
        guard uploads.count + downloads.count < limit else {
            throw ProtocolError(.transferTooMany, "At most \(limit) uploads and downloads at once; wait for one to end.")
        }
        defer { nextID &+= 1 }
        return nextID
    }

    func beginUpload(_ upload: FileService.Upload, eventLoop: any EventLoop) throws(ProtocolError) -> UInt32 {
        let id = try newID()
        let receiver = UploadReceiver(transfer: id, upload: upload, temporary: files.storage.temporaryPath(), pool: pool, eventLoop: eventLoop)
        uploads[id] = receiver
        if upload.size == 0 { complete(receiver) }
        return id
    }

    func receive(_ chunk: Chunk) {
        guard let receiver = uploads[chunk.transfer] else {
            send(.error(ProtocolError(.transferUnknown, "There is no upload \(chunk.transfer) under way on this connection.")))
            return
        }
        do {
            try receiver.receive(chunk.bytes) { [self] count in
                unwritten -= count
                if unwritten < Self.maxUnwrittenBytes / 4 { diskBehind(false) }
            }
        } catch {
            fail(receiver, error)
            return
        }
        unwritten += chunk.bytes.readableBytes
        if unwritten > Self.maxUnwrittenBytes { diskBehind(true) }
        if receiver.isComplete { complete(receiver) }
    }

    func cancelUpload(_ id: UInt32) throws(ProtocolError) {
        guard let receiver = uploads.removeValue(forKey: id) else {
            throw ProtocolError(.transferUnknown, "There is no upload \(id) under way on this connection.")
        }
        receiver.abandon()
    }

    func beginDownload(_ file: FileInfo, path: String, offset: Int64, channel: any Channel) throws(ProtocolError) -> UInt32 {
        let id = try newID()
        let sender = DownloadSender(transfer: id, path: path, offset: offset, size: file.size, pool: pool, channel: channel) { [self] error in
            downloads[id] = nil
            if let error { send(.downloadFailed(transfer: id, error: error)) }
        }
        downloads[id] = sender
        return id
    }

    func startDownload(_ id: UInt32) {
        downloads[id]?.start()
    }

    /// The connection ended: what was half uploaded goes.
    func closeAll() {
        for receiver in uploads.values { receiver.abandon() }
        for sender in downloads.values { sender.cancel() }
        uploads = [:]
        downloads = [:]
    }

    private func fail(_ receiver: UploadReceiver, _ error: ProtocolError) {
        uploads[receiver.transfer] = nil
        receiver.abandon()
        send(.uploadFailed(transfer: receiver.transfer, error: error))
    }

    /// Every byte arrived: checked against the hash, then recorded and announced.
    private func complete(_ receiver: UploadReceiver) {
        let (files, upload, temporary) = (self.files, receiver.upload, receiver.temporary)
        let written = receiver.finish()
        written.flatMap { sha256, type in
            written.eventLoop.makeFutureWithTask { () async throws -> FileInfo in
                guard sha256 == upload.sha256 else {
                    throw ProtocolError(.fileHashMismatch, "The bytes that arrived do not match the SHA-256 announced; the upload is discarded.")
                }
                return try await files.finish(upload, bytesAt: temporary, type: type)
            }
        }.assumeIsolated().whenComplete { [self] result in
            guard uploads.removeValue(forKey: receiver.transfer) != nil else { return }
            switch result {
            case .success(let file):
                send(.uploadDone(transfer: receiver.transfer, file: file))
            case .failure(let error):
                files.storage.discard(temporary)
                let reason = error as? ProtocolError ?? ProtocolError(.fileStorage, "The server could not store the file; it has been logged.")
                if !(error is ProtocolError) { logger.error("upload failed", metadata: ["error": "\(error)"]) }
                send(.uploadFailed(transfer: receiver.transfer, error: reason))
            }
        }
    }
}

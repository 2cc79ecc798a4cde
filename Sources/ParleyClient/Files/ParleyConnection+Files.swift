import Crypto
import Foundation
import NIOCore
import ParleyDomain
import ParleyWire

/// How far a transfer is: bytes done of the whole.
public typealias TransferProgress = @Sendable (_ done: Int64, _ total: Int64) -> Void

extension ParleyConnection {
    /// Chunks written but not yet taken by the socket, per upload.
    static let uploadWindow = 8

    /// Shares the file at `path` in `conversation`, streaming it from disk;
    /// returns once the server has checked every byte against the hash.
    /// Cancelling the task abandons the upload on the server too.
    public func upload(file path: String, as name: String? = nil, to conversation: ConversationID,
                       progress: TransferProgress = { _, _ in }) async throws -> FileInfo {
        let (size, sha256) = try Self.measure(path)
        let displayName = name ?? URL(fileURLWithPath: path).lastPathComponent
        guard case .uploadReady(let transfer, let chunkBytes) = try await request(
            .upload(conversation: conversation, name: displayName, size: size, sha256: sha256)
        ) else { throw ParleyClientError.incompatibleServer("expected an \"upload_ready\" reply") }

        let reader = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
        defer { try? reader.close() }
        var sent: Int64 = 0
        var inFlight: [EventLoopFuture<Void>] = []
        do {
            while sent < size {
                try Task.checkCancellation()
                guard let data = try reader.read(upToCount: max(1, chunkBytes)), !data.isEmpty else {
                    throw ParleyClientError.localFile("\(path) got shorter while it was being sent")
                }
                let frame = Chunk(transfer: transfer, bytes: ByteBuffer(bytes: data)).frame(allocator: channel.allocator)
                inFlight.append(channel.writeAndFlush(frame))
                if inFlight.count >= Self.uploadWindow { try await inFlight.removeFirst().get() }
                sent += Int64(data.count)
                progress(sent, size)
            }
            for write in inFlight { try await write.get() }
        } catch is CancellationError {
            _ = try? await request(.cancelUpload(transfer: transfer))
            throw CancellationError()
        }
        return try await transfers.outcome(ofUpload: transfer)
    }

    /// Sends one chunk of file bytes as it is: the protocol's lowest level,
    /// beside `request(_:)`; `upload` is what programs want.
    public func send(_ chunk: Chunk) async throws {
        try await channel.writeAndFlush(chunk.frame(allocator: channel.allocator)).get()
    }

    /// The size and SHA-256 of a local file, read in pieces.
    static func measure(_ path: String) throws -> (Int64, String) {
        if let problem = LocalPath.problem(uploading: path) { throw ParleyClientError.localFile(problem) }
        do {
            let reader = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
            defer { try? reader.close() }
            var hasher = SHA256()
            let size = try hasher.update(readingAll: reader)
            return (size, Hex.string(hasher.finalize()))
        } catch {
            throw ParleyClientError.localFile(LocalPath.sentence(for: error, path: path))
        }
    }

    /// A conversation's files, newest first.
    public func files(in conversation: ConversationID) async throws -> [FileInfo] {
        guard case .files(let files) = try await request(.files(conversation: conversation)) else {
            throw ParleyClientError.incompatibleServer("expected a \"files\" reply")
        }
        return files
    }

    /// Downloads a file into `directory` under its name (`name (1).ext` when
    /// taken), continuing a download that stopped earlier from the bytes it
    /// left, and checks the whole against the hash before the file gets its
    /// name. Returns the file's path. `progress` hears of every chunk, on
    /// the connection's event loop: it must be quick.
    public func download(_ file: FileInfo, into directory: String, progress: @escaping TransferProgress = { _, _ in }) async throws -> String {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw ParleyClientError.localFile("Cannot make the download folder: " + LocalPath.sentence(for: error, path: directory))
        }
        let partPath = DownloadPlace.partPath(of: file.id, in: directory)
        if let have = (try? FileManager.default.attributesOfItem(atPath: partPath))?[.size] as? Int64, have > file.size {
            try? FileManager.default.removeItem(atPath: partPath)
        }
        let part: PartFile
        do {
            part = try PartFile(path: partPath, expected: file.size, progress: progress)
        } catch {
            throw ParleyClientError.localFile("Cannot write the download: " + LocalPath.sentence(for: error, path: partPath))
        }
        let offset = part.bytes
        progress(offset, file.size)
        let transfers = self.transfers
        if offset < file.size {
            _ = try await request(.download(file: file.id, offset: offset)) { reply in
                if case .downloadReady(let transfer, _, _) = reply { transfers.addDownload(transfer, part) }
            }
        }
        // Cancelling keeps the bytes so far; the server's next chunks find no sink.
        let digest = try await withTaskCancellationHandler {
            try await part.completion()
        } onCancel: {
            part.fail(CancellationError())
        }
        guard digest == file.sha256 else {
            try? FileManager.default.removeItem(atPath: partPath)
            throw ParleyClientError.localFile("\(file.name) arrived damaged (its SHA-256 differs); the partial file is removed, try again")
        }
        return try DownloadPlace.place(partPath, as: file.name, in: directory)
    }
}

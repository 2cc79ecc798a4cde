import Crypto
import Foundation
import NIOCore
import NIOPosix
import ParleyDomain
import ParleyWire

/// One upload's bytes on their way to disk: written and hashed in order on
/// the thread pool, never held whole in memory. Lives on its connection's
/// event loop.
final class UploadReceiver {
    /// The file and the running hash, touched only by this upload's chain of
    /// pool tasks, one at a time.
    private final class Sink: @unchecked Sendable {
        var handle: FileHandle?
        var hasher = SHA256()
        var head: [UInt8] = []
    }

    let transfer: UInt32
    let upload: FileService.Upload
    let temporary: String
    private let sink = Sink()
    private let pool: NIOThreadPool
    private let eventLoop: any EventLoop
    /// The last write queued; each next one starts when it ends.
    private var chain: EventLoopFuture<Void>
    private(set) var received: Int64 = 0

    init(transfer: UInt32, upload: FileService.Upload, temporary: String, pool: NIOThreadPool, eventLoop: any EventLoop) {
        self.transfer = transfer
        self.upload = upload
        self.temporary = temporary
        self.pool = pool
        self.eventLoop = eventLoop
        let sink = self.sink
        chain = pool.runIfActive(eventLoop: eventLoop) {
            guard FileManager.default.createFile(atPath: temporary, contents: nil) else {
                throw ProtocolError(.fileStorage, "The server cannot store the file now; it has been logged.")
            }
            sink.handle = try FileHandle(forWritingTo: URL(fileURLWithPath: temporary))
        }
    }

    var isComplete: Bool { received == upload.size }

    /// Queues a chunk for the disk; `written` runs when it is there. Bytes
    /// past the announced size are refused.
    func receive(_ bytes: ByteBuffer, written: @escaping (Int) -> Void) throws(ProtocolError) {
        guard received + Int64(bytes.readableBytes) <= upload.size else {
            throw ProtocolError(.transferOverflow, "More bytes arrived than the \(upload.size) announced; the upload is discarded.")
        }
        received += Int64(bytes.readableBytes)
        let data = Data(bytes.readableBytesView)
        let (sink, pool, eventLoop) = (self.sink, self.pool, self.eventLoop)
        chain = chain.flatMap {
            pool.runIfActive(eventLoop: eventLoop) {
                try sink.handle?.write(contentsOf: data)
                sink.hasher.update(data: data)
                if sink.head.count < FileType.sniffBytes {
                    sink.head += data.prefix(FileType.sniffBytes - sink.head.count)
                }
            }
        }
        chain.assumeIsolated().whenComplete { _ in written(data.count) }
    }

    /// Once every byte is on disk: their SHA-256 in hex, and their type.
    func finish() -> EventLoopFuture<(sha256: String, type: FileType)> {
        let (sink, pool, eventLoop) = (self.sink, self.pool, self.eventLoop)
        return chain.flatMap {
            pool.runIfActive(eventLoop: eventLoop) {
                try sink.handle?.close()
                sink.handle = nil
                let digest = Hex.string(sink.hasher.finalize())
                return (digest, FileType.detect(sink.head))
            }
        }
    }

    /// Stops the upload and deletes what arrived.
    func abandon() {
        let (sink, pool, eventLoop, temporary) = (self.sink, self.pool, self.eventLoop, self.temporary)
        chain = chain.flatMap {
            pool.runIfActive(eventLoop: eventLoop) {
                try? sink.handle?.close()
                sink.handle = nil
                try? FileManager.default.removeItem(atPath: temporary)
            }
        }
    }
}

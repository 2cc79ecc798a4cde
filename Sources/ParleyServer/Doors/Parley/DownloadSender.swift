import Foundation
import NIOCore
import NIOPosix
import ParleyDomain
import ParleyWire

/// One download's bytes from disk to the socket: read on the thread pool a
/// chunk at a time, with a few chunks in flight at most, so memory stays
/// flat however large the file. Lives on its connection's event loop.
final class DownloadSender {
    static let chunkBytes = 64 * 1024
    /// Chunks written but not yet taken by the socket.
    static let window = 4

    /// Touched only by this download's pool tasks, one at a time.
    private final class Source: @unchecked Sendable {
        var handle: FileHandle?
    }

    let transfer: UInt32
    private let path: String
    private var offset: Int64
    private let size: Int64
    private let source = Source()
    private let pool: NIOThreadPool
    private let channel: any Channel
    private let ended: (ProtocolError?) -> Void
    private var inFlight = 0
    private var reading = false
    private var stopped = false

    /// `ended` runs once: with nil after the last byte was written, or with
    /// why the download stopped.
    init(transfer: UInt32, path: String, offset: Int64, size: Int64, pool: NIOThreadPool, channel: any Channel,
         ended: @escaping (ProtocolError?) -> Void) {
        self.transfer = transfer
        self.path = path
        self.offset = offset
        self.size = size
        self.pool = pool
        self.channel = channel
        self.ended = ended
    }

    func start() {
        let (source, path, offset) = (self.source, self.path, self.offset)
        reading = true
        pool.runIfActive(eventLoop: channel.eventLoop) {
            let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
            try handle.seek(toOffset: UInt64(offset))
            source.handle = handle
        }.assumeIsolated().whenComplete { result in
            self.reading = false
            if case .failure = result { self.stop(Self.unreadable) } else { self.pump() }
        }
    }

    func cancel() {
        guard !stopped else { return }
        stopped = true
        close()
    }

    private static let unreadable = ProtocolError(.fileStorage, "The server cannot read this file now; it has been logged.")

    private func pump() {
        guard !stopped else { return }
        if offset >= size {
            if inFlight == 0 { stop(nil) }
            return
        }
        guard !reading, inFlight < Self.window else { return }
        reading = true
        let (source, count) = (self.source, Int(min(Int64(Self.chunkBytes), size - offset)))
        pool.runIfActive(eventLoop: channel.eventLoop) {
            try source.handle?.read(upToCount: count) ?? Data()
        }.assumeIsolated().whenComplete { result in
            self.reading = false
            guard !self.stopped else { return }
            guard case .success(let data) = result, data.count == count else {
                self.stop(Self.unreadable)
                return
            }
            self.offset += Int64(data.count)
            self.inFlight += 1
            let frame = Chunk(transfer: self.transfer, bytes: ByteBuffer(bytes: data)).frame(allocator: self.channel.allocator)
            self.channel.writeAndFlush(frame).assumeIsolated().whenComplete { _ in
                self.inFlight -= 1
                self.pump()
            }
            self.pump()
        }
    }

    private func stop(_ error: ProtocolError?) {
        guard !stopped else { return }
        stopped = true
        close()
        ended(error)
    }

    private func close() {
        let source = self.source
        pool.runIfActive(eventLoop: channel.eventLoop) {
            try? source.handle?.close()
            source.handle = nil
        }.whenComplete { _ in }
    }
}

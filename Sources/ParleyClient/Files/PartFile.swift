import Crypto
import Foundation
import NIOCore
import ParleyDomain
import ParleyWire
import Synchronization

/// Where downloads go and how they are named.
public enum DownloadPlace {
    /// The bytes of an unfinished download of file `id`, kept between runs
    /// so that the next try continues where this one stopped.
    public static func partPath(of id: Int64, in directory: String) -> String {
        directory + "/.parley-\(id).part"
    }

    /// Puts the finished bytes at `partPath` into `directory` under the
    /// cleaned `name`, or `name (1).ext`, `name (2).ext`… when taken, and
    /// returns the path. Whatever name a server sends, the file lands in
    /// `directory` itself: the name is cleaned to one path component, and
    /// the file is linked in with `link(2)`, which neither replaces nor
    /// follows anything already at the path (a file or link planted there
    /// meanwhile only moves on to the next number).
    public static func place(_ partPath: String, as name: String, in directory: String) throws(ParleyClientError) -> String {
        let clean = FileNameRules.clean(name)
        guard !clean.isEmpty, !clean.hasPrefix("."), !clean.contains("/"), !clean.contains("\\") else {
            throw .localFile("refusing the file name \"\(name)\": it is not a plain file name")
        }
        let dot = clean.lastIndex(of: ".").flatMap { $0 == clean.startIndex ? nil : $0 }
        let (stem, ext) = dot.map { (String(clean[..<$0]), String(clean[$0...])) } ?? (clean, "")
        for n in 0... {
            let candidate = directory + "/" + (n == 0 ? clean : "\(stem) (\(n))\(ext)")
            if link(partPath, candidate) == 0 {
                unlink(partPath)
                return candidate
            }
            guard errno == EEXIST else {
                throw .localFile("cannot move the download to \(candidate): \(String(cString: strerror(errno)))")
            }
        }
        preconditionFailure("unreachable")
    }
}

extension SHA256 {
    /// Hashes what is left in `file`, a mebibyte at a time; returns how many bytes.
    mutating func update(readingAll file: FileHandle) throws -> Int64 {
        var count: Int64 = 0
        while let data = try file.read(upToCount: 1 << 20), !data.isEmpty {
            update(data: data)
            count += Int64(data.count)
        }
        return count
    }
}

/// A download's bytes as they arrive: appended to the part file and hashed,
/// on the event loop, so nothing piles up in memory.
final class PartFile: DownloadSink, @unchecked Sendable {
    // Touched on the event loop only, after `init`.
    private let handle: FileHandle
    private var hasher: SHA256
    private let expected: Int64
    private let received: Atomic<Int64>
    /// Who waits for the end, and why it failed if it did first.
    private let done: Mutex<(waiting: CheckedContinuation<String, any Error>?, failure: (any Error)?, complete: Bool)>
    /// Set once, by the last byte or a failure; later bytes are dropped.
    private let finished = Atomic(false)
    private let progress: TransferProgress

    /// Opens `path` for appending, hashing the bytes already there.
    /// `progress` hears of every chunk on disk, on the event loop.
    init(path: String, expected: Int64, progress: @escaping TransferProgress) throws {
        if !FileManager.default.fileExists(atPath: path) {
            _ = FileManager.default.createFile(atPath: path, contents: nil)
        }
        var hasher = SHA256()
        let reader = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
        defer { try? reader.close() }
        let have = try hasher.update(readingAll: reader)
        handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.seekToEnd()
        self.hasher = hasher
        self.expected = expected
        self.progress = progress
        received = Atomic(have)
        done = Mutex((nil, nil, have == expected))
    }

    /// Bytes on disk so far, the earlier runs' included.
    var bytes: Int64 { received.load(ordering: .relaxed) }

    /// Waits for the last byte; returns the SHA-256 of the whole file in hex.
    func completion() async throws -> String {
        try await withCheckedThrowingContinuation { continuation in
            let (failure, complete): ((any Error)?, Bool) = done.withLock { done in
                if done.failure == nil && !done.complete { done.waiting = continuation }
                return (done.failure, done.complete)
            }
            if let failure {
                continuation.resume(throwing: failure)
            } else if complete {
                continuation.resume(with: Result { try finish() })
            }
        }
    }

    func receive(_ bytes: ByteBuffer) {
        guard !finished.load(ordering: .acquiring) else { return }
        let data = Data(bytes.readableBytesView)
        do {
            try handle.write(contentsOf: data)
        } catch {
            fail(error)
            return
        }
        hasher.update(data: data)
        let total = received.add(Int64(data.count), ordering: .relaxed).newValue
        progress(total, expected)
        guard total >= expected else { return }
        let waiting = done.withLock { done in
            done.complete = true
            return done.waiting.take()
        }
        if let continuation = waiting {
            continuation.resume(with: Result { try finish() })
        }
    }

    /// Stops the download; the bytes on disk stay for the next try.
    func fail(_ error: any Error) {
        guard !finished.exchange(true, ordering: .acquiringAndReleasing) else { return }
        let continuation = done.withLock { done in
            done.failure = error
            return done.waiting.take()
        }
        try? handle.close()
        continuation?.resume(throwing: error)
    }

    private func finish() throws -> String {
        finished.store(true, ordering: .releasing)
        try handle.close()
        return Hex.string(hasher.finalize())
    }
}

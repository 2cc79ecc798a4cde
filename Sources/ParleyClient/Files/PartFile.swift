import Crypto
import Foundation
import NIOCore
import ParleyProtocol
import Synchronization

/// Where downloads go and how they are named.
public enum DownloadPlace {
    /// The bytes of an unfinished download of file `id`, kept between runs
    /// so that the next try continues where this one stopped.
    public static func partPath(of id: Int64, in directory: String) -> String {
        directory + "/.parley-\(id).part"
    }

    /// `name` in `directory`, or `name (1).ext`, `name (2).ext`… when taken.
    public static func uniquePath(for name: String, in directory: String, exists: (String) -> Bool = FileManager.default.fileExists(atPath:)) -> String {
        let clean = FileNameRules.clean(name)
        let dot = clean.lastIndex(of: ".").flatMap { $0 == clean.startIndex ? nil : $0 }
        let (stem, ext) = dot.map { (String(clean[..<$0]), String(clean[$0...])) } ?? (clean, "")
        var candidate = directory + "/" + clean
        var n = 1
        while exists(candidate) {
            candidate = directory + "/\(stem) (\(n))\(ext)"
            n += 1
        }
        return candidate
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
    private let done: Mutex<CheckedContinuation<String, any Error>?>
    private var finished = false
    private let progress: TransferProgress

    /// Opens `path` for appending, hashing the bytes already there.
    /// `progress` hears of every chunk on disk, on the event loop.
    init(path: String, expected: Int64, progress: @escaping TransferProgress) throws {
        if !FileManager.default.fileExists(atPath: path) {
            _ = FileManager.default.createFile(atPath: path, contents: nil)
        }
        var hasher = SHA256()
        let reader = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
        var have: Int64 = 0
        while let data = try reader.read(upToCount: 1 << 20), !data.isEmpty {
            hasher.update(data: data)
            have += Int64(data.count)
        }
        try reader.close()
        handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.seekToEnd()
        self.hasher = hasher
        self.expected = expected
        self.progress = progress
        received = Atomic(have)
        done = Mutex(nil)
    }

    /// Bytes on disk so far, the earlier runs' included.
    var bytes: Int64 { received.load(ordering: .relaxed) }

    /// Waits for the last byte; returns the SHA-256 of the whole file in hex.
    func completion() async throws -> String {
        if bytes == expected { return try finish() }
        return try await withCheckedThrowingContinuation { continuation in
            done.withLock { $0 = continuation }
        }
    }

    func receive(_ bytes: ByteBuffer) {
        guard !finished else { return }
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
        if total >= expected, let continuation = done.withLock({ $0.take() }) {
            continuation.resume(with: Result { try finish() })
        }
    }

    func fail(_ error: any Error) {
        guard let continuation = done.withLock({ $0.take() }) else { return }
        try? handle.close()
        continuation.resume(throwing: error)
    }

    private func finish() throws -> String {
        finished = true
        try handle.close()
        return Hex.string(hasher.finalize())
    }
}

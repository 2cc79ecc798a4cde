import Foundation
import Synchronization

extension Process {
    /// Waits for the process to end, at most `timeout`: past it the process
    /// is killed (SIGKILL) and the wait fails loudly. For synchronous code
    /// (a `defer`); async code awaits `exit(within:)`.
    public func waitUntilExit(timeout: Duration) throws {
        let deadline = ContinuousClock.now + timeout
        while isRunning {
            try killIfPast(deadline)
            usleep(5_000)
        }
        waitUntilExit()
    }

    /// Waits for the process to end without holding a thread, at most
    /// `timeout`: past it the process is killed and the wait fails loudly.
    public func exit(within timeout: Duration) async throws {
        let deadline = ContinuousClock.now + timeout
        while isRunning {
            try killIfPast(deadline)
            try await Task.sleep(for: .milliseconds(5))
        }
        waitUntilExit()
    }

    private func killIfPast(_ deadline: ContinuousClock.Instant) throws {
        guard ContinuousClock.now >= deadline else { return }
        kill(processIdentifier, SIGKILL)
        waitUntilExit()
        throw TimedOut(waitingFor: "\(executableURL?.lastPathComponent ?? "a process") to exit; it was killed")
    }
}

/// Reads a pipe to its end on a thread of its own, so that a process that
/// writes more than a pipe holds never blocks on it, and a test's wait for
/// what it wrote has a timeout.
public final class PipeReader: Sendable {
    private let read = Mutex<Data?>(nil)

    public init(_ pipe: Pipe) {
        Thread.detachNewThread { [self] in
            let all = pipe.fileHandleForReading.readDataToEndOfFile()
            read.withLock { $0 = all }
        }
    }

    private var text: String? { read.withLock { $0 }.map { String(decoding: $0, as: UTF8.self) } }

    /// Everything written, once the writer closed the pipe; without holding
    /// a thread while it waits.
    public func text(within timeout: Duration = .seconds(10)) async throws -> String {
        let deadline = ContinuousClock.now + timeout
        while true {
            if let text { return text }
            guard ContinuousClock.now < deadline else { throw TimedOut(waitingFor: "a process to close its output") }
            try await Task.sleep(for: .milliseconds(5))
        }
    }

    /// Everything written, once the writer closed the pipe: for synchronous code.
    public func text(timeout: Duration = .seconds(10)) throws -> String {
        let deadline = ContinuousClock.now + timeout
        while true {
            if let text { return text }
            guard ContinuousClock.now < deadline else { throw TimedOut(waitingFor: "a process to close its output") }
            usleep(5_000)
        }
    }
}

/// Reads one line from `handle`, waiting at most `timeout` for each byte.
public func readLine(from handle: FileHandle, timeout: Duration) throws -> String {
    let deadline = ContinuousClock.now + timeout
    var line = Data()
    while true {
        let left = deadline - ContinuousClock.now
        guard left > .zero else { throw TimedOut(waitingFor: "a line of output; got \"\(String(decoding: line, as: UTF8.self))\"") }
        var poller = pollfd(fd: handle.fileDescriptor, events: Int16(POLLIN), revents: 0)
        let milliseconds = Int32(left.components.seconds * 1000 + left.components.attoseconds / 1_000_000_000_000_000)
        guard poll(&poller, 1, max(1, milliseconds)) > 0 else { continue }
        guard let byte = try handle.read(upToCount: 1), !byte.isEmpty else { return String(decoding: line, as: UTF8.self) }
        if byte == Data("\n".utf8) { return String(decoding: line, as: UTF8.self) }
        line.append(byte)
    }
}

/// What a long-running process has written so far, read as it comes on a
/// thread of its own, so that a test can wait for a line while the
/// process goes on.
public final class LiveOutput: Sendable {
    private let read = Mutex(Data())

    public init(_ pipe: Pipe) {
        Thread.detachNewThread { [self] in
            while true {
                let chunk = pipe.fileHandleForReading.availableData
                if chunk.isEmpty { return }
                read.withLock { $0.append(chunk) }
            }
        }
    }

    public var text: String { String(decoding: read.withLock { $0 }, as: UTF8.self) }
    public var lines: [String] { text.split(separator: "\n").map(String.init) }

    /// Waits until what was written satisfies `predicate`.
    public func wait(for description: String, timeout: Duration = .seconds(60), until predicate: (LiveOutput) -> Bool) async throws {
        let deadline = ContinuousClock.now + timeout
        while !predicate(self) {
            guard ContinuousClock.now < deadline else { throw TimedOut(waitingFor: "\(description); output so far: \(text)") }
            try await Task.sleep(for: .milliseconds(10))
        }
    }
}

/// Runs blocking `body` (a synchronous wait for a process) on a thread of
/// its own: the concurrency pool has a thread per core, and a test holding
/// one for seconds stalls every other test in the process.
public func onOwnThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread.detachNewThread { continuation.resume(with: Result { try body() }) }
    }
}

import ParleyDomain
import ParleyWire
import Synchronization

public struct TimedOut: Error, CustomStringConvertible {
    public let waitingFor: String
    public var description: String { "timed out waiting for \(waitingFor)" }
    public init(waitingFor: String) {
        self.waitingFor = waitingFor
    }
}

/// Records a connection's events as they arrive, so a test can wait for
/// one and look at all of them.
public final class EventLog: Sendable {
    private struct State {
        var events: [Event] = []
        var ended = false
    }

    private let state = Mutex(State())

    public init(_ events: AsyncStream<Event>) {
        Task {
            for await event in events {
                self.state.withLock { $0.events.append(event) }
            }
            self.state.withLock { $0.ended = true }
        }
    }

    public var events: [Event] { state.withLock { $0.events } }
    public var ended: Bool { state.withLock { $0.ended } }

    public var messages: [ChatMessage] {
        events.compactMap { if case .message(let message) = $0 { message } else { nil } }
    }

    /// Waits until `predicate` holds for what was recorded, polling briefly.
    public func wait(
        for description: String, timeout: Duration = .seconds(30), until predicate: (EventLog) -> Bool
    ) async throws {
        let deadline = ContinuousClock.now + timeout
        while !predicate(self) {
            guard ContinuousClock.now < deadline else { throw TimedOut(waitingFor: description) }
            try await Task.sleep(for: .milliseconds(5))
        }
    }

    public func waitForMessages(_ count: Int, timeout: Duration = .seconds(30)) async throws {
        try await wait(for: "\(count) messages", timeout: timeout) { $0.messages.count >= count }
    }

    /// The first recorded event that `match` maps to a value, waiting for it.
    @discardableResult
    public func first<T>(_ description: String, timeout: Duration = .seconds(30), _ match: (Event) -> T?) async throws -> T {
        var found: T?
        try await wait(for: description, timeout: timeout) { log in
            found = log.events.lazy.compactMap(match).first
            return found != nil
        }
        return found!
    }
}

import ParleyDomain
import ParleyWire
import Synchronization

/// Requests waiting for their replies, by id. Once the connection is gone,
/// every waiting and every later request fails with the reason.
final class PendingRequests: Sendable {
    private struct State {
        var nextID: UInt32 = 1
        var waiting: [UInt32: Waiting] = [:]
        var closedReason: String?
    }

    private struct Waiting {
        let continuation: CheckedContinuation<Reply, any Error>
        /// Runs on the event loop as the reply arrives, before any later frame.
        let onReply: (@Sendable (Reply) -> Void)?
    }

    private let state = Mutex(State())

    /// Registers a continuation and returns its id, or nil when closed.
    func add(_ continuation: CheckedContinuation<Reply, any Error>, onReply: (@Sendable (Reply) -> Void)? = nil) -> UInt32? {
        let id: UInt32? = state.withLock { state in
            guard state.closedReason == nil else { return nil }
            let id = state.nextID
            state.nextID &+= 1
            state.waiting[id] = Waiting(continuation: continuation, onReply: onReply)
            return id
        }
        if id == nil { continuation.resume(throwing: ParleyClientError.disconnected(reason: closedReason ?? "closed")) }
        return id
    }

    func complete(_ id: UInt32, with result: Result<Reply, any Error>) {
        guard let waiting = state.withLock({ $0.waiting.removeValue(forKey: id) }) else { return }
        if case .success(let reply) = result { waiting.onReply?(reply) }
        waiting.continuation.resume(with: result)
    }

    var closedReason: String? { state.withLock { $0.closedReason } }

    /// Fails everything waiting; keeps the first reason given.
    func close(reason: String) {
        let (waiting, reason) = state.withLock { state in
            if state.closedReason == nil { state.closedReason = reason }
            defer { state.waiting = [:] }
            return (state.waiting.values, state.closedReason!)
        }
        for waiting in waiting {
            waiting.continuation.resume(throwing: ParleyClientError.disconnected(reason: reason))
        }
    }
}

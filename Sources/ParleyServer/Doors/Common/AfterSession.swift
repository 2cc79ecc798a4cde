import Synchronization

/// Work a session leaves behind when it ends, which nobody awaits: telling
/// friends it went offline, freeing a guest's name, marking a message
/// delivered. Shutdown waits for it before the database closes and the
/// event loops stop, so that none of it runs against a closed store or
/// schedules on a loop that is gone.
final class AfterSession: Sendable {
    private struct State {
        var next = 0
        var running: [Int: Task<Void, Never>] = [:]
    }

    private let state = Mutex(State())

    func run(_ work: @escaping @Sendable () async -> Void) {
        state.withLock { state in
            let id = state.next
            state.next += 1
            // The task removes itself under the same lock, so never before it is added.
            state.running[id] = Task {
                await work()
                _ = self.state.withLock { $0.running.removeValue(forKey: id) }
            }
        }
    }

    /// Returns once every piece of work begun, and any it began, is done.
    func drain() async {
        while let tasks = state.withLock({ $0.running.isEmpty ? nil : Array($0.running.values) }) {
            for task in tasks { await task.value }
        }
    }
}

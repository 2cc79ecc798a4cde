import Synchronization

/// Runs at most `maxRunning` jobs at once and, when more wait, takes them
/// from each key (an address) in turn: a hundred password guesses from one
/// address wait behind each other, not in front of an honest login from
/// another address, which waits for one job of each address at most.
final class FairQueue: Sendable {
    let maxRunning: Int

    private struct State {
        var running = 0
        var waiting: [String: [CheckedContinuation<Void, Never>]] = [:]
        /// Keys with jobs waiting, in the order they are served.
        var turns: [String] = []
    }

    private let state = Mutex(State())

    init(maxRunning: Int) {
        self.maxRunning = maxRunning
    }

    func run<T: Sendable>(for key: String, _ work: @Sendable () async throws -> T) async throws -> T {
        await start(key)
        defer { finish() }
        return try await work()
    }

    /// Jobs waiting for their turn.
    var waitingCount: Int {
        state.withLock { $0.waiting.values.reduce(0) { $0 + $1.count } }
    }

    private func start(_ key: String) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let now = state.withLock { state -> Bool in
                if state.running < maxRunning && state.turns.isEmpty {
                    state.running += 1
                    return true
                }
                if state.waiting[key] == nil { state.turns.append(key) }
                state.waiting[key, default: []].append(continuation)
                return false
            }
            if now { continuation.resume() }
        }
    }

    /// Hands the place to the next key's first job, or frees it.
    private func finish() {
        let next = state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard !state.turns.isEmpty else {
                state.running -= 1
                return nil
            }
            let key = state.turns.removeFirst()
            var jobs = state.waiting[key]!
            let job = jobs.removeFirst()
            if jobs.isEmpty {
                state.waiting[key] = nil
            } else {
                state.waiting[key] = jobs
                state.turns.append(key)
            }
            return job
        }
        next?.resume()
    }
}

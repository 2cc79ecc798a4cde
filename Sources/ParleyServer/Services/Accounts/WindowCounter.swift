import Synchronization

/// How many times each key did something within the last `window`
/// seconds, for limits such as registrations per address per hour.
final class WindowCounter: Sendable {
    let limit: Int
    let windowSeconds: Double
    private let times = Mutex<[String: [Double]]>([:])
    /// Past this many keys, those with nothing in the window are swept out.
    private static let sweepAbove = 100_000

    init(limit: Int, windowSeconds: Double) {
        self.limit = limit
        self.windowSeconds = windowSeconds
    }

    /// Counts one more for `key` if it is under the limit; false (and
    /// nothing counted) when it is not.
    func take(_ key: String, now: Double) -> Bool {
        times.withLock { times in
            if times.count > Self.sweepAbove {
                times = times.filter { $0.value.contains { now - $0 < windowSeconds } }
            }
            var recent = (times[key] ?? []).filter { now - $0 < windowSeconds }
            guard recent.count < limit else {
                times[key] = recent
                return false
            }
            recent.append(now)
            times[key] = recent
            return true
        }
    }
}

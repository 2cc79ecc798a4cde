import ParleyDomain
import Synchronization

/// Keeps a connection's requests within the server's rate limit (its
/// hello announces `rate_burst` and `rate_per_second`), so that what a
/// person or a script sends quickly waits its turn instead of being
/// refused. Each request reserves the next free slot in the order it
/// asked; a slightly smaller burst and rate than the server's leave room
/// for the network bunching requests on their way.
final class RequestPacer: Sendable {
    private struct Bucket {
        /// May go below zero: slots reserved ahead by waiting requests.
        var tokens: Double
        var at: ContinuousClock.Instant
    }

    private let capacity: Double
    private let ratePerSecond: Double
    private let bucket: Mutex<Bucket>

    init(limits: ServerLimits, now: ContinuousClock.Instant = .now) {
        capacity = Double(max(1, limits.rateBurst - 1))
        ratePerSecond = limits.ratePerSecond * 0.9
        bucket = Mutex(Bucket(tokens: capacity, at: now))
    }

    /// Reserves a slot; returns how long to wait before using it.
    func reserve(now: ContinuousClock.Instant = .now) -> Duration {
        bucket.withLock { bucket in
            let elapsed = now - bucket.at
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            bucket.tokens = min(capacity, bucket.tokens + max(0, seconds) * ratePerSecond)
            bucket.at = now
            bucket.tokens -= 1
            return bucket.tokens >= 0 ? .zero : .seconds(-bucket.tokens / ratePerSecond)
        }
    }
}

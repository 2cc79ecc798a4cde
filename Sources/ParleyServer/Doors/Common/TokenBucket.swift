import NIOCore

/// A burst of `capacity` requests, refilled at `ratePerSecond`.
struct TokenBucket {
    let capacity: Double
    let ratePerSecond: Double
    private var tokens: Double
    private var refilledAt: NIODeadline

    init(capacity: Int, ratePerSecond: Double, now: NIODeadline = .now()) {
        self.capacity = Double(capacity)
        self.ratePerSecond = ratePerSecond
        tokens = Double(capacity)
        refilledAt = now
    }

    /// Takes a token if one is there.
    mutating func take(now: NIODeadline = .now()) -> Bool {
        refill(now)
        guard tokens >= 1 else { return false }
        tokens -= 1
        return true
    }

    /// How long until a token is there.
    mutating func wait(now: NIODeadline = .now()) -> TimeAmount {
        refill(now)
        return tokens >= 1 ? .zero : .nanoseconds(Int64((1 - tokens) / ratePerSecond * 1e9) + 1)
    }

    private mutating func refill(_ now: NIODeadline) {
        let elapsed = Double((now - refilledAt).nanoseconds) / 1e9
        tokens = min(capacity, tokens + elapsed * ratePerSecond)
        refilledAt = now
    }
}

import Synchronization

/// Slows down password guessing: after `freeFailures` failed logins for an
/// account, or from an address, each further try must wait twice as long
/// as the one before (1 s, 2 s, 4 s … up to `maxDelaySeconds`), counted from
/// the last failure. A success clears the account's count but not the
/// address's, so one account of the attacker's own cannot reset it; an
/// address's count is forgotten after `forgetAfterSeconds` without failures.
final class LoginThrottle: Sendable {
    let freeFailures: Int
    let maxDelaySeconds: Double
    let forgetAfterSeconds: Double = 3600

    private struct Failures {
        var count: Int
        var last: Double
    }

    /// Failures by "account:KEY" and "address:IP".
    private let failures = Mutex<[String: Failures]>([:])
    /// Past this many remembered keys, forgotten ones are swept out.
    private static let sweepAbove = 100_000

    init(freeFailures: Int, maxDelaySeconds: Double) {
        self.freeFailures = freeFailures
        self.maxDelaySeconds = maxDelaySeconds
    }

    /// Whole seconds until `account` may be tried again from `address`;
    /// 0 when it may be tried now.
    func wait(account: String, address: String, now: Double) -> Int {
        failures.withLock { failures in
            let waits = ["account:" + account, "address:" + address].compactMap { key -> Double? in
                guard let entry = failures[key], entry.count >= freeFailures else { return nil }
                return entry.last + delay(after: entry.count) - now
            }
            return Swift.max(0, Int((waits.max() ?? 0).rounded(.up)))
        }
    }

    func failed(account: String, address: String, now: Double) {
        failures.withLock { failures in
            if failures.count > Self.sweepAbove {
                failures = failures.filter { now - $0.value.last < forgetAfterSeconds }
            }
            for key in ["account:" + account, "address:" + address] {
                var entry = failures[key] ?? Failures(count: 0, last: now)
                if now - entry.last >= forgetAfterSeconds { entry.count = 0 }
                entry.count += 1
                entry.last = now
                failures[key] = entry
            }
        }
    }

    func succeeded(account: String) {
        _ = failures.withLock { $0.removeValue(forKey: "account:" + account) }
    }

    /// The wait after `count` failures: 1 s at `freeFailures`, doubling.
    func delay(after count: Int) -> Double {
        guard count >= freeFailures else { return 0 }
        return Swift.min(maxDelaySeconds, Double(1 << Swift.min(count - freeFailures, 30)))
    }
}

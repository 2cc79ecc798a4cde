import NIOCore
import Testing

@testable import ParleyServer

@Suite struct TokenBucketTests {
    @Test func aBurstThenTheRate() {
        let start = NIODeadline.uptimeNanoseconds(1_000_000_000)
        var bucket = TokenBucket(capacity: 20, ratePerSecond: 5, now: start)
        /// How many of `count` requests at one instant got a token.
        func granted(_ count: Int, at offset: TimeAmount) -> Int {
            (0..<count).filter { _ in bucket.take(now: start + offset) }.count
        }
        let burst = granted(25, at: .zero)
        // 5 a second: one token every 200 ms.
        let after150ms = granted(1, at: .milliseconds(150))
        let after200ms = granted(5, at: .milliseconds(200))
        let after1200ms = granted(10, at: .milliseconds(1200))
        // A long pause refills to the burst, not beyond.
        let afterAMinute = granted(30, at: .seconds(60))
        #expect(burst == 20)
        #expect(after150ms == 0)
        #expect(after200ms == 1)
        #expect(after1200ms == 5)
        #expect(afterAMinute == 20)
    }
}

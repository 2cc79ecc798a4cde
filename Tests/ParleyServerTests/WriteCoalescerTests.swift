import NIOCore
@testable import ParleyServer
import Testing

@Suite struct WriteCoalescerTests {
    func delay(afterWriting microseconds: Int64) -> TimeAmount {
        WriteCoalescer.delay(afterWritingFor: .microseconds(microseconds), base: .milliseconds(4), max: .milliseconds(16))
    }

    @Test func cheapWritesWaitTheUsualTime() {
        #expect(delay(afterWriting: 0) == .milliseconds(4))
        #expect(delay(afterWriting: 900) == .milliseconds(4))
    }

    @Test func costlyWritesWaitFourTimesTheirCostUpToTheMost() {
        #expect(delay(afterWriting: 2_000) == .milliseconds(8))
        #expect(delay(afterWriting: 3_500) == .milliseconds(14))
        #expect(delay(afterWriting: 9_000) == .milliseconds(16))
    }
}

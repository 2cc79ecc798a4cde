import Foundation
import Synchronization
import ParleyClient
import ParleyDomain
import ParleyTestSupport
import Testing

@testable import ParleyServer

/// Password guessing gets slower with every failure, and a name nobody has
/// is answered like a wrong password (docs/SECURITY.md).
@Suite struct GuessingTests {
    @Test func failuresPastTheFreeOnesMustWaitLongerEachTime() {
        let throttle = LoginThrottle(freeFailures: 3, maxDelaySeconds: 5)
        for second in 0..<3 {
            #expect(throttle.wait(account: "ann", address: "10.0.0.9", now: Double(second)) == 0)
            throttle.failed(account: "ann", address: "10.0.0.9", now: Double(second))
        }
        #expect(throttle.wait(account: "ann", address: "10.0.0.1", now: 2.5) == 1, "the account is throttled from any address")
        #expect(throttle.wait(account: "ben", address: "10.0.0.9", now: 2.5) == 1, "and the address for any account")
        #expect(throttle.wait(account: "ann", address: "10.0.0.9", now: 3) == 0)
        throttle.failed(account: "ann", address: "10.0.0.9", now: 3)
        #expect(throttle.wait(account: "ann", address: "10.0.0.9", now: 3) == 2, "doubled")
        for _ in 0..<10 { throttle.failed(account: "ann", address: "10.0.0.9", now: 10) }
        #expect(throttle.wait(account: "ann", address: "10.0.0.9", now: 10) == 5, "never past the most")
        throttle.succeeded(account: "ann")
        #expect(throttle.wait(account: "ann", address: "10.0.0.2", now: 10) == 0, "a success clears the account")
        #expect(throttle.wait(account: "cid", address: "10.0.0.9", now: 10) == 5, "but not the address")
        #expect(throttle.wait(account: "ann", address: "10.0.0.9", now: 10 + 3600) == 0, "an hour later it is forgotten")
    }

    @Test func aGuesserIsToldToWaitAndTheRightPasswordWaitsToo() async throws {
        // Four failures make the next try wait 4 s: room enough for a busy
        // machine to make that try inside the wait.
        let server = try await TestServer.start {
            $0.failedLoginsBeforeDelay = 2
            $0.failedLoginDelayMaxSeconds = 8
        }
        _ = try await server.user("alice", password: "right password")
        let guesser = try await server.connect()
        for guess in ["guess one", "guess two", "guess three", "guess four"] {
            var code = await rejectionCode { _ = try await guesser.logIn(name: "alice", password: guess) }
            while code == .authThrottled {
                // Under the request rate (5 a second), as a client would wait.
                try await Task.sleep(for: .milliseconds(500))
                code = await rejectionCode { _ = try await guesser.logIn(name: "alice", password: guess) }
            }
            #expect(code == .authBadPassword)
        }
        var refusal: ParleyClientError?
        do {
            _ = try await guesser.logIn(name: "alice", password: "right password", takeOver: true)
        } catch let error as ParleyClientError {
            refusal = error
        }
        #expect(refusal?.code == .authThrottled)
        #expect(refusal?.description.contains("try again in") == true)
        // Once the wait is over, the right password works.
        var welcome: Welcome?
        for _ in 0..<40 where welcome == nil {
            do {
                welcome = try await guesser.logIn(name: "alice", password: "right password", takeOver: true)
            } catch let error as ParleyClientError where error.code == .authThrottled {
                try await Task.sleep(for: .milliseconds(500))
            }
        }
        #expect(welcome?.user == "alice")
        await server.finish()
    }
}

/// Limits on making things: accounts per address, rooms per user.
@Suite struct CreationLimitTests {
    @Test func oneAddressRegistersOnlySoManyAccountsAnHour() async throws {
        let server = try await TestServer.start { $0.registrationsPerAddressPerHour = 2 }
        let connection = try await server.connect()
        try await connection.register(name: "one", password: "long enough")
        try await connection.register(name: "two", password: "long enough")
        #expect(await rejectionCode { try await connection.register(name: "one", password: "long enough") } == .nameTaken,
                "a name taken is no registration")
        var refusal: ParleyClientError?
        do {
            try await connection.register(name: "three", password: "long enough")
        } catch let error as ParleyClientError {
            refusal = error
        }
        #expect(refusal?.code == .rateLimited)
        #expect(refusal?.description.contains("At most 2 accounts") == true)
        await server.finish()
    }

    @Test func oneUserCreatesOnlySoManyRoomsADay() async throws {
        let server = try await TestServer.start { $0.roomsCreatedPerUserPerDay = 2 }
        let alice = try await server.user("alice")
        _ = try await alice.connection.createRoom("one")
        _ = try await alice.connection.createRoom("two")
        try await alice.connection.leave("one")
        #expect(await rejectionCode { _ = try await alice.connection.createRoom("three") } == .rateLimited)
        let bob = try await server.user("bob")
        _ = try await bob.connection.createRoom("bobs")
        await server.finish()
    }
}

/// Password checks take turns by address (an honest login once took 6 s
/// behind 100 guessing connections).
@Suite struct FairQueueTests {
    /// A job that runs until it is let go.
    final class Gate: Sendable {
        private let opened = Mutex(false)
        func open() { opened.withLock { $0 = true } }
        func wait() async {
            while !opened.withLock({ $0 }) { await Task.yield() }
        }
    }

    /// The jobs in the order they started.
    final class Order: Sendable {
        private let names = Mutex<[String]>([])
        func append(_ name: String) { names.withLock { $0.append(name) } }
        var all: [String] { names.withLock { $0 } }
    }

    @Test func anotherAddressWaitsForOneTurnNotForTheWholeQueue() async throws {
        let queue = FairQueue(maxRunning: 1)
        let order = Order()
        let first = Gate()
        var tasks: [Task<Void, any Error>] = []
        func enqueue(_ name: String, address: String, gate: Gate? = nil) async {
            let waitingBefore = queue.waitingCount
            tasks.append(Task {
                try await queue.run(for: address) {
                    order.append(name)
                    await gate?.wait()
                }
            })
            // In the queue (or running) before the next one comes.
            while queue.waitingCount == waitingBefore && !order.all.contains(name) { await Task.yield() }
        }
        await enqueue("a1", address: "10.0.0.66", gate: first)
        for n in 2...5 { await enqueue("a\(n)", address: "10.0.0.66") }
        await enqueue("honest", address: "10.0.0.7")
        first.open()
        for task in tasks { try await task.value }
        let ran = order.all
        #expect(ran.count == 6)
        #expect(ran.firstIndex(of: "honest") == 2, "after the running job and one more of the guesser's: \(ran)")
    }
}

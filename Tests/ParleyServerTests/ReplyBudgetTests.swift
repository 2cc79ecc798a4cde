import Foundation
import ParleyClient
import ParleyDomain
import ParleyTestSupport
import ParleyWire
import Testing

/// Replies built from other people's text stay within `max_reply_bytes` and
/// say there is more, so that none is taken for a reader that fell behind.
/// The server here has the smallest outbound queue allowed (64 KiB) and a
/// quarter of it as the reply budget; each message below is some 8 kB on
/// the wire (4,000 quotes, each escaped), so 30 of them are far more than
/// one reply may carry.
@Suite struct ReplyBudgetTests {
    static let heavy = String(repeating: "\"", count: 3990)

    private func server() async throws -> TestServer {
        try await TestServer.start {
            $0.maxOutboundBytes = 64 * 1024
            $0.limits.maxReplyBytes = 16 * 1024
            $0.limits.rateBurst = 1000
            $0.limits.ratePerSecond = 1000
            $0.roomsCreatedPerUserPerDay = 100
        }
    }

    @Test func historyAndTheWelcomeStopAtTheBudgetAndPagingBringsTheRest() async throws {
        let server = try await server()
        let alice = try await server.user("alice")
        var sent: [ChatMessage] = []
        for i in 0..<30 { sent.append(try await alice.connection.send("\(i)" + Self.heavy)) }

        // A member logging in gets a welcome that fits, and stays connected.
        let bob = try await server.user("bob")
        let lobby = try #require(bob.welcome.rooms.first)
        #expect(lobby.history.count < 30 && lobby.hasMore, "the welcome stopped at the budget")
        #expect(lobby.history.map(\.id) == Array(sent.map(\.id).suffix(lobby.history.count)), "and kept the newest")

        let page = try await bob.connection.history(of: .lobby, page: .latest(limit: 200))
        #expect(page.messages.count < 30 && page.hasMore)
        #expect(page.messages.last?.id == sent.last?.id)
        #expect(try await bob.connection.wholeHistory(of: .lobby).map(\.id) == sent.map(\.id), "paging forward brings every message once")
        var older: [ChatMessage] = []
        var before = Int64.max
        while true {
            let slice = try await bob.connection.history(of: .lobby, page: .before(id: before, limit: 200))
            older = slice.messages + older
            guard slice.hasMore, let first = slice.messages.first else { break }
            before = first.id
        }
        #expect(older.map(\.id) == sent.map(\.id), "paging back too")
        #expect(!bob.log.ended, "no reply was taken for a reader that fell behind")
        await server.finish()
    }

    @Test func theRoomListComesInPages() async throws {
        let server = try await server()
        let alice = try await server.user("alice")
        let topic = String(repeating: "\"", count: 300)
        var names: [String] = []
        for i in 0..<40 {
            let name = String(format: "room%02d", i)
            _ = try await alice.connection.createRoom(name, topic: topic)
            names.append(name)
        }
        let page = try await alice.connection.request(.rooms(after: nil))
        guard case .rooms(let first, more: true) = page else {
            Issue.record("expected a first page with more after it, got \(page)")
            return
        }
        #expect(first.count < 41)
        #expect(try await alice.connection.rooms().map(\.name.rawValue) == ["lobby"] + names, "every room once, in order")
        #expect(!alice.log.ended)
        await server.finish()
    }

    @Test func waitingPrivateMessagesComeInBatchesEachOnce() async throws {
        let server = try await server()
        let (alice, bob) = try await server.friends()
        await bob.connection.close()
        try await alice.log.wait(for: "bob offline") { $0.events.contains(Event.friendOffline(name: "bob")) }
        var sent: [Int64] = []
        for i in 0..<30 { sent.append(try await alice.connection.send("\(i)" + Self.heavy, to: .direct("bob")).id) }

        let again = try await server.connect()
        let welcome = try await again.logIn(name: "bob", password: "correct horse")
        #expect(!welcome.away.isEmpty && welcome.away.count < 30 && welcome.awayMore)
        var received = welcome.away.map(\.id)
        while let last = received.last {
            let next = try await again.awayReceived(through: last)
            if next.messages.isEmpty { break }
            received += next.messages.map(\.id)
        }
        #expect(received == sent, "every waiting message, once, in order")
        await again.close()
        let later = try await server.connect()
        #expect(try await later.logIn(name: "bob", password: "correct horse").away.isEmpty, "and none again")
        await later.close()
        await server.finish()
    }
}

import Foundation
import ParleyClient
import ParleyDomain
import ParleyWire
import ParleyTestSupport
import Testing

/// Searching everything one may read: rooms one is in and one's private
/// chats, nothing else.
@Suite struct SearchTests {
    func texts(_ page: SearchPage) -> [String] { page.hits.map(\.message.text) }

    @Test func findsEveryWordInWhatYouMayReadNewestFirstWithTheMatchMarked() async throws {
        let server = try await TestServer.start()
        let (alice, bob) = try await server.friends()
        _ = try await bob.connection.createRoom("dev")
        try await bob.connection.send("The DEPLOY failed again")
        try await alice.connection.send("deploy went fine this time")
        try await bob.connection.send("secret deploy plans", to: ConversationID(rawValue: "dev"))
        try await bob.connection.send("your deploy key is in the vault", to: .direct("alice"))
        try await bob.connection.send("nothing to see")

        let all = try await alice.connection.search(SearchQuery("deploy"))
        #expect(texts(all) == ["your deploy key is in the vault", "deploy went fine this time", "The DEPLOY failed again"],
                "newest first; dev is bob's room, not alice's")
        #expect(all.hits.map(\.message.conversation) == [.direct("bob"), .lobby, .lobby], "named as alice names them")
        #expect(all.hits[2].snippet == [SnippetPart("The "), SnippetPart("DEPLOY", isMatch: true), SnippetPart(" failed again")])
        #expect(!all.more)

        #expect(texts(try await alice.connection.search(SearchQuery("failed deploy"))) == ["The DEPLOY failed again"], "every word")
        #expect(texts(try await alice.connection.search(SearchQuery("deploy", conversation: .direct("bob")))) == ["your deploy key is in the vault"])
        #expect(texts(try await alice.connection.search(SearchQuery("deploy", from: "Alice"))) == ["deploy went fine this time"])
        #expect(texts(try await bob.connection.search(SearchQuery("deploy", conversation: ConversationID(rawValue: "dev")))) == ["secret deploy plans"])
        #expect(texts(try await alice.connection.search(SearchQuery("deploy", from: "nobody-at-all"))).isEmpty)

        #expect(await rejectionCode { _ = try await alice.connection.search(SearchQuery("  ")) } == .searchInvalid)
        #expect(await rejectionCode { _ = try await alice.connection.search(SearchQuery("deploy", limit: 0)) } == .searchInvalid)
        #expect(await rejectionCode { _ = try await alice.connection.search(SearchQuery(String(repeating: "x", count: 201))) } == .searchInvalid)
        #expect(await rejectionCode { _ = try await alice.connection.search(SearchQuery("deploy", conversation: ConversationID(rawValue: "dev"))) }
                == .roomNotMember)
        await server.finish()
    }

    @Test func pagesGoBackByIdAndDatesNarrowThem() async throws {
        let server = try await TestServer.start { $0.limits.rateBurst = 1000; $0.limits.ratePerSecond = 1000 }
        let alice = try await server.user("alice")
        var sent: [ChatMessage] = []
        for n in 1...25 { sent.append(try await alice.connection.send("marker \(n)")) }
        let first = try await alice.connection.search(SearchQuery("marker", limit: 10))
        #expect(texts(first) == (16...25).reversed().map { "marker \($0)" } && first.more)
        let second = try await alice.connection.search(SearchQuery("marker", beforeID: first.hits.last!.message.id, limit: 10))
        #expect(texts(second) == (6...15).reversed().map { "marker \($0)" } && second.more)
        let last = try await alice.connection.search(SearchQuery("marker", beforeID: second.hits.last!.message.id, limit: 10))
        #expect(texts(last) == (1...5).reversed().map { "marker \($0)" } && !last.more)
        let window = try await alice.connection.search(SearchQuery("marker", since: sent[3].time, until: sent[3].time, limit: 50))
        #expect(window.hits.allSatisfy { $0.message.time == sent[3].time } && texts(window).contains("marker 4"))
        await server.finish()
    }
}

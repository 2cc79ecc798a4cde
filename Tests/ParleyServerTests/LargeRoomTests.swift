import ParleyClient
import ParleyDomain
import ParleyWire
import ParleyTestSupport
import Testing

/// Past `large_room_members`, a room is counted instead of listed, and
/// people coming and going stop being announced once that many are online:
/// a reconnect storm must not cost members × arrivals events.
@Suite struct LargeRoomTests {
    @Test func aLargeRoomIsCountedNotListed() async throws {
        let server = try await TestServer.start { $0.limits.largeRoomMembers = 2 }
        let alice = try await server.user("alice")
        #expect(alice.welcome.lobby?.members.map(\.name) == ["alice", "robot"])
        #expect(alice.welcome.lobby?.isLarge == false)
        _ = try await server.user("bob")
        let carol = try await server.user("carol")
        let lobby = try #require(carol.welcome.lobby)
        #expect(lobby.isLarge)
        #expect(lobby.members.isEmpty)
        #expect(lobby.memberCount == 3, "three people; the robot is not counted, as in the room list")
        #expect(lobby.onlineCount == 3)
        await server.finish()
    }

    @Test func arrivalsAreAnnouncedOnlyWhileFewAreOnline() async throws {
        let server = try await TestServer.start { $0.limits.largeRoomMembers = 2 }
        let alice = try await server.user("alice")
        let bob = try await server.user("bob")
        try await alice.log.first("bob is here") { if case .joined(.lobby, "bob", false, _) = $0 { true } else { nil } }
        _ = try await server.user("carol")
        try await bob.connection.send("after carol")
        try await alice.log.waitForMessages(1)
        let heardCarol = alice.log.events.contains { if case .joined(_, "carol", _, _) = $0 { true } else { false } }
        #expect(!heardCarol, "three online is more than two: carol's arrival is not announced")
        await server.finish()
    }
}

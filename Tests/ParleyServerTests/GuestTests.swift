import ParleyClient
import ParleyDomain
import ParleyServer
import ParleyStore
import ParleyTestSupport
import ParleyWire
import Testing

/// Guests at the Parley door.
@Suite struct GuestTests {
    @Test func aGuestLogsInUnderAFreeNameIsInTheLobbyAndHasNoFriends() async throws {
        let server = try await TestServer.start { $0.guestsEnabled = true }
        let alice = try await server.user("alice")
        let visitor = try await server.connect()
        let welcome = try await visitor.logInAsGuest(name: "visitor")
        #expect(welcome.user == "visitor")
        #expect(welcome.lobby != nil)
        #expect(welcome.token == nil, "a guest has nothing to resume")
        _ = try await visitor.send("hello from a guest", to: .lobby)
        _ = try await alice.log.first("the guest's message") { if case .message(let m) = $0, m.sender == "visitor" { m } else { nil } }
        #expect(await rejectionCode { try await visitor.requestFriend("alice") } == .guestNotAllowed)
        let taken = try await server.connect()
        #expect(await rejectionCode { _ = try await taken.logInAsGuest(name: "Alice") } == .nameTaken)
        await server.finish()
    }

    @Test func aGuestIsMarkedInMemberListsAndIsNoMemberOnceGone() async throws {
        let server = try await TestServer.start { $0.guestsEnabled = true }
        let alice = try await server.user("alice")
        let visitor = try await server.connect()
        _ = try await visitor.logInAsGuest(name: "visitor")
        _ = try await alice.log.first("the guest came") { if case .joined(.lobby, "visitor", false, true) = $0 { true } else { nil } }
        let bob = try await server.user("bob")
        let members = try #require(bob.welcome.lobby?.members)
        #expect(members.contains(Member(name: "visitor", online: true, guest: true)))
        #expect(members.contains(Member(name: "alice", online: true, guest: false)))
        await visitor.close()
        _ = try await alice.log.first("the guest left") { if case .left(.lobby, "visitor", _, _) = $0 { true } else { nil } }
        let carol = try await server.user("carol")
        let names = try #require(carol.welcome.lobby?.members).map(\.name)
        #expect(names.contains("alice") && !names.contains("visitor"), "a guest gone is nobody's fellow member")
        await server.finish()
    }

    @Test func aRoomsCreatorLetsGuestsInOverTheParleyDoor() async throws {
        let server = try await TestServer.start { $0.guestsEnabled = true }
        let alice = try await server.user("alice")
        let bob = try await server.user("bob")
        let dev = try await alice.connection.createRoom("dev").name
        _ = try await bob.connection.join("dev")
        let visitor = try await server.connect()
        _ = try await visitor.logInAsGuest(name: "visitor")
        #expect(await rejectionCode { _ = try await visitor.join("dev") } == .roomClosedToGuests)
        #expect(await rejectionCode { try await bob.connection.setGuests(true, in: dev) } == .roomGuestsForbidden)
        #expect(await rejectionCode { try await alice.connection.setGuests(false, in: .lobby) } == .roomLobbyGuests)
        try await alice.connection.setGuests(true, in: dev)
        let room = try await visitor.join("dev")
        #expect(room.name == dev)
        try await alice.connection.setGuests(false, in: dev)
        let other = try await server.connect()
        _ = try await other.logInAsGuest(name: "other")
        #expect(await rejectionCode { _ = try await other.join("dev") } == .roomClosedToGuests)
        await server.finish()
    }

    /// A server stopped (or killed) with guests online frees their names
    /// when it starts again. Before, a guest's name was released after the
    /// database had closed at shutdown, and stayed taken for good.
    @Test func guestsOnlineWhenTheServerStoppedHaveTheirNamesBackAfterARestart() async throws {
        let directory = TestServer.makeDataDirectory()
        let store = try await TestStore.open(for: directory)
        _ = try await store.createGuest(name: "visitor", nameKey: "visitor", skeleton: "visitor", at: 1)
        try store.close()
        let server = try await TestServer.start(dataDirectory: directory) { $0.guestsEnabled = true }
        let visitor = try await server.connect()
        #expect(try await visitor.logInAsGuest(name: "visitor").user == "visitor")
        await server.finish()
    }

    @Test func withoutGuestsAGuestLoginIsRefused() async throws {
        let server = try await TestServer.start()
        let visitor = try await server.connect()
        #expect(await rejectionCode { _ = try await visitor.logInAsGuest(name: "visitor") } == .guestOff)
        await server.finish()
    }
}

import ParleyClient
import ParleyDomain
import ParleyServer
import ParleyTestSupport
import ParleyWire
import Testing

/// Guests at the Parley door (issue 18, in progress).
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

    @Test func withoutGuestsAGuestLoginIsRefused() async throws {
        let server = try await TestServer.start()
        let visitor = try await server.connect()
        #expect(await rejectionCode { _ = try await visitor.logInAsGuest(name: "visitor") } == .guestOff)
        await server.finish()
    }
}

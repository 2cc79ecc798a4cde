import Foundation
import ParleyTestSupport
import Testing

/// Rooms, switching and the robot through the real client in tmux.
@Suite struct RoomsEndToEndTests {
    let directory = TestServer.makeDataDirectory()

    /// `parley --guest` on a server with guests: a name, no password; the
    /// guest chats in the lobby, is marked in the members pane, is kept out
    /// of a room until its creator says /guests on, and is gone when it quits.
    @Test func aGuestJoinsWithANameAndIsMarkedToEveryone() async throws {
        let tmux = Tmux()
        defer { tmux.kill() }
        let (server, port) = try ServerProcess.started(in: directory, settings: "guests = true")
        let configHome = directory + "/config"
        try await tmux.logIn("alice", port: port, configHome: configHome)
        try tmux.type("alice", "/create dev")
        try tmux.send("alice", "Enter")
        try await tmux.wait("alice", for: "2:dev")
        try tmux.send("alice", "M-1")

        try tmux.start("visitor", command: ParleyCommand.guestChat(name: "visitor", port: port, configHome: configHome))
        try await tmux.wait("visitor", for: "Enter join as a guest")
        try tmux.send("visitor", "Enter")
        try await tmux.wait("visitor", for: "visitor@127.0.0.1:\(port) · online")
        try await tmux.wait("alice", for: "◇ visitor (guest)")
        try tmux.type("visitor", "hello, I am only visiting")
        try tmux.send("visitor", "Enter")
        try await tmux.wait("alice", for: "visitor: hello, I am only visiting")

        try tmux.type("visitor", "/join dev")
        try tmux.send("visitor", "Enter")
        try await tmux.wait("visitor", for: "does not let guests in")
        try tmux.send("alice", "M-2")
        try tmux.type("alice", "/guests on")
        try tmux.send("alice", "Enter")
        try await tmux.wait("alice", for: "Guests may join dev now.")
        try tmux.type("visitor", "/join dev")
        try tmux.send("visitor", "Enter")
        try await tmux.wait("visitor", for: "2:dev")
        try await tmux.wait("alice", for: "visitor joined dev")

        try tmux.type("visitor", "/quit")
        try tmux.send("visitor", "Enter")
        try await tmux.wait("alice", until: "the guest gone from the members") { !$0.contains("◇ visitor") }
        server.process.terminate()
        _ = server.finish()
    }

    @Test func aRoomOfTheirOwnAltAAndTheRobot() async throws {
        let tmux = Tmux()
        defer { tmux.kill() }
        let (server, port) = try ServerProcess.started(in: directory)
        let configHome = directory + "/config"
        try await tmux.logIn("alice", "bob", port: port, configHome: configHome)

        try tmux.type("alice", "/create dev builds and bugs")
        try tmux.send("alice", "Enter")
        try await tmux.wait("alice", for: " dev: builds and bugs")
        try await tmux.wait("alice", for: "2:dev")

        try tmux.type("bob", "/join dev")
        try tmux.send("bob", "Enter")
        try await tmux.wait("bob", for: " dev: builds and bugs")
        try await tmux.wait("alice", for: "-- bob joined dev")
        // Back to the lobby with Alt+1.
        try tmux.send("bob", "M-1")
        try await tmux.wait("bob", for: " lobby: no topic")

        try tmux.type("alice", "only for dev 🚧")
        try tmux.send("alice", "Enter")
        try await tmux.wait("bob", for: "2:dev(1)")
        #expect(!(try tmux.screen("bob")).contains("only for dev"), "not on bob's lobby view")

        try tmux.send("bob", "M-a")
        try await tmux.wait("bob", for: "alice: only for dev 🚧")
        try await tmux.wait("bob", for: " dev: builds and bugs")

        try tmux.type("bob", "@robot roll 2d6")
        try tmux.send("bob", "Enter")
        try await tmux.wait("bob", for: "robot: bob rolls 2d6:")
        try await tmux.wait("alice", for: "robot: bob rolls 2d6:")
        let screen = try tmux.screen("bob", colours: true)
        let robot = try #require(colourBefore("robot: bob rolls", in: screen))
        let other = try #require(colourBefore("alice: only for dev", in: screen))
        #expect(robot != other, "robot \(robot.debugDescription) vs alice \(other.debugDescription)")
        #expect(robot.contains("34"), "blue in the default theme: \(robot.debugDescription)")
        server.process.terminate()
        _ = server.finish()
    }
}

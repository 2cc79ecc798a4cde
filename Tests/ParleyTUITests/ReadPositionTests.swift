import ParleyDomain
import ParleyWire
import Testing

@testable import ParleyTUI

/// The read position is the account's, kept by the server: the counts in
/// the top bar and the "new since you left" line follow it, and reading
/// here tells the server.
@Suite struct ReadPositionTests {
    func dev(_ history: [ChatMessage]) -> RoomSnapshot {
        RoomSnapshot(name: Fixture.dev, members: Fixture.lobbyMembers, history: history)
    }

    let devHistory = [
        Fixture.message(10, from: "bob", "read on the laptop", in: Fixture.dev),
        Fixture.message(11, from: "bob", "not yet", in: Fixture.dev),
        Fixture.message(12, from: "bob", "alice, look", in: Fixture.dev),
        Fixture.message(13, from: "alice", "my own, from the phone", in: Fixture.dev),
    ]

    @Test func theWelcomesPositionsGiveTheCountsAndTheMarker() {
        var state = AppState(server: "x:1", user: "alice", theme: "default", size: Size(columns: 80, rows: 24), now: Fixture.now)
        let lobby = Fixture.lobby([Fixture.message(1, from: "bob", "hi"), Fixture.message(2, from: "bob", "there")])
        let welcome = Welcome(user: "alice", rooms: [lobby, dev(devHistory)], read: [.lobby: 1, Fixture.dev: 10])
        let effects = reduce(&state, .loggedIn(welcome, limits: ServerLimits()))
        let devLog = state.rooms[state.roomIndex(Fixture.dev)!]
        #expect(devLog.unread == 2 && devLog.mentions == 1, "after 10: two of bob's, one naming alice; her own does not count")
        #expect(devLog.readMarker == 10)
        // The lobby is on screen: it is read here now, and the server hears so.
        #expect(state.current.readMarker == 1, "the line goes where the account stopped reading")
        #expect(effects.contains(.markRead(.lobby, through: 2)))
        #expect(state.readPositions[.lobby] == 2)
    }

    @Test func readingOnAnotherDeviceClearsTheCountsHere() {
        var state = Fixture.chat(rooms: [dev(devHistory)])
        _ = reduce(&state, .event(.message(Fixture.message(14, from: "bob", "alice?", in: Fixture.dev))))
        let before = state.rooms[state.roomIndex(Fixture.dev)!]
        #expect(before.unread == 1 && before.mentions == 1)

        _ = reduce(&state, .event(.read(conversation: Fixture.dev, through: 14)))
        let after = state.rooms[state.roomIndex(Fixture.dev)!]
        #expect(after.unread == 0 && after.mentions == 0)
        #expect(after.readMarker == 14)
        // An older position changes nothing.
        _ = reduce(&state, .event(.read(conversation: Fixture.dev, through: 11)))
        #expect(state.rooms[state.roomIndex(Fixture.dev)!].unread == 0)
        #expect(state.readPositions[Fixture.dev] == 14)
    }

    @Test func aMessageReadHereMovesThePositionOnceAndNotWhileScrolledBack() {
        var state = Fixture.chat(history: (1...40).map { Fixture.message($0, from: "bob", "line \($0)") })
        let arrived = reduce(&state, .event(.message(Fixture.message(41, from: "bob", "new"))))
        #expect(arrived.contains(.markRead(.lobby, through: 41)))
        #expect(!reduce(&state, .tick(now: Fixture.now + 1)).contains { if case .markRead = $0 { true } else { false } },
                "nothing new: nothing to tell")
        _ = reduce(&state, .key(.pageUp))
        let unseen = reduce(&state, .event(.message(Fixture.message(42, from: "bob", "below the view"))))
        #expect(!unseen.contains { if case .markRead = $0 { true } else { false } }, "scrolled back, the new line is not read")
    }
}

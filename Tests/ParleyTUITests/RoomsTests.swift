import ParleyClient
import ParleyDomain
import ParleyWire
import Testing

@testable import ParleyTUI

@Suite struct RoomsTests {
    let dev = Fixture.dev
    let ops = Fixture.ops

    /// alice in the lobby, dev and ops, with a private chat with bob (not on screen).
    func inThreeRooms(size: Size = Size(columns: 80, rows: 24)) -> AppState {
        let members = [Member(name: "alice", online: true), Member(name: "robot", online: true)]
        var state = Fixture.chat(size: size, history: [Fixture.message(1, from: "bob", "hello")], rooms: [
            RoomSnapshot(name: dev, topic: "builds and bugs", members: members, history: [Fixture.message(2, from: "carol", "ci is red", in: dev)]),
            RoomSnapshot(name: ops, members: members),
        ])
        state.popupOnMessage = false
        _ = reduce(&state, .event(.message(ChatMessage(id: 3, conversation: .direct("bob"), sender: "bob", text: "psst", time: Fixture.now))))
        return state
    }

    func message(_ id: Int64, _ text: String, in room: ConversationID, from sender: String = "carol") -> Action {
        .event(.message(Fixture.message(id, from: sender, text, in: room)))
    }

    @Test func theConversationsAreRoomsThenPrivateChats() {
        let state = inThreeRooms()
        #expect(state.conversations.map(\.id) == [.lobby, dev, ops, .direct("bob")])
        #expect(state.conversations.map(\.unread) == [0, 0, 0, 1], "history at login is not unread")
    }

    @Test func altNumberCtrlNAndCtrlPMoveBetweenThem() {
        var state = inThreeRooms()
        _ = reduce(&state, .key(.alt("2")))
        #expect(state.room == dev && state.activeChat == nil && state.current.id == dev)
        #expect(reduce(&state, .key(.alt("4"))) == [.loadOlder(.direct("bob"), before: 3), .markRead(.direct("bob"), through: 3)],
                "what came before its one message; and it is read now")
        #expect(state.activeChat == .direct("bob") && state.current.unread == 0)
        _ = reduce(&state, .key(.ctrl("n")))
        #expect(state.current.id == .lobby && state.activeChat == nil, "round the list")
        _ = reduce(&state, .key(.ctrl("p")))
        #expect(state.current.id == .direct("bob"))
        _ = reduce(&state, .key(.ctrl("p")))
        #expect(state.current.id == ops)
        _ = reduce(&state, .key(.alt("9")))
        #expect(state.current.id == ops)
        #expect(state.status?.text == "There is no conversation 9; you have 4.")
    }

    @Test func altAGoesToMentionsFirstThenUnread() {
        var state = inThreeRooms()
        _ = reduce(&state, .key(.alt("4")))
        _ = reduce(&state, .key(.escape))
        #expect(reduce(&state, .key(.alt("a"))).isEmpty)
        #expect(state.status?.text == "Nothing unread.")
        _ = reduce(&state, message(10, "builds are green", in: dev))
        #expect(reduce(&state, message(11, "ALICE, a look?", in: ops)) == [.bell])
        #expect(state.rooms.map(\.unread) == [0, 1, 1])
        #expect(state.rooms.map(\.mentions) == [0, 0, 1])
        _ = reduce(&state, .key(.alt("a")))
        #expect(state.current.id == ops, "the mention first, though dev comes earlier")
        #expect(state.rooms[2].unread == 0 && state.rooms[2].mentions == 0)
        _ = reduce(&state, .key(.alt("a")))
        #expect(state.current.id == dev)
        _ = reduce(&state, .key(.alt("a")))
        #expect(state.current.id == dev && state.status?.text == "Nothing unread.")
    }

    @Test func theMarkerStandsWhereYouStoppedReading() {
        var state = inThreeRooms(size: Size(columns: 80, rows: 24))
        _ = reduce(&state, .key(.alt("2")))
        #expect(state.rooms[0].readMarker == 1, "leaving the lobby remembers its newest message")
        _ = reduce(&state, message(20, "while you were in dev", in: .lobby))
        _ = reduce(&state, message(21, "and another", in: .lobby))
        #expect(state.rooms[0].unread == 2)
        _ = reduce(&state, .key(.alt("1")))
        let screen = GridScreen(columns: 80, rows: 24)
        render(state, on: screen)
        let hello = screen.lines.firstIndex { $0.contains("bob: hello") }!
        let marker = screen.lines.firstIndex { $0.contains("── new since you left") }!
        let first = screen.lines.firstIndex { $0.contains("carol: while you were in dev") }!
        #expect(hello < marker && marker < first && marker == hello + 1)
        #expect(screen.role(of: "── new since you left") == .hint)

        // Read to the end and left again: no marker until something new comes.
        _ = reduce(&state, .key(.alt("2")))
        _ = reduce(&state, .key(.alt("1")))
        let again = GridScreen(columns: 80, rows: 24)
        render(state, on: again)
        #expect(!again.lines.contains { $0.contains("new since you left") })
    }

    @Test(arguments: [Size(columns: 80, rows: 24), Size(columns: 120, rows: 40)])
    func topBarTopicMembersMentionsAndTheRobot(_ size: Size) {
        var state = inThreeRooms(size: size)
        _ = reduce(&state, message(10, "hey @alice", in: ops))
        _ = reduce(&state, message(11, "unrelated", in: dev))
        _ = reduce(&state, message(12, "@Alice look", in: .lobby, from: "bob"))
        _ = reduce(&state, message(13, "bob rolls 2d6: 3 + 4 = 7", in: .lobby, from: "robot"))
        let screen = GridScreen(columns: size.columns, rows: size.rows)
        render(state, on: screen)
        #expect(screen.text(row: 0).hasPrefix(" Parley │ 1:lobby 2:dev(1) 3:ops(1 @1) 4:@bob(1) "))
        #expect(screen.role(of: "1:lobby") == .selection)
        #expect(screen.role(of: "2:dev(1)") == .bar)
        #expect(screen.role(of: "3:ops(1 @1)") == .mention)
        #expect(screen.role(of: "bob: @Alice look") == .mention)
        #expect(screen.role(of: "robot: bob rolls") == .robot)
        #expect(screen.text(row: 1).hasPrefix(" lobby: no topic"))
        _ = reduce(&state, .key(.alt("2")))
        render(state, on: screen)
        #expect(screen.text(row: 1).hasPrefix(" dev: builds and bugs"))
        #expect(screen.role(of: " ● robot") == .robot)
        #expect(screen.lines.contains { $0.contains("Here 1/1") }, "alice; the robot is listed, not counted")
    }

    @Test func joinedLeftAndTopicEventsChangeTheirRoomOnly() {
        var state = inThreeRooms()
        _ = reduce(&state, .event(.joined(conversation: dev, user: "bob", newMember: true)))
        #expect(state.rooms[1].members.map(\.name) == ["alice", "bob", "robot"])
        #expect(state.rooms[1].entries.last?.kind == .system("bob joined dev"))
        #expect(state.rooms[0].entries.last?.kind != .system("bob joined dev"))
        _ = reduce(&state, .event(.left(conversation: dev, user: "bob", reason: "left the room", stillMember: false)))
        #expect(state.rooms[1].members.map(\.name) == ["alice", "robot"], "no longer a member")
        _ = reduce(&state, .event(.topic(conversation: dev, topic: "release friday", by: "carol")))
        #expect(state.rooms[1].topic == "release friday")
        #expect(state.rooms[1].entries.last?.kind == .system("carol set the topic: release friday"))
        #expect(state.rooms[2].topic == "")
    }

    @Test func aGuestIsMarkedAndGoneWhenItLeaves() {
        var state = inThreeRooms()
        _ = reduce(&state, .event(.joined(conversation: dev, user: "visitor", newMember: true, guest: true)))
        #expect(state.rooms[1].members.contains(Member(name: "visitor", online: true, guest: true)))
        _ = reduce(&state, .event(.left(conversation: dev, user: "visitor", reason: "quit", stillMember: true)))
        #expect(!state.rooms[1].members.contains { $0.name == "visitor" }, "a guest is a member only while it is here")
        _ = reduce(&state, .event(.left(conversation: dev, user: "alice", reason: "quit", stillMember: true)))
        #expect(state.rooms[1].members.contains(Member(name: "alice", online: false)), "an account stays a member")
    }

    @Test func roomCommands() {
        var state = inThreeRooms()
        func run(_ line: String) -> [Effect] {
            state.currentInput = LineEditor(line)
            return reduce(&state, .key(.enter))
        }
        #expect(run("/create qa tests and more") == [.createRoom(name: "qa", topic: "tests and more", openTopic: false)])
        #expect(run("/create +open cafe anyone's topic") == [.createRoom(name: "cafe", topic: "anyone's topic", openTopic: true)])
        #expect(run("/create +open").isEmpty && state.status?.text.hasPrefix("Usage: /create") == true)
        #expect(run("/join qa") == [.join("qa")])
        #expect(run("/join DEV").allSatisfy { if case .markRead = $0 { true } else { false } } && state.room == dev,
                "a room you are in is only shown (and read)")
        #expect(run("/topic").isEmpty)
        #expect(state.conversation.entries.last?.kind == .system("topic of dev: builds and bugs"))
        #expect(run("/topic ship it") == [.setTopic("ship it", of: dev)])
        #expect(run("/guests on") == [.setGuests(true, in: dev)])
        #expect(run("/guests OFF") == [.setGuests(false, in: dev)])
        #expect(run("/guests maybe").isEmpty && state.status?.text.hasPrefix("Usage: /guests on|off") == true)
        #expect(run("/part") == [.leave("dev")])
        #expect(run("/part ops") == [.leave("ops")])
        #expect(run("/rooms") == [.listRooms(show: true)])
        _ = reduce(&state, .key(.alt("1")))
        #expect(run("/part").isEmpty)
        #expect(state.status?.kind == .error && state.currentInput.text == "/part", "the lobby stays; the line too")
        #expect(run("/create").isEmpty && state.status?.text.hasPrefix("Usage: /create") == true)
    }

    @Test func tabCompletesRoomNames() {
        var state = inThreeRooms()
        _ = reduce(&state, .roomsListed([
            RoomInfo(name: .lobby, topic: "", members: 3, online: 2, joined: true),
            RoomInfo(name: dev, topic: "", members: 2, online: 1, joined: true),
            RoomInfo(name: ConversationID(rawValue: "design"), topic: "", members: 1, online: 0, joined: false),
        ], show: false))
        state.currentInput = LineEditor("/join des")
        _ = reduce(&state, .key(.tab))
        #expect(state.currentInput.text == "/join design ")
        state.currentInput = LineEditor("/part o")
        _ = reduce(&state, .key(.tab))
        #expect(state.currentInput.text == "/part ops ")
    }

    @Test func enteringAndLeavingRooms() {
        var state = inThreeRooms()
        _ = reduce(&state, .joined(RoomSnapshot(name: ConversationID(rawValue: "cafe"), topic: "coffee",
                                                       members: [Member(name: "alice", online: true)])))
        #expect(state.rooms.map(\.id.rawValue) == ["lobby", "cafe", "dev", "ops"], "the lobby, then by name")
        #expect(state.room.rawValue == "cafe" && state.conversation.topic == "coffee")
        _ = reduce(&state, .left(ConversationID(rawValue: "CAFE")))
        #expect(state.rooms.map(\.id) == [.lobby, dev, ops])
        #expect(state.room == .lobby)
        #expect(reduce(&state, message(30, "a late one", in: ConversationID(rawValue: "qa"))).isEmpty)
        #expect(state.rooms.map(\.id.rawValue) == ["lobby", "dev", "ops", "qa"], "a message may overtake its room's join reply")
    }

    @Test func theRoomListPopup() {
        var state = inThreeRooms(size: Size(columns: 80, rows: 24))
        _ = reduce(&state, .roomsListed([
            RoomInfo(name: .lobby, topic: "everyone", members: 3, online: 2, joined: true),
            RoomInfo(name: ConversationID(rawValue: "design"), topic: "pixels", members: 4, online: 1, joined: false),
            RoomInfo(name: dev, topic: "builds and bugs", members: 2, online: 1, joined: true),
        ], show: true))
        #expect(state.popup == .rooms)
        _ = reduce(&state, .key(.down))
        let screen = GridScreen(columns: 80, rows: 24)
        render(state, on: screen)
        #expect(screen.lines.contains { $0.contains("─ Rooms ") })
        #expect(screen.lines.contains { $0.contains("✓ lobby") && $0.contains("2/3") && $0.contains("everyone") })
        #expect(screen.role(of: "  design") == .selection)
        #expect(screen.role(of: "✓ dev") == .popup)
        #expect(reduce(&state, .key(.enter)) == [.join("design")])
        #expect(state.popup == nil)

        _ = reduce(&state, .roomsListed(state.directory, show: true))
        _ = reduce(&state, .key(.down))
        #expect(reduce(&state, .key(.enter)).allSatisfy { if case .markRead = $0 { true } else { false } })
        #expect(state.room == dev, "Enter on a room you are in shows it")
        _ = reduce(&state, .roomsListed(state.directory, show: true))
        _ = reduce(&state, .key(.escape))
        #expect(state.popup == nil)
    }

    @Test func aLargeRoomShowsItsHeadCountAndKeepsItUpToDate() {
        let crowd = RoomSnapshot(name: dev, members: [], memberCount: 1200, onlineCount: 300)
        var state = Fixture.chat(rooms: [crowd])
        _ = reduce(&state, .key(.alt("2")))
        #expect(state.current.crowd == Crowd(members: 1200, online: 300))
        _ = reduce(&state, .event(.joined(conversation: dev, user: "zed", newMember: false)))
        _ = reduce(&state, .event(.joined(conversation: dev, user: "yan", newMember: true)))
        _ = reduce(&state, .event(.left(conversation: dev, user: "xi", reason: "quit", stillMember: true)))
        #expect(state.current.crowd == Crowd(members: 1201, online: 301))
        let screen = GridScreen(columns: 80, rows: 24)
        render(state, on: screen)
        #expect(screen.lines.contains { $0.contains("Here 301/1201") })
        #expect(screen.lines.contains { $0.contains("Too many to") })
        #expect(screen.lines.contains { $0.contains("yan joined dev") }, "a new member is news")
        #expect(!screen.lines.contains { $0.contains("zed") || $0.contains("xi left") }, "coming and going in a crowd is not")
        state.currentInput = LineEditor("/who")
        _ = reduce(&state, .key(.enter))
        #expect(state.current.entries.last?.kind == .system("301 of 1201 members online in dev, too many to name"))
    }
}

/// A room joined or left in another session of the account.
@Suite struct RoomsElsewhereTests {
    @Test func aRoomJoinedElsewhereIsFetchedAndListedWithoutTakingTheKeys() {
        var state = Fixture.chat()
        #expect(reduce(&state, .event(.joined(conversation: Fixture.dev, user: "alice", newMember: true))) == [.fetchRoom(Fixture.dev)])
        _ = reduce(&state, .roomFetched(RoomSnapshot(name: Fixture.dev, members: Fixture.lobbyMembers)))
        #expect(state.rooms.map(\.id) == [.lobby, Fixture.dev])
        #expect(state.current.id == .lobby, "the lobby keeps the keys")
        // Someone else joining a room you are not in is not yours to fetch.
        #expect(reduce(&state, .event(.joined(conversation: Fixture.ops, user: "bob", newMember: true))).isEmpty)

        _ = reduce(&state, .key(.alt("2")))
        _ = reduce(&state, .event(.left(conversation: Fixture.dev, user: "alice", reason: "left the room", stillMember: false)))
        #expect(state.rooms.map(\.id) == [.lobby])
        #expect(state.current.id == .lobby)
    }
}

import ParleyClient
import ParleyDomain
import ParleyWire
import Testing

@testable import ParleyTUI

/// What the user typed is never lost or merged: lines wait in order, a
/// refused one comes back as it was typed, and pop-ups do not take keys
/// meant for the conversation on screen.
@Suite struct OutboxTests {
    func send(_ text: String, _ state: inout AppState) -> [Effect] {
        Fixture.type(text, into: &state)
        return reduce(&state, .key(.enter))
    }

    func draw(_ state: AppState) -> GridScreen {
        let screen = GridScreen(columns: state.size.columns, rows: state.size.rows)
        render(state, on: screen)
        return screen
    }

    @Test func linesTypedFasterThanTheServerTakesWaitInOrderAndShowAsWaiting() {
        var state = Fixture.chat()
        var effects: [Effect] = []
        for n in 1...30 { effects += send("q\(n)", &state) }
        #expect(effects == (1...30).map { Effect.send(id: $0, text: "q\($0)", to: .lobby) })
        #expect(state.currentInput.isEmpty)
        #expect(state.outbox.map(\.text) == (1...30).map { "q\($0)" })
        var screen = draw(state)
        #expect(screen.lines.contains { $0.contains("⧗ 30 lines waiting to be sent: the server takes 5 a second.") })
        #expect(screen.role(of: "⧗ alice: q30") == .hint, "waiting lines show, marked")
        // The server takes them one by one.
        for n in 1...29 {
            _ = reduce(&state, .sent(id: n, Fixture.message(Int64(n), from: "alice", "q\(n)")))
        }
        #expect(state.outbox.map(\.id) == [30])
        #expect(state.conversation.entries.compactMap(\.messageID) == Array(1...29))
        _ = reduce(&state, .event(.message(Fixture.message(30, from: "alice", "q30"))))
        _ = reduce(&state, .sent(id: 30, Fixture.message(30, from: "alice", "q30")))
        #expect(state.outbox.isEmpty)
        #expect(state.conversation.entries.compactMap(\.messageID) == Array(1...30), "the echo and the reply are one line")
        screen = draw(state)
        #expect(!screen.lines.contains { $0.contains("⧗") })
    }

    @Test func aRefusedLineComesBackExactlyAndTypingReplacesIt() {
        var state = Fixture.chat()
        _ = send("hello stranger", &state)
        _ = reduce(&state, .sendFailed(id: 1, reason: "You may not post here."))
        #expect(state.currentInput.text == "hello stranger")
        #expect(state.currentInput.marked)
        #expect(state.status?.kind == .error)
        #expect(state.status?.text == "Not sent: You may not post here (the line is back: edit it, or type to replace it).")
        #expect(draw(state).role(of: "hello stranger") == .selection)
        // New typing does not run on from it.
        Fixture.type("/msg nobody123 hi", into: &state)
        #expect(state.currentInput.text == "/msg nobody123 hi")
        // An editing key keeps the refused line to fix it.
        _ = state.currentInput.take()
        _ = send("hello stranger", &state)
        _ = reduce(&state, .sendFailed(id: 2, reason: "no"))
        _ = reduce(&state, .key(.backspace))
        Fixture.type("!", into: &state)
        #expect(state.currentInput.text == "hello strange!")
    }

    @Test func aRefusedLineDoesNotDisturbANewDraft() {
        var state = Fixture.chat()
        _ = send("first", &state)
        Fixture.type("second, half typ", into: &state)
        _ = reduce(&state, .sendFailed(id: 1, reason: "The server said no."))
        #expect(state.currentInput.text == "second, half typ")
        #expect(state.status?.text.contains("Up brings the line back") == true)
        _ = reduce(&state, .key(.up))
        #expect(state.currentInput.text == "first")
    }

    @Test func aFailedMsgOpensNoWindowAndGivesTheCommandBack() {
        var state = Fixture.chat()
        #expect(send("/msg robot hi", &state) == [.send(id: 1, text: "hi", to: .direct("robot"))])
        _ = reduce(&state, .sendFailed(id: 1, reason: "robot is not your friend."))
        #expect(state.privateChats.isEmpty && state.activeChat == nil)
        #expect(state.currentInput.text == "/msg robot hi")
        #expect(!draw(state).lines.contains { $0.contains("@robot") || $0.contains("robot ·") })
    }

    func bobWrites(_ text: String, id: Int64, _ state: inout AppState) -> [Effect] {
        reduce(&state, .event(.message(Fixture.message(id, from: "bob", text, in: .direct("bob")))))
    }

    @Test func aPrivateMessageDoesNotTakeTheKeysFromSomeoneTyping() {
        var state = Fixture.chat()
        Fixture.type("I am typing in the lob", into: &state)
        #expect(bobWrites("psst", id: 1, &state) == [.bell])
        #expect(state.activeChat == nil, "no pop-up over a draft")
        #expect(state.privateChats.first?.unread == 1)
        #expect(state.status?.text == "bob: psst — F3 opens")
        Fixture.type("by now", into: &state)
        #expect(state.conversation.input.text == "I am typing in the lobby now")
        #expect(state.status?.text == "bob: psst — F3 opens", "typing on does not wipe the notice")
        // F3 opens it; its own draft is separate and the lobby's waits.
        _ = reduce(&state, .key(.function(3)))
        #expect(state.activeChat == .direct("bob"))
        #expect(state.currentInput.isEmpty)
        Fixture.type("hi bob", into: &state)
        _ = reduce(&state, .key(.escape))
        #expect(state.currentInput.text == "I am typing in the lobby now")
        _ = reduce(&state, .key(.function(3)))
        #expect(state.currentInput.text == "hi bob")
    }

    @Test func aPrivateMessageRightAfterAKeyWaitsToo() {
        var state = Fixture.chat()
        Fixture.type("x", into: &state)
        _ = reduce(&state, .key(.backspace))
        state.now += 1_000
        _ = bobWrites("psst", id: 1, &state)
        #expect(state.activeChat == nil, "a key a second ago")
        state.now += 5_000
        _ = bobWrites("still there?", id: 2, &state)
        #expect(state.activeChat == .direct("bob"), "idle and nothing typed: the pop-up opens")
    }

    @Test func closingAPopUpReadsTheRoomUnderIt() {
        var state = Fixture.chat()
        state.now += 10_000
        _ = bobWrites("psst", id: 1, &state)
        #expect(state.activeChat == .direct("bob"))
        _ = reduce(&state, .event(.message(Fixture.message(2, from: "bob", "in the lobby"))))
        #expect(state.conversation.unread == 1)
        _ = reduce(&state, .key(.function(4)))
        #expect(state.activeChat == nil)
        #expect(state.conversation.unread == 0)
        #expect(!draw(state).text(row: 0).contains("lobby(1)"))
    }

    @Test func aChatOpenedAgainByANewMessageFetchesItsHistory() {
        var state = Fixture.chat()
        state.now += 10_000
        _ = bobWrites("one", id: 1, &state)
        _ = reduce(&state, .key(.function(4)))
        state.now += 10_000
        #expect(bobWrites("two", id: 5, &state) == [.bell, .loadOlder(.direct("bob"), before: 5), .markRead(.direct("bob"), through: 5)])
        _ = reduce(&state, .olderLoaded(HistorySlice(conversation: .direct("bob"), messages: (1...4).map {
            Fixture.message(Int64($0), from: "bob", "old \($0)", in: .direct("bob"))
        }, hasMore: false)))
        let screen = draw(state)
        #expect(screen.lines.contains { $0.contains("bob: old 1") })
        #expect(screen.lines.contains { $0.contains("bob: two") })
    }

    @Test func hintsExpireAndMovingOnClearsThem() {
        var state = Fixture.chat(rooms: [RoomSnapshot(name: Fixture.dev, members: [])])
        _ = reduce(&state, .event(.friendOnline(name: "carol")))
        state.status = StatusMessage(text: "carol is online.", kind: .hint)
        _ = reduce(&state, .tick(now: state.now + 1_000))
        #expect(state.status?.text == "carol is online.")
        _ = reduce(&state, .tick(now: state.now + noticeMillis))
        #expect(state.status == nil)
        // In a busy room no tick comes; any action clears a hint past its time.
        state.status = StatusMessage(text: "carol is online.", kind: .hint, until: state.now + 1_000)
        state.now += 2_000
        _ = reduce(&state, .event(.message(Fixture.message(40, from: "bob", "busy"))))
        #expect(state.status == nil)
        _ = reduce(&state, .joined(RoomSnapshot(name: Fixture.ops, members: [])))
        #expect(state.status?.text.hasPrefix("You are in ops") == true)
        _ = reduce(&state, .key(.alt("2")))
        #expect(state.status == nil, "no longer true after moving to dev")
    }
}

/// The screen says only what is true, and says it whole.
@Suite struct TruthfulScreenTests {
    func draw(_ state: AppState) -> GridScreen {
        let screen = GridScreen(columns: state.size.columns, rows: state.size.rows)
        render(state, on: screen)
        return screen
    }

    func manyRooms(size: Size, current: Int, mentionIn: Int) -> AppState {
        let names = (1...12).map { "room-\($0)" }.shuffled()
        var state = Fixture.chat(size: size, rooms: names.map { RoomSnapshot(name: ConversationID(rawValue: $0), members: []) })
        _ = reduce(&state, .key(.alt(Character("\(current)"))))
        state.rooms[mentionIn].unread = 2
        state.rooms[mentionIn].mentions = 1
        return state
    }

    @Test func roomsSortAsPeopleCount() {
        let state = manyRooms(size: Size(columns: 120, rows: 36), current: 1, mentionIn: 2)
        #expect(state.rooms.map(\.id.rawValue) == ["lobby"] + (1...12).map { "room-\($0)" })
    }

    @Test(arguments: [Size(columns: 80, rows: 24), Size(columns: 60, rows: 15)])
    func theTopBarKeepsTheCurrentConversationMentionsNameAndClock(_ size: Size) {
        var state = manyRooms(size: size, current: 3, mentionIn: 2)
        // room-12 is the 13th conversation: Ctrl+P from the lobby.
        _ = reduce(&state, .key(.alt("1")))
        _ = reduce(&state, .key(.ctrl("p")))
        let bar = draw(state).text(row: 0)
        #expect(TextWidth.of(bar) == size.columns)
        #expect(bar.contains("13:room-12"), "the current one: \(bar)")
        #expect(bar.contains("3:room-2(2 @1)") || bar.contains("3@1"), "the mention: \(bar)")
        #expect(bar.contains("…"), "the others stand behind …: \(bar)")
        #expect(bar.hasSuffix("alice · online · 12:34 "), "the name and the clock: \(bar)")
        #expect(draw(state).role(of: "13:room-12") == .selection)
    }

    @Test func topicRowsHereCountsAndAnnouncementsSayWhatIsTrue() {
        var state = Fixture.chat(rooms: [RoomSnapshot(name: Fixture.dev, members: []), RoomSnapshot(name: Fixture.ops, openTopic: true, members: [])])
        #expect(draw(state).text(row: 1).trimmingCharacters(in: .whitespaces) == "lobby: no topic", "nobody sets the lobby's")
        _ = reduce(&state, .key(.alt("2")))
        #expect(draw(state).text(row: 1).contains("dev: no topic (its creator may set one with /topic TEXT)"))
        _ = reduce(&state, .key(.alt("3")))
        #expect(draw(state).text(row: 1).contains("ops: no topic (/topic TEXT sets one)"))
        _ = reduce(&state, .key(.alt("1")))
        // A file's announcement names its sharer once, in binary units.
        let file = FileInfo(id: 1, conversation: .lobby, name: "notes.txt", size: 1_572_864, sha256: String(repeating: "0", count: 64),
                            type: .text, sender: "alice", time: Fixture.now)
        _ = reduce(&state, .event(.message(ChatMessage(id: 5, conversation: .lobby, sender: "alice", text: "alice shared notes.txt, 1.6 MB",
                                                       time: Fixture.now, file: file))))
        #expect(draw(state).lines.contains { $0.contains("12:34 * alice shared notes.txt, 1.5 MiB") })
        #expect(!draw(state).lines.contains { $0.contains("alice: alice shared") })
    }

    @Test func longStatusLinesEndWithAnEllipsisAtAWord() {
        var state = Fixture.chat(size: Size(columns: 60, rows: 15))
        _ = reduce(&state, .commandFailed("The server refused this because the room you named does not exist any more; try /rooms for the list."))
        let status = draw(state).text(row: 14).trimmingCharacters(in: .whitespaces)
        #expect(status.hasSuffix("…"), "\(status)")
        let shown = status.dropLast().split(separator: " ").last.map(String.init) ?? ""
        #expect("The server refused this because the room you named does not exist any more; try /rooms for the list."
            .split(separator: " ").map(String.init).contains(shown), "ends on a whole word: \(status)")
    }

    @Test func theHelpWrapsAtSixtyColumnsInsteadOfCuttingLines() {
        var state = Fixture.chat(size: Size(columns: 60, rows: 15))
        _ = reduce(&state, .key(.function(1)))
        var seen: [String] = []
        for _ in 0..<40 {
            seen += draw(state).lines
            _ = reduce(&state, .key(.pageDown))
        }
        let text = seen.joined(separator: "\n")
        // The longest usage line arrives whole, across its wrapped rows.
        #expect(text.contains("/create [+open] NAME [TOPIC] —"))
        #expect(text.contains("change its topic)"))
        #expect(text.contains("/passwd — change your password (your other devices"))
        #expect(text.contains("must log in again)"))
        #expect(text.contains("Esc closes") || text.contains("Esc closes this help."))
    }

    @Test func registeringWithTheSecondFieldEmptyAsksForItInsteadOfSayingTheyDiffer() {
        var state = AppState(server: "x:1", user: "newbie", theme: "default", size: Size(columns: 80, rows: 24), now: 0)
        _ = reduce(&state, .key(.ctrl("r")))
        Fixture.type("long enough", into: &state)
        guard case .login(var form) = state.phase else { return }
        form.focus = .password
        state.phase = .login(form)
        #expect(reduce(&state, .key(.enter)).isEmpty)
        guard case .login(let after) = state.phase else { return }
        #expect(after.error == "Type the password again in the second field, to be sure of it.")
        #expect(after.focus == .confirm)
        #expect(after.password.text == "long enough", "the first one is kept")
    }
}

import ParleyClient
import ParleyDomain
import ParleyWire
import Testing

@testable import ParleyTUI

@Suite struct PrivateChatTests {
    static let sizes = [Size(columns: 80, rows: 24), Size(columns: 120, rows: 40)]

    func withFriends(_ size: Size = Size(columns: 80, rows: 24)) -> AppState {
        var state = Fixture.chat(size: size)
        state.friends = FriendList(friends: [Friend(name: "bob", online: true), Friend(name: "dave", online: false)], incoming: ["carol"])
        return state
    }

    func dm(_ id: Int64, from sender: String, _ text: String) -> ChatMessage {
        ChatMessage(id: id, conversation: .direct(sender), sender: sender, text: text, time: Fixture.now)
    }

    @Test func aPrivateMessageToSomeoneIdleOpensItsPopupAndTakesTheKeys() {
        var state = withFriends()
        Fixture.type("half-typed lobby line", into: &state)
        // Away from the keyboard for a while; the draft stays with the lobby.
        let draft = state.currentInput
        state.currentInput = LineEditor()
        state.now += 60_000
        #expect(reduce(&state, .event(.message(dm(7, from: "bob", "psst 🤫"))))
                == [.bell, .loadOlder(.direct("bob"), before: 7), .markRead(.direct("bob"), through: 7)])
        state.conversation.input = draft
        #expect(state.activeChat == .direct("bob"))
        Fixture.type("hi bob", into: &state)
        #expect(reduce(&state, .key(.enter)) == [.send(id: 1, text: "hi bob", to: .direct("bob"))])
        _ = reduce(&state, .key(.escape))
        #expect(state.activeChat == nil)
        #expect(state.conversation.input.text == "half-typed lobby line", "the lobby's line waited")
    }

    @Test func inNotifyModeItOnlyCountsAsUnreadAndF3ShowsUnreadFirst() {
        var state = withFriends()
        state.popupOnMessage = false
        _ = reduce(&state, .event(.message(dm(1, from: "dave", "one"))))
        _ = reduce(&state, .event(.message(dm(2, from: "bob", "two"))))
        _ = reduce(&state, .event(.message(dm(3, from: "bob", "three"))))
        #expect(state.activeChat == nil)
        #expect(state.privateChats.map(\.unread) == [1, 2])
        _ = reduce(&state, .key(.function(3)))
        #expect(state.activeChat == .direct("dave") && state.privateChats[0].unread == 0)
        _ = reduce(&state, .key(.function(3)))
        #expect(state.activeChat == .direct("bob") && state.privateChats[1].unread == 0)
        _ = reduce(&state, .key(.function(4)))
        #expect(state.activeChat == nil && state.privateChats.map(\.id) == [.direct("dave")])
    }

    @Test func messagesFromWhileAwayArriveOnceAtLogin() {
        var state = AppState(server: "s:1", user: "carol", theme: "default", size: Size(columns: 80, rows: 24), now: Fixture.now, timeZone: Fixture.utc)
        let welcome = Welcome(user: "carol", rooms: [RoomSnapshot(name: .lobby)],
                              away: [dm(4, from: "alice", "while you slept"), dm(5, from: "alice", "and this")])
        let effects = reduce(&state, .loggedIn(welcome, limits: ServerLimits()))
        #expect(state.activeChat == .direct("alice"))
        #expect(state.privateChats.first?.entries.compactMap(\.messageID) == [4, 5])
        #expect(state.status?.text.contains("while you were away") == true)
        #expect(effects.contains(.awayReceived(through: 5)), "shown: the server may count them delivered")
        let none = Welcome(user: "carol", rooms: [RoomSnapshot(name: .lobby)])
        #expect(!reduce(&state, .loggedIn(none, limits: ServerLimits())).contains { if case .awayReceived = $0 { true } else { false } })
    }

    @Test func commands() {
        var state = withFriends()
        state.currentInput = LineEditor("/friend add erin")
        #expect(reduce(&state, .key(.enter)) == [.friend(.add, name: "erin")])
        state.currentInput = LineEditor("/block erin")
        #expect(reduce(&state, .key(.enter)) == [.friend(.block, name: "erin")])
        state.currentInput = LineEditor("/unblock erin")
        #expect(reduce(&state, .key(.enter)) == [.friend(.unblock, name: "erin")])
        state.currentInput = LineEditor("/block")
        #expect(reduce(&state, .key(.enter)).isEmpty, "a name is needed")
        state.currentInput = LineEditor("/friend hug erin")
        #expect(reduce(&state, .key(.enter)).isEmpty)
        #expect(state.status?.text.contains("Usage") == true)
        state.currentInput = LineEditor("/msg bob see you 世界")
        #expect(reduce(&state, .key(.enter)) == [.send(id: 1, text: "see you 世界", to: .direct("bob"))])
        // No window before the server takes the message.
        #expect(state.activeChat == nil && state.privateChats.isEmpty)
        let sent = Fixture.message(9, from: "alice", "see you 世界", in: .direct("bob"))
        #expect(reduce(&state, .sent(id: 1, sent)) == [.loadOlder(.direct("bob"), before: 9), .markRead(.direct("bob"), through: 9)])
        #expect(state.activeChat == .direct("bob"))
        _ = reduce(&state, .key(.escape))
        state.currentInput = LineEditor("/friends")
        _ = reduce(&state, .key(.enter))
        #expect(state.conversation.entries.last?.kind == .system("friends: bob (online), dave (offline), carol asks to be your friend"))
    }

    @Test func theFriendsPaneTakesTheKeyboard() {
        var state = withFriends()
        #expect(friendRows(state).map(\.name) == ["carol", "bob", "dave"])
        _ = reduce(&state, .key(.function(2)))
        #expect(state.friendsFocused)
        #expect(reduce(&state, .key(.character("a"))) == [.friend(.accept, name: "carol")])
        #expect(reduce(&state, .key(.character("d"))) == [.friend(.decline, name: "carol")])
        _ = reduce(&state, .key(.down))
        #expect(state.friendSelection == 1)
        #expect(reduce(&state, .key(.enter)) == [.loadOlder(.direct("bob"), before: Int64.max)], "its history is fetched")
        #expect(state.activeChat == .direct("bob") && !state.friendsFocused)
        _ = reduce(&state, .olderLoaded(HistorySlice(conversation: .direct("bob"), messages: [dm(9, from: "bob", "earlier")], hasMore: false)))
        #expect(state.current.entries.compactMap(\.messageID) == [9])
        #expect(!state.current.loadingOlder)
    }

    @Test(arguments: sizes)
    func theFriendsPaneShowsPresenceAndTheSelection(_ size: Size) {
        var state = withFriends(size)
        _ = reduce(&state, .key(.function(2)))
        _ = reduce(&state, .key(.down))
        let screen = GridScreen(columns: size.columns, rows: size.rows)
        render(state, on: screen)
        #expect(screen.lines.contains { $0.contains("│ ? carol asks") })
        let friendsTitle = try! #require(screen.lines.firstIndex { $0.contains("Friends (Esc)") })
        let bob = try! #require(screen.lines.indices.first { $0 > friendsTitle && screen.lines[$0].contains(" ● bob") })
        #expect(screen.role(ofRow: bob, " ● bob") == .selection)
        #expect(screen.role(of: " ○ dave") == .system)
        #expect(screen.lines.contains { $0.contains("Friends (Esc)") })
    }

    @Test(arguments: sizes)
    func aPopupOverTheMainScreenWithWideCharacters(_ size: Size) {
        var state = withFriends(size)
        _ = reduce(&state, .event(.message(Fixture.message(1, from: "bob", "lobby line"))))
        _ = reduce(&state, .event(.message(dm(2, from: "bob", "秘密 🤫 between us"))))
        Fixture.type("答え", into: &state)
        let screen = GridScreen(columns: size.columns, rows: size.rows)
        render(state, on: screen)
        let title = screen.lines.firstIndex { $0.contains("─ bob · online") }!
        let line = screen.lines.firstIndex { $0.contains("bob: 秘密 🤫 between us") }!
        #expect(line > title)
        #expect(screen.role(of: "bob: 秘密") == .other)
        // The right border stands in one column on every row of the box.
        let borderColumns = (title...line).map { row in screen.cells[row].lastIndex { $0.text == "│" || $0.text == "┐" } }
        #expect(Set(borderColumns).count == 1, "the right border is straight: \(borderColumns)")
        #expect(screen.lines.contains { $0.contains("> 答え") })
        // Behind it the main screen is still drawn.
        #expect(screen.text(row: 0).hasPrefix(" Parley │ 1:lobby 2:@bob "))
        #expect(screen.role(of: "2:@bob") == .selection, "the chat with the keys")
        #expect(screen.cursor.map { screen.text(row: $0.row).contains("答え") } == true)
    }

    @Test func aReconnectResumesEveryConversation() {
        var state = withFriends()
        _ = reduce(&state, .event(.message(Fixture.message(3, from: "bob", "lobby"))))
        _ = reduce(&state, .event(.message(dm(5, from: "bob", "private"))))
        _ = reduce(&state, .key(.escape))
        #expect(reduce(&state, .connectionLost(reason: "gone")) == [.reconnect(attempt: 1, resume: [.lobby: 3, .direct("bob"): 5])])
        _ = reduce(&state, .caughtUp([dm(5, from: "bob", "private"), dm(6, from: "bob", "missed"), Fixture.message(7, from: "bob", "lobby 2")]))
        #expect(state.privateChats[0].entries.compactMap(\.messageID) == [5, 6])
        #expect(state.privateChats[0].unread == 1)
        #expect(state.conversation.entries.compactMap(\.messageID) == [3, 7])
    }

    @Test func unreadCountsShowInTheTopBar() {
        var state = withFriends()
        state.popupOnMessage = false
        _ = reduce(&state, .event(.message(dm(1, from: "bob", "one"))))
        _ = reduce(&state, .event(.message(dm(2, from: "bob", "two"))))
        let screen = GridScreen(columns: 80, rows: 24)
        render(state, on: screen)
        #expect(screen.text(row: 0).contains("@bob(2)"))
    }
}

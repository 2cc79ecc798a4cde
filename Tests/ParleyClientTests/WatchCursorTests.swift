import ParleyClient
import ParleyDomain
import Testing

/// What `parley watch` prints across reconnects: nothing twice, nothing
/// missed.
@Suite struct WatchCursorTests {
    func message(_ id: Int64, in conversation: ConversationID = .lobby) -> ChatMessage {
        ChatMessage(id: id, conversation: conversation, sender: "bob", text: "m\(id)", time: id)
    }

    let dev = ConversationID(rawValue: "dev")

    func welcome(lobbyUpTo newest: Int64) -> Welcome {
        Welcome(
            user: "alice",
            rooms: [RoomSnapshot(name: .lobby, history: [message(newest)]), RoomSnapshot(name: dev)],
            friends: FriendList(friends: [Friend(name: "bob", online: true)])
        )
    }

    /// Which of `messages`, offered in turn, the cursor lets through.
    func accepted(_ cursor: inout WatchCursor, _ messages: [ChatMessage]) -> [Int64] {
        messages.filter { cursor.accept($0) }.map(\.id)
    }

    @Test func theFirstWelcomeIsThePastAndEachMessagePrintsOnce() {
        var cursor = WatchCursor()
        let plan = cursor.connected(welcome(lobbyUpTo: 10))
        #expect(plan.isEmpty)
        // 10 the welcome showed; 11 comes twice; ids grow per conversation, not across them.
        let printed = accepted(&cursor, [message(10), message(11), message(11), message(13, in: dev), message(12)])
        #expect(printed == [11, 13, 12])
    }

    @Test func aReconnectCatchesUpEachConversationFromWhereItStopped() {
        var cursor = WatchCursor()
        _ = cursor.connected(welcome(lobbyUpTo: 10))
        _ = accepted(&cursor, [message(14), message(15, in: .direct("carol"))])
        let plan = cursor.connected(welcome(lobbyUpTo: 20))
        let after = Dictionary(uniqueKeysWithValues: plan.map { ($0.conversation.rawValue, $0.after) })
        #expect(after == ["lobby": 14, "dev": 10, "@bob": 10, "@carol": 15])
    }

    @Test func onlyTheConversationsAskedForWhateverTheirCase() {
        var cursor = WatchCursor(only: [ConversationID(rawValue: "Lobby"), .direct("Bob")])
        _ = cursor.connected(welcome(lobbyUpTo: 1))
        #expect(accepted(&cursor, [message(2), message(3, in: dev), message(4, in: .direct("bob"))]) == [2, 4])
        let plan = cursor.connected(welcome(lobbyUpTo: 9))
        #expect(Set(plan.map(\.conversation.rawValue)) == ["lobby", "@bob"])
        #expect(cursor.roomsMissing(from: welcome(lobbyUpTo: 9)).isEmpty, "Lobby is the lobby")
        let elsewhere = WatchCursor(only: [ConversationID(rawValue: "Ops"), .direct("bob"), dev])
        #expect(elsewhere.roomsMissing(from: welcome(lobbyUpTo: 9)) == ["ops"])
    }
}

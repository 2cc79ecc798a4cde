import ParleyClient
import ParleyDomain
import ParleyWire
import Testing

@testable import ParleyTUI

@Suite struct ReducerTests {
    @Test func enterSendsAndClearsTheLine() {
        var state = Fixture.chat()
        Fixture.type("hello 世界", into: &state)
        let effects = reduce(&state, .key(.enter))
        #expect(effects == [.send(id: 1, text: "hello 世界", to: .lobby)])
        #expect(state.currentInput.isEmpty)
        _ = reduce(&state, .key(.up))
        #expect(state.currentInput.text == "hello 世界", "the sent line can be recalled")
    }

    @Test func whiteSpaceOnlyIsNotSentAndSaysWhy() {
        var state = Fixture.chat()
        Fixture.type("   ", into: &state)
        #expect(reduce(&state, .key(.enter)).isEmpty)
        #expect(state.status?.text.contains("white space") == true)
        #expect(state.currentInput.text == "   ")
    }

    @Test func aPasteOfSeveralLinesIsOneMessage() {
        var state = Fixture.chat()
        _ = reduce(&state, .paste("first\r\nsecond\rthird"))
        #expect(reduce(&state, .key(.enter)) == [.send(id: 1, text: "first\nsecond\nthird", to: .lobby)])
    }

    @Test func altEnterInsertsANewline() {
        var state = Fixture.chat()
        Fixture.type("a", into: &state)
        _ = reduce(&state, .key(.altEnter))
        Fixture.type("b", into: &state)
        #expect(reduce(&state, .key(.enter)) == [.send(id: 1, text: "a\nb", to: .lobby)])
    }

    @Test func commandsAreNeverSentAsMessages() {
        var state = Fixture.chat()
        Fixture.type("/frobnicate now", into: &state)
        #expect(reduce(&state, .key(.enter)).isEmpty)
        #expect(state.status?.kind == .error)
        #expect(state.status?.text.contains("/help") == true)

        state.currentInput = LineEditor("/me waves")
        #expect(reduce(&state, .key(.enter)) == [.send(id: 1, text: "/me waves", to: .lobby)])
        state.currentInput = LineEditor("//etc/passwd is a path")
        #expect(reduce(&state, .key(.enter)) == [.send(id: 2, text: "/etc/passwd is a path", to: .lobby)])
        state.currentInput = LineEditor("/theme light")
        #expect(reduce(&state, .key(.enter)) == [.loadTheme("light")])
        state.currentInput = LineEditor("/help")
        _ = reduce(&state, .key(.enter))
        #expect(state.popup == .help)
        _ = reduce(&state, .key(.escape))
        #expect(state.popup == nil)
        state.currentInput = LineEditor("/who")
        _ = reduce(&state, .key(.enter))
        #expect(state.conversation.entries.last?.kind == .system("online in lobby (3): alice, bob, robot"))
        state.currentInput = LineEditor("/quit")
        #expect(reduce(&state, .key(.enter)) == [.quit])
    }

    @Test func clearEmptiesOnlyTheLocalView() {
        var state = Fixture.chat(history: [Fixture.message(1, from: "bob", "hi")])
        state.currentInput = LineEditor("/clear")
        #expect(reduce(&state, .key(.enter)).isEmpty)
        #expect(state.conversation.entries.isEmpty)
        #expect(state.currentInput.isEmpty)
    }

    @Test func ctrlDQuitsOnlyOnAnEmptyLine() {
        var state = Fixture.chat()
        Fixture.type("ab", into: &state)
        _ = reduce(&state, .key(.left))
        #expect(reduce(&state, .key(.ctrl("d"))).isEmpty)
        #expect(state.currentInput.text == "a")
        state.currentInput = LineEditor()
        #expect(reduce(&state, .key(.ctrl("d"))) == [.quit])
        #expect(state.quitting)
    }

    @Test func tabCompletesNamesAndCommands() {
        var state = Fixture.chat()
        Fixture.type("bo", into: &state)
        _ = reduce(&state, .key(.tab))
        #expect(state.currentInput.text == "bob: ")
        state.currentInput = LineEditor("/th")
        _ = reduce(&state, .key(.tab))
        #expect(state.currentInput.text == "/theme ")
        state.currentInput = LineEditor("ping @b")
        _ = reduce(&state, .key(.tab))
        #expect(state.currentInput.text == "ping @bob ")
    }

    @Test func historyArrivesInOrderAndOlderPagesGoInFront() {
        var state = Fixture.chat(history: [Fixture.message(5, from: "bob", "five"), Fixture.message(6, from: "bob", "six")], hasMore: true)
        #expect(state.conversation.entries.compactMap(\.messageID) == [5, 6])
        #expect(state.conversation.hasMoreOlder)
        let older = HistorySlice(conversation: .lobby, messages: [Fixture.message(3, from: "bob", "3"), Fixture.message(4, from: "bob", "4")], hasMore: false)
        _ = reduce(&state, .olderLoaded(older))
        #expect(state.conversation.entries.compactMap(\.messageID) == [3, 4, 5, 6])
        #expect(!state.conversation.hasMoreOlder)
    }

    @Test func scrollingUpPastTheTopLoadsOlderHistoryOnce() {
        let history = (1...50).map { Fixture.message(Int64($0 + 100), from: "bob", "m\($0)") }
        var state = Fixture.chat(history: history, hasMore: true)
        let first = reduce(&state, .key(.pageUp))
        #expect(first.isEmpty, "a page up still within what is loaded")
        let second = reduce(&state, .key(.pageUp))
        #expect(second == [.loadOlder(.lobby, before: 101)])
        #expect(reduce(&state, .key(.pageUp)).isEmpty, "no second request while one is under way")
    }

    @Test func newMessagesDoNotYankAScrolledView() {
        var state = Fixture.chat(history: (1...40).map { Fixture.message(Int64($0), from: "bob", "m\($0)") })
        _ = reduce(&state, .key(.pageUp))
        let back = state.conversation.scrollBack
        #expect(back > 0)
        _ = reduce(&state, .event(.message(Fixture.message(41, from: "bob", "new"))))
        _ = reduce(&state, .event(.message(Fixture.message(42, from: "bob", "newer"))))
        #expect(state.conversation.newBelow == 2)
        #expect(state.conversation.scrollBack == back + 2, "the same messages stay in view")
        _ = reduce(&state, .key(.ctrlEnd))
        #expect(state.conversation.scrollBack == 0 && state.conversation.newBelow == 0)
    }

    @Test func joinedAndLeftUpdateTheUsersAndTheConversation() {
        var state = Fixture.chat()
        _ = reduce(&state, .event(.joined(conversation: .lobby, user: "carol", newMember: false)))
        #expect(state.online == ["alice", "bob", "carol", "robot"])
        _ = reduce(&state, .event(.left(conversation: .lobby, user: "bob", reason: "quit", stillMember: true)))
        #expect(state.online == ["alice", "carol", "robot"])
        #expect(state.conversation.members.map(\.name) == ["alice", "carol", "robot", "bob"], "online first; bob is still a member")
        #expect(state.conversation.entries.map(\.kind) == [.system("carol is here"), .system("bob left (quit)")])
    }

    @Test func aMentionRingsTheBellAndOwnMessagesDoNot() {
        var state = Fixture.chat()
        // Each is read at once too: the lobby is on screen.
        #expect(reduce(&state, .event(.message(Fixture.message(1, from: "bob", "hey ALICE, look")))) == [.bell, .markRead(.lobby, through: 1)])
        #expect(reduce(&state, .event(.message(Fixture.message(2, from: "bob", "malice aforethought")))) == [.markRead(.lobby, through: 2)])
        #expect(reduce(&state, .event(.message(Fixture.message(3, from: "alice", "I am alice")))) == [.markRead(.lobby, through: 3)])
    }

    @Test func reconnectResumesAfterTheLastIDWithoutDuplicates() {
        var state = Fixture.chat(history: [Fixture.message(1, from: "bob", "one"), Fixture.message(2, from: "bob", "two")])
        let effects = reduce(&state, .connectionLost(reason: "the server closed the connection"))
        #expect(effects == [.reconnect(attempt: 1, resume: [.lobby: 2])])
        #expect(state.connection == .reconnecting(attempt: 1, inSeconds: 1))
        Fixture.type("kept", into: &state)
        #expect(reduce(&state, .key(.enter)).isEmpty, "nothing is sent while offline")
        #expect(state.currentInput.text == "kept")

        #expect(reduce(&state, .reconnectFailed(attempt: 1, reason: "refused")) == [.reconnect(attempt: 2, resume: [.lobby: 2])])
        #expect(state.connection == .reconnecting(attempt: 2, inSeconds: 2))

        // The welcome repeats the latest messages; the catch-up repeats some too.
        let welcome = Welcome(user: "alice", rooms: [Fixture.lobby([Fixture.message(2, from: "bob", "two"), Fixture.message(3, from: "carol", "three")], hasMore: true)])
        _ = reduce(&state, .loggedIn(welcome, limits: ServerLimits()))
        _ = reduce(&state, .caughtUp([Fixture.message(3, from: "carol", "three"), Fixture.message(4, from: "carol", "four")]))
        _ = reduce(&state, .event(.message(Fixture.message(4, from: "carol", "four"))))
        #expect(state.conversation.entries.compactMap(\.messageID) == [1, 2, 3, 4])
        #expect(state.connection == .online)
        #expect(reduce(&state, .key(.enter)) == [.send(id: 1, text: "kept", to: .lobby)])
    }

    /// Live messages and the welcome's latest ones come before the catch-up
    /// of what was missed: the missed ones go into their places, each once.
    @Test func aCatchUpAfterLiveMessagesFillsTheGapInOrder() {
        var state = Fixture.chat(history: [Fixture.message(1, from: "bob", "one"), Fixture.message(2, from: "bob", "two")])
        _ = reduce(&state, .connectionLost(reason: "the server closed the connection"))
        let welcome = Welcome(user: "alice", rooms: [Fixture.lobby([Fixture.message(7, from: "bob", "seven"), Fixture.message(8, from: "bob", "eight")], hasMore: true)])
        _ = reduce(&state, .loggedIn(welcome, limits: ServerLimits()))
        _ = reduce(&state, .event(.message(Fixture.message(9, from: "carol", "nine"))))
        _ = reduce(&state, .caughtUp((3...9).map { Fixture.message(Int64($0), from: "carol", "\($0)") }))
        #expect(state.conversation.entries.compactMap(\.messageID) == Array(1...9))
    }

    @Test func backOffGrowsAndIsCapped() {
        #expect((1...8).map { reconnectDelay(attempt: $0) } == [1, 2, 4, 8, 16, 30, 30, 30])
    }

    @Test func beingReplacedElsewhereStopsReconnecting() {
        var state = Fixture.chat()
        _ = reduce(&state, .event(.closing(ProtocolError(.sessionReplaced, "You logged in elsewhere."))))
        #expect(reduce(&state, .connectionLost(reason: "closed")).isEmpty)
        #expect(state.connection == .offline("logged in elsewhere"))
    }

    @Test func theLoginFormChecksLocallyThenAsks() {
        var state = AppState(server: "x:1", user: "", theme: "default", size: Size(columns: 80, rows: 24), now: 0)
        Fixture.type("bad name", into: &state)
        _ = reduce(&state, .key(.tab))
        Fixture.type("longenough", into: &state)
        #expect(reduce(&state, .key(.enter)).isEmpty)
        guard case .login(var form) = state.phase else { Issue.record("left the form"); return }
        #expect(form.error?.contains("white space") == true)

        form.name = LineEditor("alice")
        form.registering = true
        form.confirm = LineEditor("different!")
        state.phase = .login(form)
        #expect(reduce(&state, .key(.enter)).isEmpty)
        guard case .login(var again) = state.phase else { return }
        #expect(again.error == "The two passwords differ; type them again.")

        again.password = LineEditor("longenough")
        again.confirm = LineEditor("longenough")
        state.phase = .login(again)
        #expect(reduce(&state, .key(.enter)) == [.logIn(name: "alice", password: "longenough", register: true)])
        _ = reduce(&state, .loginFailed("That name is taken; choose another."))
        guard case .login(let failed) = state.phase else { return }
        #expect(failed.error == "That name is taken; choose another." && !failed.busy)
    }

    @Test func ctrlRSwitchesToRegistrationWithAConfirmField() {
        var state = AppState(server: "x:1", user: "alice", theme: "default", size: Size(columns: 80, rows: 24), now: 0)
        _ = reduce(&state, .key(.ctrl("r")))
        guard case .login(let form) = state.phase else { return }
        #expect(form.registering && form.fields == [.name, .password, .confirm])
        #expect(form.focus == .password)

        // With the password typed, Ctrl+R goes straight to the second one.
        var typed = AppState(server: "x:1", user: "alice", theme: "default", size: Size(columns: 80, rows: 24), now: 0)
        Fixture.type("password1", into: &typed)
        _ = reduce(&typed, .key(.ctrl("r")))
        Fixture.type("password1", into: &typed)
        #expect(reduce(&typed, .key(.enter)) == [.logIn(name: "alice", password: "password1", register: true)])
    }

    @Test func aGuestFormAsksOnlyForAName() {
        var state = AppState(server: "x:1", user: "", theme: "default", size: Size(columns: 80, rows: 24), now: 0)
        guard case .login(var form) = state.phase else { Issue.record("no login form"); return }
        form.guest = true
        state.phase = .login(form)
        #expect(form.fields == [.name])
        Fixture.type("no spaces please", into: &state)
        #expect(reduce(&state, .key(.enter)).isEmpty)
        guard case .login(var refused) = state.phase else { return }
        #expect(refused.error?.contains("white space") == true)
        refused.name = LineEditor("visitor")
        state.phase = .login(refused)
        #expect(reduce(&state, .key(.enter)) == [.logInAsGuest(name: "visitor")])

        var switching = AppState(server: "x:1", user: "alice", theme: "default", size: Size(columns: 80, rows: 24), now: 0)
        if case .login(var guestForm) = switching.phase {
            guestForm.guest = true
            switching.phase = .login(guestForm)
        }
        _ = reduce(&switching, .key(.ctrl("r")))
        guard case .login(let registering) = switching.phase else { return }
        #expect(!registering.guest && registering.registering, "Ctrl+R offers an account of one's own")
    }

    /// At the server's limit of sessions the form offers to take over; the
    /// key does nothing otherwise.
    @Test func atTheSessionLimitCtrlTLogsInClosingTheOthers() {
        var state = AppState(server: "x:1", user: "alice", theme: "default", size: Size(columns: 80, rows: 24), now: 0)
        Fixture.type("password1", into: &state)
        #expect(reduce(&state, .key(.ctrl("t"))).isEmpty, "nothing to take over yet")
        #expect(reduce(&state, .key(.enter)) == [.logIn(name: "alice", password: "password1", register: false)])
        _ = reduce(&state, .loginFailed("\"alice\" is logged in at 10 places already.", canTakeOver: true))
        guard case .login(let refused) = state.phase else { return }
        #expect(refused.error == "\"alice\" is logged in at 10 places already. Press Ctrl+T to log in here and close the others.")
        #expect(reduce(&state, .key(.ctrl("t"))) == [.logIn(name: "alice", password: "password1", register: false, takeOver: true)])
        guard case .login(let busy) = state.phase else { return }
        #expect(busy.busy && !busy.canTakeOver)
    }
}

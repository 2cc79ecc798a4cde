import ParleyClient
import ParleyDomain
import ParleyWire
import Testing

@testable import ParleyTUI

@Suite struct RenderTests {
    static let sizes = [Size(columns: 80, rows: 24), Size(columns: 120, rows: 40)]

    func draw(_ state: AppState) -> GridScreen {
        let screen = GridScreen(columns: state.size.columns, rows: state.size.rows)
        render(state, on: screen)
        return screen
    }

    func scene(_ size: Size) -> AppState {
        var state = Fixture.chat(size: size, history: [
            Fixture.message(1, from: "alice", "hello 世界🎉"),
            Fixture.message(2, from: "bob", "hi there"),
            Fixture.message(3, from: "bob", "alice: look at this"),
        ])
        _ = reduce(&state, .event(.left(conversation: .lobby, user: "carol", reason: "quit", stillMember: true)))
        return state
    }

    @Test func aGuestIsMarkedInTheMembersPane() {
        let size = Size(columns: 120, rows: 40)
        var state = scene(size)
        _ = reduce(&state, .event(.joined(conversation: .lobby, user: "visitor", newMember: true, guest: true)))
        let screen = draw(state)
        let layout = Layout(size: size, inputLines: 1)
        let pane = (layout.conversationTop..<layout.separatorRow).map { screen.text(row: $0) }
        #expect(pane.contains { $0.contains("│ ◇ visitor (guest)") })
        #expect(pane.contains { $0.contains("│ ● bob ") }, "an account is not marked")
    }

    @Test func theGuestFormSaysWhatAGuestIs() {
        var state = AppState(server: "x:1", user: "visitor", theme: "default", size: Size(columns: 80, rows: 24), now: 0)
        if case .login(var form) = state.phase {
            form.guest = true
            state.phase = .login(form)
        }
        let screen = draw(state)
        let rows = (0..<24).map { screen.text(row: $0) }
        #expect(rows.contains { $0.contains("Join x:1 as a guest") })
        #expect(rows.contains { $0.contains("Name") } && !rows.contains { $0.contains("Password") })
        #expect(rows[23].contains("Enter join as a guest"))
    }

    @Test(arguments: sizes)
    func theThreePanesAndTwoBars(_ size: Size) {
        let state = scene(size)
        let screen = draw(state)
        let layout = Layout(size: size, inputLines: 1)
        #expect(screen.text(row: 0).hasPrefix(" Parley │ 1:lobby "))
        #expect(screen.text(row: 0).hasSuffix(" alice@127.0.0.1:7070 · online · 12:34 "))
        #expect(screen.text(row: 1).hasPrefix(" lobby: no topic"))
        #expect(screen.text(row: layout.conversationTop).contains("Here 2/3"), "people: the robot is listed, not counted")
        #expect(screen.text(row: layout.conversationTop + 1).hasSuffix("│ ● alice" + String(repeating: " ", count: layout.usersWidth - 8)))
        #expect(screen.text(row: layout.conversationTop + 2).contains(" ● bob"))
        #expect(screen.text(row: layout.conversationTop + 3).contains(" ● robot"))
        #expect(screen.text(row: layout.conversationTop + 4).contains(" ○ carol"))
        #expect(screen.text(row: layout.separatorRow).allSatisfy { $0 == "─" })
        #expect(screen.text(row: layout.inputTop).hasPrefix("> "))
        #expect(screen.text(row: size.rows - 1).contains("F1 help"))
        // The newest entry sits on the last conversation row.
        #expect(screen.text(row: layout.separatorRow - 1).hasPrefix("12:34 -- carol left (quit)"))
        #expect(screen.cursor?.row == layout.inputTop && screen.cursor?.column == 2)
    }

    @Test(arguments: sizes)
    func wideCharactersTakeTheirWidthAndTheBorderStaysStraight(_ size: Size) {
        let screen = draw(scene(size))
        let layout = Layout(size: size, inputLines: 1)
        for row in layout.conversationTop..<layout.separatorRow {
            #expect(screen.cells[row][layout.borderColumn].text == "│", "row \(row)")
        }
        let row = screen.lines.firstIndex { $0.contains("hello 世界🎉") }!
        // "12:34 alice: hello " is 19 columns; 世 and 界 and 🎉 take two each.
        #expect(screen.cells[row][19].text == "世" && screen.cells[row][20].text == "")
        #expect(screen.cells[row][21].text == "界")
        #expect(screen.cells[row][23].text == "🎉" && screen.cells[row][24].text == "")
        #expect(screen.cells[row][25].text == " ")
    }

    @Test(arguments: sizes)
    func eachRoleInItsPlace(_ size: Size) {
        let screen = draw(scene(size))
        #expect(screen.role(of: "alice: hello") == .own)
        #expect(screen.role(of: "bob: hi there") == .other)
        #expect(screen.role(of: "bob: alice: look") == .mention)
        #expect(screen.role(of: "-- carol left") == .system)
        #expect(screen.role(of: "12:34 alice") == .timestamp)
        #expect(screen.role(of: " Parley │") == .bar)
        #expect(screen.role(of: "─────") == .border)
        #expect(screen.role(of: "F1 help") == .status)
    }

    @Test func anotherUsersOwnLineIsOtherOnTheirScreen() {
        var state = scene(Size(columns: 80, rows: 24))
        state.me = "bob"
        let screen = draw(state)
        #expect(screen.role(of: "alice: hello") == .other)
        #expect(screen.role(of: "bob: hi there") == .own)
    }

    @Test func longMessagesWrapUnderTheirText() {
        var state = Fixture.chat(size: Size(columns: 80, rows: 24))
        _ = reduce(&state, .event(.message(Fixture.message(9, from: "bob", String(repeating: "word ", count: 30)))))
        let screen = draw(state)
        let first = screen.lines.firstIndex { $0.hasPrefix("12:34 bob: word") }!
        #expect(screen.text(row: first + 1).hasPrefix(String(repeating: " ", count: 11) + "word"))
        #expect(screen.role(of: String(repeating: " ", count: 11) + "word") == .other)
    }

    @Test(arguments: [Size(columns: 59, rows: 24), Size(columns: 80, rows: 14), Size(columns: 30, rows: 5)])
    func aTooSmallTerminalSaysSo(_ size: Size) {
        let screen = draw(scene(size))
        let text = screen.lines.joined(separator: "\n")
        #expect(text.contains("Parley needs at least 60×15") || text.contains("Parley needs"))
        #expect(!text.contains("Online ("))
    }

    @Test func scrolledBackShowsHowManyAreNew() {
        var state = Fixture.chat(size: Size(columns: 80, rows: 24), history: (1...40).map { Fixture.message(Int64($0), from: "bob", "m\($0)") })
        _ = reduce(&state, .key(.pageUp))
        _ = reduce(&state, .event(.message(Fixture.message(41, from: "bob", "fresh"))))
        let screen = draw(state)
        #expect(screen.lines.contains { $0.contains("1 new ↓") })
        #expect(screen.role(of: "1 new ↓") == .highlight)
        #expect(!screen.lines.contains { $0.contains("fresh") })
    }

    @Test func theInputBoxGrowsToFiveRows() {
        var state = Fixture.chat(size: Size(columns: 80, rows: 24))
        state.currentInput = LineEditor((1...7).map { "line \($0)" }.joined(separator: "\n"))
        let screen = draw(state)
        let layout = Layout(size: state.size, inputLines: 5)
        #expect(screen.text(row: layout.separatorRow).hasPrefix("────"))
        #expect(screen.text(row: layout.inputTop).hasPrefix("  line 3"))
        #expect(screen.text(row: layout.inputTop + 4).hasPrefix("  line 7"))
        #expect(screen.cursor?.row == layout.inputTop + 4)
    }

    @Test func theLoginFormMasksThePassword() {
        var state = AppState(server: "127.0.0.1:7070", user: "alice", theme: "default", size: Size(columns: 80, rows: 24), now: 0)
        Fixture.type("s3cret!!", into: &state)
        _ = reduce(&state, .loginFailed("Wrong password. Try again."))
        let screen = draw(state)
        let text = screen.lines.joined(separator: "\n")
        #expect(text.contains("Log in to 127.0.0.1:7070"))
        #expect(text.contains("********") && !text.contains("s3cret"))
        #expect(screen.role(of: "Wrong password.") == .error)
        #expect(text.contains("Ctrl+R register"))
    }

    @Test func helpListsEveryBoundCommand() {
        var state = Fixture.chat(size: Size(columns: 120, rows: 60))
        _ = reduce(&state, .key(.function(1)))
        let text = draw(state).lines.joined(separator: "\n")
        #expect(text.contains("─ Help "))
        #expect(text.contains("alt-enter") && text.contains("new line in the message"))
        #expect(text.contains("/theme NAME") && text.contains("/rooms"))
        #expect(text.contains("alt-1 … alt-9") && !text.contains("alt-2"), "nine numbered keys on one line")
        #expect(text.contains("ctrl-n") && text.contains("alt-a"))
    }
}

@Suite struct HelpScrollTests {
    @Test func aHelpTallerThanTheScreenScrollsToItsEnd() {
        var state = Fixture.chat(size: Size(columns: 80, rows: 24))
        _ = reduce(&state, .key(.function(1)))
        var screen = GridScreen(columns: 80, rows: 24)
        render(state, on: screen)
        #expect(screen.lines.contains { $0.contains("Esc closes") })
        #expect(!screen.lines.contains { $0.contains("/clear") })
        for _ in 0..<4 { _ = reduce(&state, .key(.pageDown)) }
        screen = GridScreen(columns: 80, rows: 24)
        render(state, on: screen)
        #expect(screen.lines.contains { $0.contains("/clear") }, "the last command is reachable")
        _ = reduce(&state, .key(.escape))
        #expect(state.popup == nil)
    }
}

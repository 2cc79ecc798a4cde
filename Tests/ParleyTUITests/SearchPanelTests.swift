import ParleyDomain
import ParleyWire
import Testing

@testable import ParleyTUI

/// Ctrl+F and /search: hits refined as you type, Enter shows one in
/// place with the history around it, Esc goes back.
@Suite struct SearchPanelTests {
    func renderGrid(_ state: AppState) -> String {
        let screen = GridScreen(columns: state.size.columns, rows: state.size.rows)
        render(state, on: screen)
        return screen.lines.joined(separator: "\n")
    }

    func hit(_ id: Int64, in conversation: ConversationID = Fixture.dev, _ text: String = "the deploy failed") -> SearchHit {
        SearchHit(message: Fixture.message(id, from: "bob", text, in: conversation),
                  snippet: [SnippetPart("the "), SnippetPart("deploy", isMatch: true), SnippetPart(" failed")])
    }

    func searches(_ effects: [Effect]) -> [Effect] {
        effects.filter { if case .search = $0 { true } else { false } }
    }

    @Test func typingAsksAgainAndOnlyTheNewestAnswerCounts() {
        var state = Fixture.chat(rooms: [RoomSnapshot(name: Fixture.dev, members: Fixture.lobbyMembers)])
        #expect(reduce(&state, .key(.ctrl("f"))).isEmpty)
        #expect(state.popup == .search)
        var asked: [Effect] = []
        for character in "deploy" { asked += searches(reduce(&state, .key(.character(character)))) }
        #expect(asked.last == .search("deploy", before: nil))
        #expect(asked.count == 6, "one question per key; the runtime sends only the last of a burst")

        _ = reduce(&state, .searchAnswered("dep", SearchPage(hits: [hit(1)], more: false), appended: false))
        #expect(state.search?.hits.isEmpty == true, "an answer to an older text is stale")
        _ = reduce(&state, .searchAnswered("deploy", SearchPage(hits: [hit(9), hit(5)], more: true), appended: false))
        #expect(state.search?.hits.map(\.message.id) == [9, 5])
        // Moving onto the last hit with more to come asks for the next page, once.
        #expect(reduce(&state, .key(.down)) == [.search("deploy", before: 5)])
        #expect(state.search?.selection == 1)
        #expect(reduce(&state, .key(.down)).isEmpty)
        _ = reduce(&state, .key(.up))

        let grid = renderGrid(state)
        #expect(grid.contains("«deploy»") && grid.contains("Find: deploy"))
        _ = reduce(&state, .key(.escape))
        #expect(state.popup == nil && state.current.id == .lobby)
    }

    @Test func enterShowsTheHitInPlaceAndEscGoesBack() {
        var state = Fixture.chat(history: [Fixture.message(100, from: "bob", "newest in the lobby")],
                                 rooms: [RoomSnapshot(name: Fixture.dev, members: Fixture.lobbyMembers,
                                                      history: [Fixture.message(90, from: "bob", "newest in dev", in: Fixture.dev)])])
        _ = reduce(&state, .key(.ctrl("f")))
        Fixture.type("deploy", into: &state)
        _ = reduce(&state, .searchAnswered("deploy", SearchPage(hits: [hit(12)], more: false), appended: false))
        #expect(reduce(&state, .key(.enter)) == [.loadAround(Fixture.dev, message: 12)])
        #expect(state.popup == nil)

        let around = (1...40).map { Fixture.message(Int64($0), from: "bob", $0 == 12 ? "the deploy failed" : "line \($0)", in: Fixture.dev) }
        _ = reduce(&state, .aroundLoaded(Fixture.dev, around: 12, around, hasOlder: false))
        #expect(state.current.id == Fixture.dev)
        #expect(state.current.highlight == 12)
        #expect(state.current.scrollBack > 0, "the hit is in the view, not the newest of the window")
        let grid = renderGrid(state)
        #expect(grid.contains("the deploy failed") && !grid.contains("line 40"))

        // A live message meanwhile is kept when going back.
        _ = reduce(&state, .event(.message(Fixture.message(91, from: "bob", "live in dev", in: Fixture.dev))))
        _ = reduce(&state, .key(.escape))
        #expect(state.current.id == .lobby)
        let dev = state.rooms[state.roomIndex(Fixture.dev)!]
        #expect(dev.entries.compactMap(\.messageID) == [90, 91], "dev shows what it did, and what came since")
        #expect(dev.highlight == nil && state.jump == nil)
    }

    @Test func slashSearchOpensWithTheWordsAndAsks() {
        var state = Fixture.chat()
        state.currentInput = LineEditor("/search deploy failed")
        #expect(reduce(&state, .key(.enter)) == [.search("deploy failed", before: nil)])
        #expect(state.popup == .search && state.search?.query.text == "deploy failed")
        state.popup = nil
        state.currentInput = LineEditor("/search " + String(repeating: "x", count: 201))
        _ = reduce(&state, .key(.enter))
        #expect(state.search?.error?.contains("at most 200 characters") == true)
    }
}

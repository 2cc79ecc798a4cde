import ParleyClient
import ParleyDomain
import ParleyWire
import Testing

@testable import ParleyTUI

/// Paging through a conversation: the oldest message stops at the top,
/// and a page is the pane less one line, so no message is ever skipped.
@Suite struct ScrollTests {
    /// Sixty messages, every seventh long enough to wrap over several rows.
    static let history: [ChatMessage] = (1...60).map { (n: Int) -> ChatMessage in
        let sender = n % 2 == 0 ? "bob" : "alice"
        let text = n % 7 == 0 ? "long \(n) " + String(repeating: "words that wrap ", count: 12) : "line \(n)"
        return Fixture.message(Int64(n), from: sender, text)
    }

    func draw(_ state: AppState) -> GridScreen {
        let screen = GridScreen(columns: state.size.columns, rows: state.size.rows)
        render(state, on: screen)
        return screen
    }

    /// The ids of the messages whose first line is on screen, top to bottom.
    func visible(_ state: AppState) -> [Int] {
        draw(state).lines.compactMap { line in
            guard let match = line.firstMatch(of: /: (?:line|long) (\d+)/) else { return nil }
            return Int(match.1)
        }
    }

    func pagesUpAndDownSkipNothing(_ state: inout AppState) {
        var seen = [visible(state)]
        for _ in 0..<20 {
            _ = reduce(&state, .key(.pageUp))
            seen.append(visible(state))
        }
        #expect(seen.last?.first == 1, "the oldest message at last")
        for (newer, older) in zip(seen, seen.dropFirst()) where newer != older {
            // The top message of a view is still on the next page up (or
            // the one right after it when it was cut).
            #expect(older.last! >= newer.first! - 1, "PgUp skipped from \(newer) to \(older)")
        }
        var down = [visible(state)]
        for _ in 0..<20 {
            _ = reduce(&state, .key(.pageDown))
            down.append(visible(state))
        }
        #expect(down.last?.last == 60)
        for (older, newer) in zip(down, down.dropFirst()) where newer != older {
            #expect(newer.first! <= older.last! + 1, "PgDn skipped from \(older) to \(newer)")
        }
    }

    @Test(arguments: [Size(columns: 80, rows: 24), Size(columns: 60, rows: 15), Size(columns: 120, rows: 36)])
    func theMainPaneStopsAtTheOldestAndSkipsNothing(_ size: Size) {
        var state = Fixture.chat(size: size, history: Self.history)
        _ = reduce(&state, .key(.ctrlHome))
        let layout = Layout(size: size, inputLines: 1)
        let screen = draw(state)
        #expect(screen.text(row: layout.conversationTop).hasPrefix("12:34 alice: line 1") || screen.text(row: layout.conversationTop).contains("line 1 "),
                "the oldest message on the top row:\n\(screen.lines.joined(separator: "\n"))")
        #expect(!screen.text(row: layout.separatorRow - 1).trimmingCharacters(in: .whitespaces).hasPrefix("│"), "the pane is full")
        let atTop = visible(state)
        for _ in 0..<5 { _ = reduce(&state, .key(.pageUp)) }
        #expect(visible(state) == atTop, "PgUp at the top stays there")
        _ = reduce(&state, .key(.ctrlEnd))
        pagesUpAndDownSkipNothing(&state)
    }

    @Test func aPrivateChatPagesTheSameWay() {
        var state = Fixture.chat(size: Size(columns: 80, rows: 24))
        state.now += 60_000
        let messages = Self.history.map { ChatMessage(id: $0.id, conversation: .direct("bob"), sender: $0.sender, text: $0.text, time: $0.time) }
        _ = reduce(&state, .event(.message(messages.last!)))
        _ = reduce(&state, .olderLoaded(HistorySlice(conversation: .direct("bob"), messages: Array(messages.dropLast()), hasMore: false)))
        #expect(state.activeChat == .direct("bob"))
        pagesUpAndDownSkipNothing(&state)
    }
}

import ParleyClient
import ParleyDomain
import ParleyWire
import Testing

@testable import ParleyTUI

@Suite struct FilePickerTests {
    static let files = [
        FileInfo(id: 3, conversation: .lobby, name: "report-final.pdf", size: 1_234_567, sha256: "", type: .pdf, sender: "bob", time: Fixture.now),
        FileInfo(id: 2, conversation: .lobby, name: "cat 🐈.png", size: 40_000, sha256: "", type: .png, sender: "carol", time: Fixture.now - 60_000),
        FileInfo(id: 1, conversation: .lobby, name: "Report-draft.txt", size: 900, sha256: "", type: .text, sender: "alice", time: Fixture.now - 120_000),
    ]

    func withPicker() -> AppState {
        var state = Fixture.chat(size: Size(columns: 80, rows: 24))
        #expect(reduce(&state, .key(.function(5))) == [.listFiles(.lobby)])
        _ = reduce(&state, .filesListed(.lobby, Self.files))
        return state
    }

    @Test func theKeyAndTheCommandAskForThisConversationsFiles() {
        var state = Fixture.chat()
        state.currentInput = LineEditor("/files")
        #expect(reduce(&state, .key(.enter)) == [.listFiles(.lobby)])
        state.now += 60_000
        _ = reduce(&state, .event(.message(ChatMessage(id: 9, conversation: .direct("bob"), sender: "bob", text: "hi", time: Fixture.now))))
        #expect(reduce(&state, .key(.function(5))) == [.listFiles(.direct("bob"))], "in a private chat, its files")
    }

    @Test func theListAt80By24WithTheSelection() {
        var state = withPicker()
        _ = reduce(&state, .key(.down))
        let screen = GridScreen(columns: 80, rows: 24)
        render(state, on: screen)
        #expect(screen.lines.contains { $0.contains("─ Files in lobby ") })
        #expect(screen.lines.contains { $0.contains("Filter: ▏") })
        let report = try! #require(screen.lines.first { $0.contains("report-final.pdf") })
        #expect(report.contains("1.2 MiB") && report.contains("pdf") && report.contains("bob") && report.contains("2026-11-23 12:34"))
        let rows = ["report-final.pdf", "cat 🐈.png", "Report-draft.txt"].map { name in screen.lines.firstIndex { $0.contains(name) }! }
        #expect(rows == rows.sorted(), "newest first")
        #expect(screen.role(of: "cat 🐈.png") == .selection)
        #expect(screen.role(of: "report-final.pdf") == .popup)
    }

    @Test func typingFiltersAndEnterDownloadsTheSelection() {
        var state = withPicker()
        for c in "REPORT" { _ = reduce(&state, .key(.character(c))) }
        #expect(state.picker?.shown.map(\.id) == [3, 1], "by name, any case")
        _ = reduce(&state, .key(.down))
        _ = reduce(&state, .key(.down))
        #expect(state.picker?.selection == 1, "the selection stays on the list")
        for _ in 0..<6 { _ = reduce(&state, .key(.backspace)) }
        for c in "zzz" { _ = reduce(&state, .key(.character(c))) }
        let screen = GridScreen(columns: 80, rows: 24)
        render(state, on: screen)
        #expect(screen.lines.contains { $0.contains("(no name contains \"zzz\")") })
        #expect(reduce(&state, .key(.enter)).isEmpty)
        for _ in 0..<3 { _ = reduce(&state, .key(.backspace)) }
        _ = reduce(&state, .key(.down))
        #expect(reduce(&state, .key(.enter)) == [.download(id: 1, Self.files[1])])
        #expect(state.popup == nil && state.transfers.map(\.name) == ["cat 🐈.png"])
    }

    @Test func theTransferBarAndCancelling() {
        var state = Fixture.chat(size: Size(columns: 80, rows: 24))
        state.currentInput = LineEditor("/upload ~/notes.txt")
        #expect(reduce(&state, .key(.enter)) == [.upload(id: 1, path: "~/notes.txt", to: .lobby)])
        _ = reduce(&state, .transferProgress(id: 1, TransferReading(done: 300_000, total: 1_000_000, moved: 300_000, seconds: 0.5)))
        let screen = GridScreen(columns: 80, rows: 24)
        render(state, on: screen)
        #expect(screen.text(row: 23).contains("↑ notes.txt ▕███░░░░░░░▏ 30% · 585.9 KiB/s · 2 s left · Esc cancels"))
        Fixture.type("still chatting", into: &state)
        #expect(reduce(&state, .key(.enter)) == [.send(id: 1, text: "still chatting", to: .lobby)])

        #expect(reduce(&state, .key(.escape)).isEmpty)
        #expect(state.status?.text.hasPrefix("Cancel the upload of notes.txt?") == true)
        #expect(reduce(&state, .key(.character("n"))).isEmpty && state.transfers.count == 1, "any other key goes on")
        _ = reduce(&state, .key(.escape))
        #expect(reduce(&state, .key(.character("y"))) == [.cancelTransfer(id: 1)])
        _ = reduce(&state, .transferEnded(id: 1, sentence: "The upload of notes.txt is cancelled.", failed: false))
        #expect(state.transfers.isEmpty && state.status?.text == "The upload of notes.txt is cancelled.")
    }

    @Test func aResumedDownloadsSpeedCountsOnlyWhatMovedThisTime() {
        let watch = TransferWatch()
        #expect(watch.reading(600_000, 1_000_000).moved == 0, "the bytes an earlier try left")
        let later = watch.reading(800_000, 1_000_000)
        #expect(later.moved == 200_000 && later.seconds > 0)
        let text = TransferText.line(name: "x", TransferReading(done: 800_000, total: 1_000_000, moved: 200_000, seconds: 1))
        #expect(text == "x ▕████████░░▏ 80% · 195.3 KiB/s · 1 s left")
    }

    @Test func tabCompletesLocalPaths() {
        var state = Fixture.chat()
        state.currentInput = LineEditor("/upload ~/Doc")
        #expect(reduce(&state, .key(.tab)) == [.completePath("~/Doc")])
        _ = reduce(&state, .pathCompletions(typed: "~/Doc", ["~/Documents/"]))
        #expect(state.currentInput.text == "/upload ~/Documents/")
        Fixture.type("b", into: &state)
        _ = reduce(&state, .pathCompletions(typed: "~/Documents/", ["~/Documents/a.txt"]))
        #expect(state.currentInput.text == "/upload ~/Documents/b", "an answer to what the line no longer says changes nothing")
        state.currentInput = LineEditor("/upload r")
        _ = reduce(&state, .pathCompletions(typed: "r", ["report-1.pdf", "report-2.pdf"]))
        #expect(state.currentInput.text == "/upload report-")
        #expect(LocalPath.expand("~/x", home: "/home/al") == "/home/al/x" && LocalPath.expand("/abs") == "/abs")
    }
}

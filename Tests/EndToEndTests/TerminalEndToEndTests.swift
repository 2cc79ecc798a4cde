import Foundation
import ParleyTestSupport
import Testing

/// What involves the terminal itself: resizing with nothing else happening,
/// Home and End as tmux spells them, Ctrl+L, Ctrl+Z, and a stop and
/// continue during which the shell put the terminal back in cooked mode.
@Suite(.serialized) struct TerminalEndToEndTests {
    let directory = TestServer.makeDataDirectory()

    /// Laid out for `columns`: the clock ends the top bar and the status
    /// line is the last row (a cropped old screen has neither).
    func laidOut(_ screen: String, columns: Int, rows: Int) -> Bool {
        let lines = screen.split(separator: "\n", omittingEmptySubsequences: false).prefix(rows).map(String.init)
        guard lines.count == rows, let top = lines.first, let status = lines.last else { return false }
        return top.contains(/· \d\d:\d\d\s*$/) && top.count <= columns && status.contains("F1 help")
    }

    func chatProcess(_ tmux: Tmux, _ session: String) throws -> Int32 {
        let shell = try tmux.run(["display-message", "-p", "-t", session, "#{pane_pid}"], capture: true)
        let child = try Spawn.run(["pgrep", "-P", shell.trimmingCharacters(in: .whitespacesAndNewlines)], captureOutput: true)
        return try #require(Int32(child.output.split(separator: "\n").first ?? ""))
    }

    func state(of pid: Int32) throws -> String {
        let status = try String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)
        // "pid (comm) S ...": the state follows the command's closing parenthesis.
        return String(status[status.range(of: ") ")!.upperBound...].prefix(1))
    }

    func ttyModes(_ tmux: Tmux, _ session: String) throws -> String {
        let tty = try tmux.run(["display-message", "-p", "-t", session, "#{pane_tty}"], capture: true)
        return try Spawn.run(["stty", "-F", tty.trimmingCharacters(in: .whitespacesAndNewlines), "-a"], captureOutput: true).output
    }

    @Test func resizeKeysRedrawSuspendAndContinue() async throws {
        let tmux = Tmux()
        defer { tmux.kill() }
        let (server, port) = try ServerProcess.started(in: directory)
        let configHome = directory + "/config"
        // In an interactive shell, for its job control (Ctrl+Z, fg).
        try tmux.run(["new-session", "-d", "-s", "alice", "-x", "100", "-y", "30", "env PS1='$ ' bash --norc --noprofile -i"])
        try tmux.run(["set-option", "-t", "alice", "window-size", "manual"])
        try await tmux.wait("alice", for: "$")
        try tmux.type("alice", ParleyCommand.chat(user: "alice", port: port, configHome: configHome))
        try tmux.send("alice", "Enter")
        try await tmux.wait("alice", for: "alice@127.0.0.1:\(port) · online")

        // A long message wraps greedily on the real terminal: every row but
        // its last holds as many words as fit (no stray one-word rows).
        let words = (0..<80).map { String(format: "word%02d", $0) }.joined(separator: " ")
        try tmux.type("alice", words)
        try tmux.send("alice", "Enter")
        try await tmux.wait("alice", for: "word79")
        func rowsAreFull(_ screen: String) -> Bool {
            let rows = screen.split(separator: "\n").filter { $0.contains("word") && !$0.hasPrefix(">") }
                .map { $0.split(separator: "│").first.map(String.init) ?? "" }
            return rows.count > 2 && rows.dropLast().allSatisfy { $0.split(separator: " ").filter { $0.hasPrefix("word") }.count >= 5 }
        }
        let wide = try tmux.screen("alice")
        #expect(rowsAreFull(wide), "\(wide)")

        // Resized with no key and no traffic: laid out anew at once (the
        // minute's clock would wake it within 60 s; this waits 10).
        for (columns, rows) in [(80, 24), (60, 15), (100, 30)] {
            try tmux.resize("alice", columns: columns, rows: rows)
            try await tmux.wait("alice", until: "laid out at \(columns)×\(rows)", timeout: .seconds(10)) {
                laidOut($0, columns: columns, rows: rows)
            }
            if columns == 80 {
                let narrow = try tmux.screen("alice")
                #expect(rowsAreFull(narrow), "\(narrow)")
            }
        }

        // Home and End as tmux sends them under TERM=xterm-256color.
        try tmux.type("alice", "middle")
        try tmux.send("alice", "Home")
        try tmux.type("alice", "[")
        try tmux.send("alice", "End")
        try tmux.type("alice", "]")
        try await tmux.wait("alice", for: "> [middle]")
        #expect(!(try tmux.screen("alice")).contains("~"), "no part of a sequence typed")

        // Ctrl+L repaints what something else scribbled on the terminal.
        let tty = try tmux.run(["display-message", "-p", "-t", "alice", "#{pane_tty}"], capture: true)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        try Data("\u{1B}[5;5HSCRIBBLE".utf8).write(to: URL(fileURLWithPath: tty))
        try await tmux.wait("alice", for: "SCRIBBLE")
        try tmux.send("alice", "C-l")
        try await tmux.wait("alice", until: "the scribble gone", timeout: .seconds(10)) { !$0.contains("SCRIBBLE") }

        // Ctrl+Z stops it like any full-screen program: the shell is back.
        let pid = try chatProcess(tmux, "alice")
        try tmux.send("alice", "C-z")
        try await tmux.wait("alice", for: "Stopped")
        #expect(try state(of: pid) == "T")
        try tmux.type("alice", "fg")
        try tmux.send("alice", "Enter")
        try await tmux.wait("alice", until: "redrawn after fg", timeout: .seconds(10)) {
            laidOut($0, columns: 100, rows: 30) && $0.contains("> [middle]")
        }

        // Stopped from outside; meanwhile the terminal is put in cooked mode
        // with echo (as the shell leaves it); continued, keys work again.
        try tmux.send("alice", "C-l")
        kill(pid, SIGSTOP)
        try await tmux.wait("alice", for: "Stopped")
        _ = try Spawn.run(["stty", "-F", tty, "sane"], captureOutput: false)
        try tmux.type("alice", "fg")
        try tmux.send("alice", "Enter")
        try await waitFor("raw mode again") { (try? ttyModes(tmux, "alice"))?.contains("-icanon") == true }
        #expect(try ttyModes(tmux, "alice").contains("-echo "))
        try await tmux.wait("alice", until: "redrawn after the stop", timeout: .seconds(10)) {
            laidOut($0, columns: 100, rows: 30) && $0.contains("> [middle]")
        }
        try tmux.send("alice", "Left")
        try tmux.type("alice", "!")
        try await tmux.wait("alice", for: "> [middle!]")
        try tmux.send("alice", "Enter")
        try await tmux.wait("alice", for: "alice: [middle!]")

        server.process.terminate()
        _ = server.finish()
    }
}

extension TerminalEndToEndTests {
    /// Forty lines typed faster than the server's rate limit (a burst of
    /// 20, then 5 a second): each arrives once, in order, none merged.
    @Test func linesTypedFasterThanTheRateLimitAllArriveInOrder() async throws {
        let tmux = Tmux()
        defer { tmux.kill() }
        let (server, port) = try ServerProcess.started(in: directory)
        let configHome = directory + "/config"
        try await tmux.logIn("alice", port: port, configHome: configHome)
        var keys: [String] = []
        for n in 1...40 { keys += ["-l", "burst \(n)", ";", "send-keys", "-t", "alice", "Enter", ";", "send-keys", "-t", "alice"] }
        try tmux.run(["send-keys", "-t", "alice"] + keys.dropLast(4))
        try await tmux.wait("alice", until: "lines shown as waiting") { $0.contains("waiting to be sent") || $0.contains("alice: burst 40") }
        try await tmux.wait("alice", until: "every line taken", timeout: .seconds(30)) {
            $0.contains("alice: burst 40") && !$0.contains("⧗")
        }
        let (status, output, errors) = try await ParleyCommand.script(["history", "--limit", "60"], user: "bob", port: port, configHome: configHome)
        #expect(status == 0, "\(errors)")
        let sent = output.split(separator: "\n").compactMap { line in line.firstMatch(of: /alice: (burst \d+)$/).map { String($0.1) } }
        #expect(sent == (1...40).map { "burst \($0)" })
        let screen = try tmux.screen("alice")
        #expect(screen.split(separator: "\n").contains { $0.trimmingCharacters(in: .whitespaces) == ">" }, "the box is empty:\n\(screen)")
        server.process.terminate()
        _ = server.finish()
    }
}

/// Waits until `condition` holds, checking every 50 ms.
func waitFor(_ what: String, timeout: Duration = .seconds(10), _ condition: () throws -> Bool) async throws {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try condition() { return }
        try await Task.sleep(for: .milliseconds(50))
    }
    throw TimedOut(waitingFor: what)
}

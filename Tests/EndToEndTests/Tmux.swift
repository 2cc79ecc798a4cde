import Foundation
import ParleyTestSupport

/// A private tmux server: sessions with real terminals for the real binary.
final class Tmux: @unchecked Sendable {
    let socket = "parley-e2e-\(UUID().uuidString.prefix(8))"

    /// Runs a tmux command; only `capture` reads its output, because the
    /// tmux server that the first command forks keeps its inherited pipes.
    @discardableResult
    func run(_ arguments: [String], capture: Bool = false) throws -> String {
        try Spawn.run(["tmux", "-L", socket] + arguments, captureOutput: capture).output
    }

    /// Starts `command` in a new session of the given size; the pane stays
    /// after the command ends, with its exit status, for the post-mortem.
    func start(_ session: String, columns: Int = 120, rows: Int = 36, command: String) throws {
        try run(["new-session", "-d", "-s", session, "-x", "\(columns)", "-y", "\(rows)",
                 "\(command); echo \"[exited $?]\"; sleep 600"])
        try run(["set-option", "-t", session, "window-size", "manual"])
    }

    func send(_ session: String, _ keys: String...) throws {
        try run(["send-keys", "-t", session] + keys)
    }

    /// Types text literally (no key names).
    func type(_ session: String, _ text: String) throws {
        try run(["send-keys", "-t", session, "-l", text])
    }

    func screen(_ session: String, colours: Bool = false) throws -> String {
        try run(["capture-pane", "-p", "-t", session] + (colours ? ["-e"] : []), capture: true)
    }

    func resize(_ session: String, columns: Int, rows: Int) throws {
        try run(["resize-window", "-t", session, "-x", "\(columns)", "-y", "\(rows)"])
    }

    /// Waits until the screen shows `text`; the error carries the screen.
    func wait(_ session: String, for text: String, timeout: Duration = .seconds(60)) async throws {
        try await wait(session, until: "\"\(text)\"", timeout: timeout) { $0.contains(text) }
    }

    /// Waits until the screen satisfies `condition`; the error carries the screen.
    func wait(_ session: String, until description: String, timeout: Duration = .seconds(60), _ condition: (String) -> Bool) async throws {
        let deadline = ContinuousClock.now + timeout
        var last = ""
        while ContinuousClock.now < deadline {
            last = try screen(session)
            if condition(last) { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw TimedOut(waitingFor: "\(description) on \(session)'s screen; it shows:\n\(last)")
    }

    func kill() {
        _ = try? run(["kill-server"])
    }
}

/// The escape sequences between the time stamp and `text` on the line holding it.
func colourBefore(_ text: String, in screen: String) -> String? {
    guard let line = screen.split(separator: "\n").first(where: { $0.contains(text) }),
          let end = line.range(of: text)?.lowerBound,
          let stamp = line.range(of: #"\d\d:\d\d "#, options: .regularExpression)?.upperBound,
          stamp <= end else { return nil }
    return String(line[stamp..<end])
}

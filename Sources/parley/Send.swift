import ArgumentParser
import Foundation
import ParleyClient
import ParleyDomain
import ParleyWire

struct Send: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Send one message; exits 0 once the server has acknowledged it.",
        discussion: """
        With --lines, each line of standard input is its own message, sent in order within the server's \
        rate limit (blank lines are skipped). Exit status: 0 when every message was acknowledged; 1 when \
        none was (or the login failed); 2 when some were: standard error says how many, and which line \
        was refused and why. Nothing after a refused line is sent, so what arrived is in order and a rerun \
        can start at that line.
        """
    )

    @OptionGroup var account: AccountOptions

    @OptionGroup var target: ConversationOption

    @Flag(help: "Send each line of standard input as its own message.")
    var lines = false

    @Argument(help: "The text, or - to read it from standard input (one message). Leave it out with --lines.")
    var text: String?

    func validate() throws {
        if lines, let text, text != "-" {
            throw ValidationError("--lines sends standard input; leave out the text \"\(text)\".")
        }
        if !lines && text == nil { throw ValidationError("Say what to send: the text, - for standard input, or --lines.") }
    }

    func run() async throws {
        if lines { return try await sendLines() }
        var message = text ?? "-"
        if message == "-" {
            message = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
            if message.hasSuffix("\n") { message.removeLast() }
        }
        try await account.withConnection(failure: "not sent: ") { connection, _ in
            try await connection.send(message, to: target.conversation)
        }
    }

    /// Reads standard input as it comes, so that a pipe that stays open
    /// (`tail -f log | parley send --lines`) sends each line when written.
    private func sendLines() async throws {
        var sent = 0
        var refusal: String?
        try await account.withConnection { connection, _ in
            var number = 0
            while let line = readLine() {
                number += 1
                guard !line.allSatisfy(\.isWhitespace) else { continue }
                do {
                    try await connection.send(line, to: target.conversation)
                    sent += 1
                } catch {
                    refusal = "line \(number) was refused: \(error)"
                    return
                }
            }
        }
        guard let refusal else { return }
        FileHandle.standardError.write(Data("parley: sent \(sent) message\(sent == 1 ? "" : "s"); \(refusal)\n".utf8))
        throw ExitCode(sent == 0 ? 1 : 2)
    }
}

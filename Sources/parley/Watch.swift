import ArgumentParser
import Foundation
import ParleyClient
import ParleyDomain
import ParleyWire

struct Watch: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print messages as they arrive: [YYYY-MM-DD HH:MM] conversation name: text",
        discussion: """
        Runs until stopped, as a quiet session (nobody sees it come or go). When the connection is lost it \
        reconnects by itself and first prints what was said meanwhile: nothing is missed, nothing printed twice.
        """
    )

    @OptionGroup var account: AccountOptions

    @Option(name: .customLong("to"), help: "A conversation to watch: a room, or @NAME for a friend; repeat for more (default: all of yours).")
    var conversations: [String] = []

    @Flag(help: "One JSON object per message per line: id, conversation, sender, time (RFC 3339), text, file.")
    var json = false

    @Option(help: "Run CMD (with /bin/sh) for each message, the message as one line of JSON on its standard input, one at a time, instead of printing it.")
    var exec: String?

    /// Waits between reconnects, in seconds; the last repeats.
    static let backoff = [1, 2, 4, 8, 16, 30]

    func run() async throws {
        var cursor = WatchCursor(only: conversations.map(ConversationID.init(rawValue:)))
        var token: String?
        var failures = 0
        while true {
            let connection: ParleyConnection
            let welcome: Welcome
            do {
                (connection, welcome) = try await account.scriptedLogin(token: token, retrying: true)
            } catch let error as ParleyClientError where error.isConnectionFailure {
                try await pause(failures, because: error.description)
                failures += 1
                continue
            }
            failures = 0
            token = welcome.token
            let unwatched = cursor.roomsMissing(from: welcome)
            guard unwatched.isEmpty else {
                await connection.close()
                throw CleanExit.failure("not watching: you are not in \(unwatched.joined(separator: ", ")); join first")
            }
            do {
                let catchUp = cursor.connected(welcome)
                var missed = 0
                for (conversation, after) in catchUp {
                    try await connection.readHistory(of: conversation, HistoryQuery(afterID: after)) { message in
                        if cursor.accept(message) {
                            try emit(message)
                            missed += 1
                        }
                    }
                }
                let news = catchUp.isEmpty
                    ? "watching as \(welcome.user)\(conversations.isEmpty ? "" : " in " + conversations.joined(separator: ", "))"
                    : "reconnected; caught up \(missed) message\(missed == 1 ? "" : "s") sent meanwhile"
                FileHandle.standardError.write(Data("parley: \(news)\n".utf8))
                for await event in connection.events {
                    switch event {
                    case .message(let message):
                        if cursor.accept(message) { try emit(message) }
                    case .closing(let error) where error.code == .sessionReplaced:
                        await connection.close()
                        throw CleanExit.failure("stopped: \(error.message)")
                    default:
                        break
                    }
                }
            } catch let exit as ExitCode {
                throw exit
            } catch {
                await connection.close()
                try await pause(0, because: "\(error)")
                continue
            }
            await connection.close()
            try await pause(0, because: "the connection was lost")
        }
    }

    private func pause(_ failures: Int, because reason: String) async throws {
        let seconds = Self.backoff[min(failures, Self.backoff.count - 1)]
        FileHandle.standardError.write(Data("parley: \(reason); reconnecting in \(seconds) s\n".utf8))
        try await Task.sleep(for: .seconds(seconds))
    }

    private func emit(_ message: ChatMessage) throws {
        guard let exec else {
            let line = json ? MessageFormat.jsonLine(message) : MessageFormat.historyLine(message, in: .current, naming: true)
            // Unbuffered: a pipe sees each message as it arrives.
            FileHandle.standardOutput.write(Data((line + "\n").utf8))
            return
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", exec]
        let input = Pipe()
        process.standardInput = input
        do {
            try process.run()
        } catch {
            throw CleanExit.failure("cannot run /bin/sh for --exec: \(error.localizedDescription)")
        }
        input.fileHandleForWriting.write(Data((MessageFormat.jsonLine(message) + "\n").utf8))
        try? input.fileHandleForWriting.close()
        process.waitUntilExit()
        if process.terminationStatus != 0 {
            FileHandle.standardError.write(Data("parley: --exec exited with status \(process.terminationStatus) for message \(message.id)\n".utf8))
        }
    }
}

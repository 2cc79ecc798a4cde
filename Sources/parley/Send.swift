import ArgumentParser
import Foundation
import ParleyProtocol

struct Send: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Send one message; exits 0 once the server has acknowledged it."
    )

    @OptionGroup var account: AccountOptions

    @Option(help: "The conversation: lobby, or @NAME for a private one with a friend (default lobby).")
    var to = "lobby"

    @Argument(help: "The text, or - to read it from standard input.")
    var text: String

    func run() async throws {
        var message = text
        if text == "-" {
            message = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
            if message.hasSuffix("\n") { message.removeLast() }
        }
        let (connection, _) = try await account.scriptedLogin()
        do {
            try await connection.send(message, to: ConversationID(rawValue: to))
        } catch {
            await connection.close()
            throw CleanExit.failure("not sent: \(error)")
        }
        await connection.close()
    }
}

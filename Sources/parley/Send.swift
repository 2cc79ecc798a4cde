import ArgumentParser
import Foundation
import ParleyDomain
import ParleyWire

struct Send: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Send one message; exits 0 once the server has acknowledged it."
    )

    @OptionGroup var account: AccountOptions

    @OptionGroup var target: ConversationOption

    @Argument(help: "The text, or - to read it from standard input.")
    var text: String

    func run() async throws {
        var message = text
        if text == "-" {
            message = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
            if message.hasSuffix("\n") { message.removeLast() }
        }
        try await account.withConnection(failure: "not sent: ") { connection, _ in
            try await connection.send(message, to: target.conversation)
        }
    }
}

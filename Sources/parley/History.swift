import ArgumentParser
import Foundation
import ParleyClient
import ParleyDomain
import ParleyWire

struct History: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print a conversation's latest messages, oldest first: [YYYY-MM-DD HH:MM] name: text"
    )

    @OptionGroup var account: AccountOptions

    @OptionGroup var target: ConversationOption

    @Option(help: "How many messages (1 to 200).")
    var limit = 50

    func run() async throws {
        try await account.withConnection { connection, _ in
            let slice = try await connection.history(of: target.conversation, page: .latest(limit: limit))
            for message in slice.messages {
                print(MessageFormat.historyLine(message, in: .current))
            }
        }
    }
}

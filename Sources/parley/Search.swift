import ArgumentParser
import Foundation
import ParleyClient
import ParleyDomain
import ParleyWire

struct Search: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Find messages holding every word given, newest first: [YYYY-MM-DD HH:MM] conversation name: text",
        discussion: """
        Searches the rooms you are in and your private chats; words match anywhere in a message, in any case. \
        Dates are 2026-11-30, "2026-11-30 17:45" (local time) or RFC 3339 (2026-11-30T17:45:00Z).
        """
    )

    @OptionGroup var account: AccountOptions

    @Argument(help: "The words to find.")
    var words: [String]

    @Option(name: .customLong("to"), help: "Only this conversation: a room you are in, or @NAME for a friend.")
    var conversation: String?

    @Option(help: "Only messages from NAME.")
    var from: String?

    @OptionGroup var selection: SelectionOptions

    func run() async throws {
        var query = SearchQuery(
            words.joined(separator: " "), conversation: conversation.map(ConversationID.init(rawValue:)), from: from,
            since: selection.since, until: selection.until
        )
        try await account.withConnection(failure: "cannot search: ") { connection, _ in
            var left = selection.count(default: SearchRules.defaultPage) ?? Int.max
            let pageSize = connection.serverHello.limits.historyPageMax
            while left > 0 {
                query.limit = min(left, pageSize)
                let page = try await connection.search(query)
                for hit in page.hits {
                    let message = hit.message
                    print(selection.json ? MessageFormat.jsonLine(message) : MessageFormat.historyLine(message, in: .current, naming: true))
                }
                left -= page.hits.count
                guard page.more, let last = page.hits.last else { break }
                query.beforeID = last.message.id
            }
        }
    }
}

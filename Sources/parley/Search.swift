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

    @Option(help: "Only messages sent at or after DATE.")
    var since: String?

    @Option(help: "Only messages sent at or before DATE.")
    var until: String?

    @Option(help: "How many hits, newest first (default 20).")
    var limit: Int?

    @Flag(help: "Every hit, however many.")
    var all = false

    @Flag(help: "One JSON object per message per line, as history --json prints them.")
    var json = false

    func validate() throws {
        if all && limit != nil { throw ValidationError("--all and --limit ask for different things: give one.") }
        if let limit, limit < 1 { throw ValidationError("--limit must be 1 or more (or use --all).") }
        for (flag, text) in [("--since", since), ("--until", until)] {
            if let text, MessageFormat.parseDate(text, in: .current) == nil {
                throw ValidationError("\(flag) \"\(text)\" is not a date: write 2026-11-30, \"2026-11-30 17:45\" or 2026-11-30T17:45:00Z.")
            }
        }
    }

    func run() async throws {
        var query = SearchQuery(
            words.joined(separator: " "), conversation: conversation.map(ConversationID.init(rawValue:)), from: from,
            since: since.flatMap { MessageFormat.parseDate($0, in: .current) },
            until: until.flatMap { MessageFormat.parseDate($0, in: .current) }
        )
        try await account.withConnection(failure: "cannot search: ") { connection, _ in
            var left = all ? Int.max : (limit ?? SearchRules.defaultPage)
            let pageSize = connection.serverHello.limits.historyPageMax
            while left > 0 {
                query.limit = min(left, pageSize)
                let page = try await connection.search(query)
                for hit in page.hits {
                    print(json ? MessageFormat.jsonLine(hit.message) : MessageFormat.historyLine(hit.message, in: .current, naming: true))
                }
                left -= page.hits.count
                guard page.more, let last = page.hits.last else { break }
                query.beforeID = last.message.id
            }
        }
    }
}

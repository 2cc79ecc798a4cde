import ArgumentParser
import Foundation
import ParleyClient
import ParleyDomain
import ParleyWire

struct History: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print a conversation's messages, oldest first: [YYYY-MM-DD HH:MM] name: text",
        discussion: """
        Pages through the history by itself, however many messages are asked for. \
        Dates are 2026-11-30, "2026-11-30 17:45" (local time) or RFC 3339 (2026-11-30T17:45:00Z).
        """
    )

    @OptionGroup var account: AccountOptions

    @OptionGroup var target: ConversationOption

    @OptionGroup var selection: SelectionOptions

    @Option(help: "Only messages with an id below ID.")
    var before: Int64?

    @Option(help: "Only messages with an id above ID, oldest first: resume after the last id printed.")
    var after: Int64?

    func run() async throws {
        let query = HistoryQuery(
            limit: selection.count(default: 50), beforeID: before, afterID: after, since: selection.since, until: selection.until
        )
        try await account.withConnection { connection, _ in
            try await connection.readHistory(of: target.conversation, query) { message in
                print(selection.json ? MessageFormat.jsonLine(message) : MessageFormat.historyLine(message, in: .current))
            }
        }
    }
}

/// Which messages and how to print them: what `history` and `search`
/// share.
struct SelectionOptions: ParsableArguments {
    @Option(help: "How many messages: the newest N of those selected (default 50 for history, 20 for search; history --after: the first N after it).")
    var limit: Int?

    @Flag(help: "Every message selected, however many.")
    var all = false

    @Option(name: .customLong("since"), help: "Only messages sent at or after DATE.")
    var sinceText: String?

    @Option(name: .customLong("until"), help: "Only messages sent at or before DATE.")
    var untilText: String?

    @Flag(help: "One JSON object per message per line: id, conversation, sender, time (RFC 3339), text, file.")
    var json = false

    func validate() throws {
        if all && limit != nil { throw ValidationError("--all and --limit ask for different things: give one.") }
        if let limit, limit < 1 { throw ValidationError("--limit must be 1 or more (or use --all).") }
        for (flag, text) in [("--since", sinceText), ("--until", untilText)] {
            if let text, MessageFormat.parseDate(text, in: .current) == nil {
                throw ValidationError("\(flag) \"\(text)\" is not a date: write 2026-11-30, \"2026-11-30 17:45\" or 2026-11-30T17:45:00Z.")
            }
        }
    }

    /// How many to print: nil for all.
    func count(default standard: Int) -> Int? { all ? nil : (limit ?? standard) }
    var since: Int64? { sinceText.flatMap { MessageFormat.parseDate($0, in: .current) } }
    var until: Int64? { untilText.flatMap { MessageFormat.parseDate($0, in: .current) } }
}

import ParleyDomain

/// Which messages of a conversation a script asks for: the newest `limit`
/// (all when nil) of those between the ids and times given.
public struct HistoryQuery: Hashable, Sendable {
    public var limit: Int?
    /// Only messages with an id below this one.
    public var beforeID: Int64?
    /// Only messages with an id above this one; the oldest of them come
    /// first, so a script can resume after the last id it printed.
    public var afterID: Int64?
    /// Only messages sent at or after this time (ms since the epoch).
    public var since: Int64?
    /// Only messages sent at or before this time (ms since the epoch).
    public var until: Int64?

    public init(limit: Int? = nil, beforeID: Int64? = nil, afterID: Int64? = nil, since: Int64? = nil, until: Int64? = nil) {
        self.limit = limit
        self.beforeID = beforeID
        self.afterID = afterID
        self.since = since
        self.until = until
    }

    func admits(_ message: ChatMessage) -> Bool {
        (beforeID.map { message.id < $0 } ?? true) && (afterID.map { message.id > $0 } ?? true)
            && (since.map { message.time >= $0 } ?? true) && (until.map { message.time <= $0 } ?? true)
    }
}

extension ParleyConnection {
    /// Reads the messages `query` selects in pages as large as the server
    /// allows, and hands them to `emit` oldest first. Everything (`limit`
    /// nil) or what follows an id is read forwards and handed on page by
    /// page, however long the history; the newest `limit` are read
    /// backwards and held until the oldest of them is known.
    public func readHistory(of conversation: ConversationID, _ query: HistoryQuery,
                            emit: (ChatMessage) throws -> Void) async throws {
        let pageSize = serverHello.limits.historyPageMax
        if query.limit == nil || query.afterID != nil {
            var cursor = query.afterID ?? 0
            var left = query.limit ?? Int.max
            while left > 0 {
                let page = try await history(of: conversation, page: .after(id: cursor, limit: pageSize))
                for message in page.messages where query.admits(message) {
                    try emit(message)
                    left -= 1
                    if left == 0 { return }
                }
                guard let last = page.messages.last, page.hasMore, query.beforeID.map({ last.id < $0 }) ?? true else { return }
                cursor = last.id
            }
            return
        }
        var newestFirst: [ChatMessage] = []
        var cursor = query.beforeID ?? Int64.max
        let limit = query.limit ?? Int.max
        reading: while newestFirst.count < limit {
            let page = try await history(of: conversation, page: .before(id: cursor, limit: pageSize))
            for message in page.messages.reversed() {
                // Older than `since`: so is everything before it.
                if let since = query.since, message.time < since { break reading }
                guard query.admits(message) else { continue }
                newestFirst.append(message)
                if newestFirst.count == limit { break reading }
            }
            guard let oldest = page.messages.first, page.hasMore else { break }
            cursor = oldest.id
        }
        for message in newestFirst.reversed() { try emit(message) }
    }
}

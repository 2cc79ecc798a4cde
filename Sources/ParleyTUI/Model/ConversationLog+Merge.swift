import ParleyProtocol

extension ConversationLog {
    /// Adds messages newer than the newest shown, in id order; anything
    /// already shown is skipped, so replays after a reconnect never double.
    /// Returns how many were new.
    @discardableResult
    mutating func merge(_ messages: [ChatMessage]) -> Int {
        var newest = newestID ?? .min
        var added = 0
        for message in messages.sorted(by: { $0.id < $1.id }) where message.id > newest {
            added += 1
            entries.append(Entry(kind: .message(message), time: message.time))
            newest = message.id
            if scrollBack > 0 {
                scrollBack += 1
                newBelow += 1
            }
        }
        return added
    }

    /// Puts an older page in front of what is shown.
    mutating func prepend(_ messages: [ChatMessage], hasMore: Bool) {
        let oldest = oldestID ?? .max
        let older = messages.filter { $0.id < oldest }.sorted { $0.id < $1.id }
        entries.insert(contentsOf: older.map { Entry(kind: .message($0), time: $0.time) }, at: 0)
        hasMoreOlder = hasMore
        loadingOlder = false
    }

    mutating func append(system text: String, at time: Int64) {
        entries.append(Entry(kind: .system(text), time: time))
        if scrollBack > 0 { scrollBack += 1 }
    }
}

import ParleyClient
import ParleyDomain
import ParleyWire

extension ConversationLog {
    /// Adds messages in id order, each once: newer than the newest shown at
    /// the end, an older one not shown (caught up after a reconnect, when
    /// live messages and the welcome's came first) in its place by id.
    /// Returns how many were new.
    @discardableResult
    mutating func merge(_ messages: [ChatMessage]) -> Int {
        var added = 0
        for message in messages.sorted(by: { $0.id < $1.id }) {
            let entry = Entry(kind: .message(message), time: message.time)
            if message.id > newestID ?? .min {
                entries.append(entry)
            } else {
                guard !entries.contains(where: { $0.messageID == message.id }) else { continue }
                let place = entries.firstIndex { ($0.messageID ?? .min) > message.id } ?? entries.count
                entries.insert(entry, at: place)
            }
            added += 1
            if scrollBack > 0 || showsOldest {
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
        // What was the oldest stays in view; older lines are above it now.
        showsOldest = false
    }

    mutating func append(system text: String, at time: Int64) {
        entries.append(Entry(kind: .system(text), time: time))
        if scrollBack > 0 || showsOldest { scrollBack += 1 }
    }
}

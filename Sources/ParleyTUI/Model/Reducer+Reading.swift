import ParleyClient
import ParleyDomain

// Where the user stopped reading each conversation. The server keeps it for
// the account, so every session agrees: what is read on one machine is not
// unread on another. The unread and mention counts of the top bar and the
// line "new since you left" follow it.

extension ConversationLog {
    /// Counts the messages from others after `position` as unread, and
    /// those that name you as mentions.
    mutating func countUnread(after position: Int64, me: String) {
        var unread = 0, mentions = 0
        for entry in entries {
            guard case .message(let message) = entry.kind, message.id > position, message.sender != me else { continue }
            unread += 1
            if Mentions.contains(me, in: message.text) { mentions += 1 }
        }
        (self.unread, self.mentions) = (unread, mentions)
    }

    /// Moves the read position here to `position`: the marker goes after
    /// it and the counts follow.
    mutating func read(through position: Int64, me: String) {
        readMarker = position
        countUnread(after: position, me: me)
    }
}

/// The positions a welcome brings: each conversation's marker and counts
/// as the account left them, wherever that was.
func adoptReadPositions(_ state: inout AppState, _ positions: [ConversationID: Int64]) {
    for (id, position) in positions where position > state.readPositions[id] ?? .min {
        state.readPositions[id] = position
        let me = state.me
        state.updateLog(id) { $0.read(through: position, me: me) }
    }
}

/// Another session of the account read `id` up to `position`.
func readElsewhere(_ state: inout AppState, _ id: ConversationID, through position: Int64) {
    guard position > state.readPositions[id] ?? .min else { return }
    state.readPositions[id] = position
    // The conversation on screen is being read here already.
    guard state.current.id != id else { return }
    let me = state.me
    state.updateLog(id) { $0.read(through: position, me: me) }
}

/// The conversation on screen, scrolled to its newest message, is read
/// here: the server hears when that moved the position.
func readHere(_ state: inout AppState) -> [Effect] {
    guard state.phase == .chat, state.popup == nil || state.activeChat != nil else { return [] }
    let log = state.current
    guard log.scrollBack == 0, let newest = log.newestID, newest > state.readPositions[log.id] ?? .min else { return [] }
    state.readPositions[log.id] = newest
    return [.markRead(log.id, through: newest)]
}

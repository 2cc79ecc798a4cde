/// What happened in a conversation or to a friendship, as the hub hands it
/// to every session concerned; each front door says it in its own format.
public enum ChatEvent: Hashable, Sendable {
    case message(ChatMessage)
    /// `user` is now present in a room: came online (`newMember` false) or
    /// joined it; `guest` when the user is a guest.
    case joined(conversation: ConversationID, user: String, newMember: Bool, guest: Bool = false)
    /// `user` is no longer present: went offline (`stillMember` true), or
    /// left the room.
    case left(conversation: ConversationID, user: String, reason: Departure, stillMember: Bool)
    case topic(conversation: ConversationID, topic: String, by: String)
    case friendRequest(from: String)
    case friendAdded(Friend)
    case friendRemoved(name: String)
    case friendDeclined(name: String)
    case friendOnline(name: String)
    case friendOffline(name: String)
    /// The user has read `conversation` up to message `through`, in one of
    /// their sessions: every session moves its marker there.
    case read(conversation: ConversationID, through: Int64)
    /// `user` is away, saying `text`, or back (nil): heard in the user's rooms.
    case away(user: String, text: String?)
}

/// Why someone is no longer present.
public enum Departure: Hashable, Sendable {
    case quit
    case connectionLost
    case timedOut
    /// Fell too far behind reading what was sent to them.
    case tooSlow
    case serverShuttingDown
    case leftRoom
    /// Logged in elsewhere with take-over (never announced: the user stays).
    case replaced
}

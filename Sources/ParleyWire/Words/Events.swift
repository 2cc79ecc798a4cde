import ParleyDomain

extension Event {
    /// A domain event as the Parley wire says it.
    public init(_ event: ChatEvent) {
        switch event {
        case .message(let message): self = .message(message)
        case .joined(let conversation, let user, let newMember, let guest):
            self = .joined(conversation: conversation, user: user, newMember: newMember, guest: guest)
        case .left(let conversation, let user, let reason, let stillMember):
            self = .left(conversation: conversation, user: user, reason: reason.words, stillMember: stillMember)
        case .topic(let conversation, let topic, let by): self = .topic(conversation: conversation, topic: topic, by: by)
        case .friendRequest(let from): self = .friendRequest(from: from)
        case .friendAdded(let friend): self = .friendAdded(friend)
        case .friendRemoved(let name): self = .friendRemoved(name: name)
        case .friendDeclined(let name): self = .friendDeclined(name: name)
        case .friendOnline(let name): self = .friendOnline(name: name)
        case .friendOffline(let name): self = .friendOffline(name: name)
        case .read(let conversation, let through): self = .read(conversation: conversation, through: through)
        case .away(let user, let text): self = .away(user: user, text: text)
        }
    }
}

extension Departure {
    /// The `reason` of a `left` event (docs/PROTOCOL.md).
    public var words: String {
        switch self {
        case .quit: "quit"
        case .connectionLost: "connection lost"
        case .timedOut: "timed out"
        case .tooSlow: "too slow"
        case .serverShuttingDown: "server shutting down"
        case .leftRoom: "left the room"
        case .replaced: "logged in elsewhere"
        }
    }
}

import ParleyProtocol

/// Keeps the friend list current and says what happened in the status line.
func reduceFriendEvent(_ state: inout AppState, _ event: Event) -> [Effect] {
    var notice: String?
    switch event {
    case .friendRequest(let from):
        if !state.friends.incoming.contains(from) { state.friends.incoming.append(from) }
        notice = "\(from) asks to be your friend: /friend accept \(from) or /friend decline \(from)"
    case .friendAdded(let friend):
        state.friends.incoming.removeAll { $0 == friend.name }
        state.friends.outgoing.removeAll { $0 == friend.name }
        state.friends.friends.removeAll { $0.name == friend.name }
        state.friends.friends.append(friend)
        state.friends.friends.sort { $0.name.lowercased() < $1.name.lowercased() }
        notice = "You and \(friend.name) are friends now."
    case .friendRemoved(let name):
        state.friends.friends.removeAll { $0.name == name }
        notice = "You and \(name) are no longer friends."
    case .friendDeclined(let name):
        state.friends.outgoing.removeAll { $0 == name }
        notice = "\(name) declined your friend request."
    case .friendOnline(let name), .friendOffline(let name):
        let online = if case .friendOnline = event { true } else { false }
        if let index = state.friends.friends.firstIndex(where: { $0.name == name }) {
            state.friends.friends[index].online = online
        }
        notice = "\(name) is \(online ? "online" : "offline")."
    default:
        return []
    }
    state.status = notice.map { StatusMessage(text: $0, kind: .hint) }
    if case .friendRequest = event { return [.bell] }
    if case .friendOnline = event { return [.bell] }
    return []
}

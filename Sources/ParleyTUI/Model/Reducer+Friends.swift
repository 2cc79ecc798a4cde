import ParleyClient
import ParleyDomain
import ParleyWire

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

/// Your own friend action went through: the pane and `/friends` show the
/// list as the server now has it, and the status line says what changed.
func friendsChanged(_ state: inout AppState, _ action: FriendAction, _ name: String, _ list: FriendList) {
    state.friends = list
    state.friendSelection = min(state.friendSelection, max(0, friendRows(state).count - 1))
    let text = switch action {
    case .add: list.friends.contains { $0.name.lowercased() == name.lowercased() }
        ? "You and \(name) are friends now." : "Asked \(name) to be your friend."
    case .accept: "You and \(name) are friends now."
    case .decline: "Declined \(name)'s friend request."
    case .remove: "You and \(name) are no longer friends."
    case .block: "Blocked \(name): no friend requests or private messages from them (/unblock \(name) undoes it)."
    case .unblock: "Unblocked \(name)."
    }
    state.status = StatusMessage(text: text, kind: .hint)
}

/// One row of the friends pane.
public enum FriendRow: Hashable, Sendable {
    case friend(Friend)
    /// Asks to be your friend.
    case incoming(String)
    /// You asked.
    case outgoing(String)

    public var name: String {
        switch self {
        case .friend(let friend): friend.name
        case .incoming(let name), .outgoing(let name): name
        }
    }
}

/// The friends pane top to bottom: requests to answer first, then friends
/// online, then offline, then requests you sent.
public func friendRows(_ state: AppState) -> [FriendRow] {
    let friends = state.friends.friends.sorted { ($0.online ? 0 : 1, $0.name.lowercased()) < ($1.online ? 0 : 1, $1.name.lowercased()) }
    return state.friends.incoming.map(FriendRow.incoming) + friends.map(FriendRow.friend) + state.friends.outgoing.map(FriendRow.outgoing)
}

/// Keys while the friends pane has the keyboard.
func reduceFriendsPaneKey(_ state: inout AppState, _ key: Key) -> [Effect] {
    let rows = friendRows(state)
    let selected = rows.indices.contains(state.friendSelection) ? rows[state.friendSelection] : nil
    switch (state.keymap.command(for: key), key) {
    case (.closePopup?, _), (.focusFriends?, _):
        state.friendsFocused = false
    case (.recallPrevious?, _):
        state.friendSelection = max(0, state.friendSelection - 1)
    case (.recallNext?, _):
        state.friendSelection = min(max(0, rows.count - 1), state.friendSelection + 1)
    case (.send?, _):
        switch selected {
        case .friend(let friend)?: return open(&state, .direct(friend.name))
        case .incoming(let name)?: return [.friend(.accept, name: name)]
        default: break
        }
    case (.quit?, _):
        state.quitting = true
        return [.quit]
    case (_, .character("a")):
        if case .incoming(let name)? = selected { return [.friend(.accept, name: name)] }
    case (_, .character("d")):
        if case .incoming(let name)? = selected { return [.friend(.decline, name: name)] }
    default:
        break
    }
    return []
}

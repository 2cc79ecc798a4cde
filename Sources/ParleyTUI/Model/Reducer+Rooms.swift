import Foundation
import ParleyClient
import ParleyDomain
import ParleyWire

// MARK: Rooms from the server

extension ConversationLog {
    /// A room's log as the server describes it on joining or logging in.
    init(_ snapshot: RoomSnapshot) {
        self.init(id: snapshot.name)
        hasMoreOlder = snapshot.hasMore
        adopt(snapshot)
        merge(snapshot.history)
    }

    mutating func adopt(_ snapshot: RoomSnapshot) {
        topic = snapshot.topic
        openTopic = snapshot.openTopic
        members = snapshot.members
        crowd = snapshot.isLarge ? Crowd(members: snapshot.memberCount, online: snapshot.onlineCount) : nil
    }
}

/// Takes the rooms of a welcome. After a reconnect (`fresh` false), the
/// logs you had keep their lines and get what is new, counted as unread
/// where you are not.
func adoptRooms(_ state: inout AppState, _ snapshots: [RoomSnapshot], fresh: Bool) {
    let previous = fresh ? [] : state.rooms
    state.rooms = snapshots.map { snapshot in
        guard var log = previous.first(where: { $0.id == snapshot.name }) else { return ConversationLog(snapshot) }
        log.adopt(snapshot)
        return log
    }
    if state.rooms.isEmpty { state.rooms = [ConversationLog(id: .lobby)] }
    state.rooms = inBarOrder(state.rooms)
    if state.roomIndex(state.room) == nil { state.room = state.rooms[0].id }
    guard !fresh else { return }
    for snapshot in snapshots {
        for message in snapshot.history { _ = receiveRoomMessage(&state, message) }
    }
}

/// A message of a room: into its log, counted unread (and as a mention)
/// when that room does not have the keys. True when it mentions you.
func receiveRoomMessage(_ state: inout AppState, _ message: ChatMessage) -> Bool {
    let index = state.roomIndex(message.conversation) ?? {
        // A message can overtake the reply to joining its room.
        state.rooms.append(ConversationLog(id: message.conversation))
        return state.rooms.count - 1
    }()
    guard state.rooms[index].merge([message]) > 0, message.sender != state.me else { return false }
    let mentioned = Mentions.contains(state.me, in: message.text)
    if state.current.id != message.conversation {
        state.rooms[index].unread += 1
        if mentioned { state.rooms[index].mentions += 1 }
    }
    return mentioned
}

/// The lobby first, then by name as people count: room-2 before room-10.
func inBarOrder(_ rooms: [ConversationLog]) -> [ConversationLog] {
    rooms.filter { $0.id == .lobby } + rooms.filter { $0.id != .lobby }.sorted {
        $0.id.rawValue.compare($1.id.rawValue, options: [.numeric, .caseInsensitive]) == .orderedAscending
    }
}

/// A room just created or joined: into the list in its place, and on screen.
func joinedRoom(_ state: inout AppState, _ snapshot: RoomSnapshot) {
    addRoom(&state, snapshot)
    show(&state, snapshot.name)
    state.status = StatusMessage(text: "You are in \(snapshot.name); Alt+1 is the lobby, /part leaves.", kind: .hint)
}

/// A room into the list in its place (what it shows merged, if listed
/// already), without taking the keys: joined here or in another session.
func addRoom(_ state: inout AppState, _ snapshot: RoomSnapshot) {
    if let index = state.roomIndex(snapshot.name) {
        var log = state.rooms[index]
        log.adopt(snapshot)
        log.hasMoreOlder = log.hasMoreOlder || snapshot.hasMore
        log.merge(snapshot.history)
        state.rooms[index] = log
    } else {
        state.rooms = inBarOrder(state.rooms + [ConversationLog(snapshot)])
    }
    if let index = state.directory.firstIndex(where: { $0.name == snapshot.name }) {
        state.directory[index].joined = true
    }
}

/// A room you left: gone from the list; the lobby takes its place on screen.
func leftRoom(_ state: inout AppState, _ id: ConversationID) {
    guard let index = state.roomIndex(id) else { return }
    let onScreen = state.room == state.rooms[index].id
    state.rooms.remove(at: index)
    let key = NameRules.key(for: id.rawValue)
    if let entry = state.directory.firstIndex(where: { NameRules.key(for: $0.name.rawValue) == key }) {
        state.directory[entry].joined = false
    }
    if onScreen { state.room = .lobby }
    state.status = StatusMessage(text: "You left \(id).", kind: .hint)
}

/// Presence and topics of the rooms you are in.
func reduceRoomEvent(_ state: inout AppState, _ event: Event) {
    switch event {
    case .joined(let room, let user, let newMember, let guest):
        guard let index = state.roomIndex(room) else { return }
        if var crowd = state.rooms[index].crowd {
            crowd.online += 1
            if newMember {
                crowd.members += 1
                state.rooms[index].append(system: "\(user) joined \(room)", at: state.now)
            }
            state.rooms[index].crowd = crowd
            return
        }
        state.rooms[index].members.removeAll { $0.name == user }
        state.rooms[index].members.append(Member(name: user, online: true, guest: guest))
        state.rooms[index].members = sortedMembers(state.rooms[index].members)
        state.rooms[index].append(system: newMember ? "\(user) joined \(room)" : "\(user) is here", at: state.now)
    case .left(let room, let user, let reason, let stillMember):
        guard let index = state.roomIndex(room) else { return }
        if var crowd = state.rooms[index].crowd {
            crowd.online = max(0, crowd.online - 1)
            if !stillMember {
                crowd.members = max(0, crowd.members - 1)
                state.rooms[index].append(system: "\(user) left \(room)", at: state.now)
            }
            state.rooms[index].crowd = crowd
            return
        }
        let wasGuest = state.rooms[index].members.contains { $0.name == user && $0.guest }
        state.rooms[index].members.removeAll { $0.name == user }
        // A guest is a member only while its session lasts.
        if stillMember && !wasGuest {
            state.rooms[index].members.append(Member(name: user, online: false))
            state.rooms[index].members = sortedMembers(state.rooms[index].members)
        }
        state.rooms[index].append(system: stillMember ? "\(user) left (\(reason))" : "\(user) left \(room)", at: state.now)
    case .topic(let room, let topic, let by):
        guard let index = state.roomIndex(room) else { return }
        state.rooms[index].topic = topic
        state.rooms[index].append(system: topic.isEmpty ? "\(by) cleared the topic" : "\(by) set the topic: \(topic)", at: state.now)
    default:
        break
    }
}

/// Online first, each part by name.
func sortedMembers(_ members: [Member]) -> [Member] {
    let byName = members.sorted { $0.name.lowercased() < $1.name.lowercased() }
    return byName.filter(\.online) + byName.filter { !$0.online }
}

// MARK: Moving between conversations

/// Gives `id` the keys: a room on the main screen, a private chat in its
/// pop-up. The conversation left behind remembers where you stopped reading.
func show(_ state: inout AppState, _ id: ConversationID) {
    let leaving = state.current.id
    // Leaving the view around a search hit puts the conversation back.
    if let jump = state.jump, jump.target == leaving, id != leaving { endJump(&state) }
    if leaving != id {
        var log = state.current
        log.readMarker = log.newestID
        state.current = log
        // What the status said was about the conversation left.
        state.status = nil
    }
    if id.directPeer == nil {
        state.activeChat = nil
        state.room = state.rooms[state.roomIndex(id) ?? 0].id
    } else {
        state.activeChat = state.privateChats[state.privateChatIndex(id)].id
    }
    state.friendsFocused = false
    state.current.unread = 0
    state.current.mentions = 0
}

/// Alt+1..9, Ctrl+N, Ctrl+P and Alt+A.
func navigate(_ state: inout AppState, _ command: Command) -> [Effect] {
    let all = state.conversations.map(\.id)
    let here = all.firstIndex(of: state.current.id) ?? 0
    let target: ConversationID
    switch command {
    case .nextConversation: target = all[(here + 1) % all.count]
    case .previousConversation: target = all[(here - 1 + all.count) % all.count]
    case .nextUnread:
        // Mentions first, then anything unread, each from the one after this.
        let after = state.conversations.indices.map { (here + 1 + $0) % all.count }.map { state.conversations[$0] }
        guard let next = after.first(where: { $0.mentions > 0 }) ?? after.first(where: { $0.unread > 0 }) else {
            state.status = StatusMessage(text: "Nothing unread.", kind: .hint)
            return []
        }
        target = next.id
    default:
        guard let number = command.conversationNumber else { return [] }
        guard number <= all.count else {
            state.status = StatusMessage(text: "There is no conversation \(number); you have \(all.count).", kind: .hint)
            return []
        }
        target = all[number - 1]
    }
    return target.directPeer == nil ? showRoom(&state, target) : open(&state, target)
}

private func showRoom(_ state: inout AppState, _ id: ConversationID) -> [Effect] {
    show(&state, id)
    return []
}

// MARK: The room list pop-up

func reduceRoomsPopupKey(_ state: inout AppState, _ key: Key) -> [Effect] {
    let count = state.directory.count
    switch state.keymap.command(for: key) {
    case .closePopup?:
        state.popup = nil
    case .quit?:
        return quit(&state)
    case .recallPrevious?: state.directorySelection = max(0, state.directorySelection - 1)
    case .recallNext?: state.directorySelection = min(max(0, count - 1), state.directorySelection + 1)
    case .pageUp?: state.directorySelection = max(0, state.directorySelection - 10)
    case .pageDown?: state.directorySelection = min(max(0, count - 1), state.directorySelection + 10)
    case .homeOrTop?, .scrollTop?: state.directorySelection = 0
    case .endOrBottom?, .scrollBottom?: state.directorySelection = max(0, count - 1)
    case .send?:
        guard state.directory.indices.contains(state.directorySelection) else { return [] }
        state.popup = nil
        return join(&state, state.directory[state.directorySelection].name.rawValue)
    default: break
    }
    return []
}

/// Joins a room, or shows it when you are in it already.
func join(_ state: inout AppState, _ name: String) -> [Effect] {
    if let index = state.roomIndex(ConversationID(rawValue: name)) {
        show(&state, state.rooms[index].id)
        return []
    }
    return [.join(name)]
}

// MARK: Room commands

func runRoomCommand(_ state: inout AppState, _ command: SlashCommand, _ argument: String) -> [Effect] {
    var words = argument.split(separator: " ", maxSplits: 1).map(String.init)
    func usage() -> [Effect] {
        state.status = StatusMessage(text: "Usage: \(command.usage)", kind: .hint)
        return []
    }
    switch command {
    case .create:
        // "+open" cannot be a room's name: "+" is not allowed in names.
        let open = words.first == "+open"
        if open { words = words.dropFirst().joined(separator: " ").split(separator: " ", maxSplits: 1).map(String.init) }
        guard let name = words.first else { return usage() }
        _ = state.currentInput.take()
        return [.createRoom(name: name, topic: words.count > 1 ? words[1] : "", openTopic: open)]
    case .join:
        guard words.count == 1 else { return usage() }
        _ = state.currentInput.take()
        return join(&state, words[0])
    case .part:
        guard words.count <= 1 else { return usage() }
        let name = words.first ?? state.room.rawValue
        guard NameRules.key(for: name) != ConversationID.lobby.rawValue else {
            state.status = StatusMessage(text: "Everybody stays in the lobby; /part leaves other rooms.", kind: .error)
            return []
        }
        _ = state.currentInput.take()
        return [.leave(name)]
    case .rooms:
        _ = state.currentInput.take()
        return [.listRooms(show: true)]
    case .topic:
        guard state.activeChat == nil else {
            state.status = StatusMessage(text: "Topics belong to rooms; Esc goes back to \(state.room).", kind: .hint)
            return []
        }
        _ = state.currentInput.take()
        if argument.isEmpty {
            let topic = state.conversation.topic
            state.conversation.append(system: topic.isEmpty ? "\(state.room) has no topic" : "topic of \(state.room): \(topic)", at: state.now)
            return []
        }
        return [.setTopic(argument, of: state.room)]
    case .guests:
        guard state.activeChat == nil else {
            state.status = StatusMessage(text: "Guests are let into rooms; Esc goes back to \(state.room).", kind: .hint)
            return []
        }
        let allow: Bool
        switch argument.lowercased() {
        case "on": allow = true
        case "off": allow = false
        default:
            state.status = StatusMessage(text: "Usage: " + SlashCommand.guests.usage, kind: .hint)
            return []
        }
        _ = state.currentInput.take()
        return [.setGuests(allow, in: state.room)]
    default:
        return []
    }
}

import ParleyClient
import ParleyDomain
import ParleyWire

/// The front end's only logic: how an action changes the state, and what
/// it asks the outside world to do. Pure: no I/O, no curses, no clock.
public func reduce(_ state: inout AppState, _ action: Action) -> [Effect] {
    if case .tick(let now) = action { state.now = now }
    // Whatever woke the loop, a hint past its time is gone.
    if let until = state.status?.until, until <= state.now { state.status = nil }
    let effects = reduceAction(&state, action) + readHere(&state)
    // A hint is news for a while; then the status line is free again.
    if let status = state.status, status.kind == .hint, status.until == nil {
        state.status?.until = state.now + noticeMillis
    }
    return effects
}

private func reduceAction(_ state: inout AppState, _ action: Action) -> [Effect] {
    switch action {
    case .key(let key):
        state.lastKeyAt = state.now
        if case .login(var form) = state.phase {
            let effects = reduceLoginKey(&form, key, state: &state)
            if case .login = state.phase { state.phase = .login(form) }
            return effects
        }
        return reduceChatKey(&state, key)
    case .paste(let text):
        return reducePaste(&state, text)
    case .resize(let size):
        state.size = size
    case .tick:
        break
    case .loginFailed(let reason, let canTakeOver):
        if case .login(var form) = state.phase {
            form.canTakeOver = canTakeOver
            form.error = canTakeOver
                ? reason + " Press \(state.keymap.label(for: .takeOver)) to log in here and close the others."
                : reason
            form.busy = false
            state.phase = .login(form)
        }
    case .loggedIn(let welcome, let limits):
        let first = state.phase != .chat
        state.phase = .chat
        state.me = welcome.user
        state.friends = welcome.friends
        state.connection = .online
        state.maxMessageCharacters = limits.maxMessageCharacters
        state.ratePerSecond = limits.ratePerSecond
        adoptRooms(&state, welcome.rooms, fresh: first)
        adoptReadPositions(&state, welcome.read)
        if first {
            state.status = StatusMessage(text: "F1 or /help: keys and commands", kind: .hint)
        } else {
            state.conversation.append(system: "reconnected", at: state.now)
            state.status = nil
        }
        // The room list, for /join's completion.
        let effects: [Effect] = [.listRooms(show: false)]
        return effects + showAway(&state, welcome.away)
    case .awayArrived(let messages):
        return showAway(&state, messages)
    case .caughtUp(let messages):
        for message in messages {
            if message.conversation.directPeer != nil {
                let index = state.privateChatIndex(message.conversation)
                let added = state.privateChats[index].merge([message])
                if added > 0 && state.activeChat != message.conversation && message.sender != state.me {
                    state.privateChats[index].unread += 1
                }
            } else {
                _ = receiveRoomMessage(&state, message)
            }
        }
    case .olderLoaded(let slice):
        if slice.conversation.directPeer != nil {
            let index = state.privateChatIndex(slice.conversation)
            state.privateChats[index].prepend(slice.messages, hasMore: slice.hasMore)
        } else if let index = state.roomIndex(slice.conversation) {
            state.rooms[index].prepend(slice.messages, hasMore: slice.hasMore)
        }
    case .joined(let snapshot):
        joinedRoom(&state, snapshot)
    case .left(let id):
        leftRoom(&state, id)
    case .roomFetched(let snapshot):
        addRoom(&state, snapshot)
    case .searchAnswered(let text, let page, let appended):
        searchAnswered(&state, text, page, appended: appended)
    case .searchFailed(let text, let reason):
        searchFailed(&state, text, reason)
    case .aroundLoaded(let conversation, let id, let messages, let hasOlder):
        showAround(&state, conversation, message: id, messages, hasOlder: hasOlder)
    case .filesListed(let conversation, let files):
        showFiles(&state, conversation, files)
    case .transferProgress, .transferEnded:
        reduceTransfer(&state, action)
    case .pathCompletions(let typed, let paths):
        applyPathCompletions(&state, typed: typed, paths)
    case .roomsListed(let rooms, let show):
        state.directory = rooms
        state.directorySelection = min(state.directorySelection, max(0, rooms.count - 1))
        if show { state.popup = .rooms }
    case .event(let event):
        return reduceEvent(&state, event)
    case .friendsChanged(let action, let name, let list):
        friendsChanged(&state, action, name, list)
    case .sent(let id, let message):
        return lineSent(&state, id, message)
    case .sendFailed(let id, let reason):
        lineRefused(&state, id, reason: reason)
    case .connectionLost(let reason):
        guard !state.quitting, state.phase == .chat else { return [] }
        if case .offline = state.connection { return [] }
        state.conversation.append(system: "connection lost: \(reason)", at: state.now)
        return startReconnect(&state, attempt: 1)
    case .reconnectCountdown(let attempt, let seconds):
        state.connection = .reconnecting(attempt: attempt, inSeconds: seconds)
    case .reconnectFailed(let attempt, let reason):
        state.status = StatusMessage(text: "Reconnect failed: \(reason)", kind: .error)
        return startReconnect(&state, attempt: attempt + 1)
    case .commandFailed(let reason):
        state.status = StatusMessage(text: reason, kind: .error)
    case .notice(let text):
        state.status = StatusMessage(text: text, kind: .hint)
    case .passwordChanged:
        state.popup = nil
        state.passwordForm = nil
        state.status = StatusMessage(text: "Password changed; your other devices must log in with the new one.", kind: .hint)
    case .passwordChangeFailed(let reason):
        state.passwordForm?.busy = false
        state.passwordForm?.error = reason
    case .themeChanged(let name):
        state.theme = name
        state.status = StatusMessage(text: "Theme: \(name)", kind: .hint)
    case .themeFailed(let reason):
        state.status = StatusMessage(text: reason, kind: .error)
    }
    return []
}

/// Seconds to wait before reconnect attempt `attempt`: 1, 2, 4, 8, 16, then 30.
public func reconnectDelay(attempt: Int) -> Int {
    min(30, 1 << min(max(attempt - 1, 0), 5))
}

private func startReconnect(_ state: inout AppState, attempt: Int) -> [Effect] {
    state.connection = .reconnecting(attempt: attempt, inSeconds: reconnectDelay(attempt: attempt))
    var resume: [ConversationID: Int64] = [:]
    for log in state.conversations {
        if let newest = log.newestID { resume[log.id] = newest }
    }
    return [.reconnect(attempt: attempt, resume: resume)]
}

// MARK: Events

private func reduceEvent(_ state: inout AppState, _ event: Event) -> [Effect] {
    switch event {
    case .read(let conversation, let through):
        readElsewhere(&state, conversation, through: through)
    case .message(let message) where message.conversation.directPeer != nil:
        return receivePrivate(&state, message, away: false)
    case .message(let message):
        return receiveRoomMessage(&state, message) ? [.bell] : []
    case .joined(let room, let user, true, _) where user == state.me && state.roomIndex(room) == nil:
        // Joined in another session of the account: list it here too.
        return [.fetchRoom(room)]
    case .left(let room, let user, _, false) where user == state.me:
        leftRoom(&state, room)
    case .joined, .left, .topic:
        reduceRoomEvent(&state, event)
    case .closing(let error):
        state.conversation.append(system: error.message, at: state.now)
        if error.code == .sessionReplaced {
            state.connection = .offline("logged in elsewhere")
        }
    case .error(let error):
        state.status = StatusMessage(text: error.message, kind: .error)
    case .ping, .uploadDone, .uploadFailed, .downloadFailed:
        // Transfers report to the runtime that started them.
        break
    case .away:
        // Set at the IRC door; this client has no /away to show it with yet.
        break
    case .friendRequest, .friendAdded, .friendRemoved, .friendDeclined, .friendOnline, .friendOffline:
        return reduceFriendEvent(&state, event)
    }
    return []
}

/// A private message: into its chat; from someone else, it opens the chat's
/// pop-up (popup = "auto") or counts as unread, and says so in the status line.
/// Shows messages that waited for this user and tells the server they are
/// shown; its answer brings the next that wait, until none do.
private func showAway(_ state: inout AppState, _ messages: [ChatMessage]) -> [Effect] {
    var effects: [Effect] = []
    for message in messages {
        effects += receivePrivate(&state, message, away: true)
    }
    if let last = messages.map(\.id).max() { effects.append(.awayReceived(through: last)) }
    return effects
}

private func receivePrivate(_ state: inout AppState, _ message: ChatMessage, away: Bool) -> [Effect] {
    let index = state.privateChatIndex(message.conversation)
    state.privateChats[index].merge([message])
    guard message.sender != state.me, state.activeChat != message.conversation else { return [] }
    let when = away ? " (while you were away)" : ""
    var effects: [Effect] = [.bell]
    if state.popupOnMessage && !state.friendsFocused && state.popup == nil && !isTyping(state) {
        effects += open(&state, message.conversation)
        state.status = StatusMessage(text: "\(message.sender)\(when): \(message.text)", kind: .hint)
    } else {
        // Never under someone's fingers: a notice, and the chat one key away.
        state.privateChats[index].unread += 1
        state.status = StatusMessage(
            text: "\(message.sender)\(when): \(message.text) — \(state.keymap.label(for: .nextChat)) opens", kind: .hint
        )
    }
    return effects
}

/// How long a hint stays in the status line, ms.
let noticeMillis: Int64 = 10_000
/// Keys this recent mean the user is typing, ms.
let typingMillis: Int64 = 3_000

/// A draft in the box, or a key pressed a moment ago: a pop-up opening by
/// itself now would take keys meant for the conversation on screen.
private func isTyping(_ state: AppState) -> Bool {
    !state.currentInput.isEmpty || state.now - state.lastKeyAt < typingMillis
}

// MARK: Chat keys

private func reduceChatKey(_ state: inout AppState, _ key: Key) -> [Effect] {
    if state.popup == .rooms {
        return reduceRoomsPopupKey(&state, key)
    }
    if state.popup == .files {
        return reducePickerKey(&state, key)
    }
    if state.popup == .search {
        return reduceSearchKey(&state, key)
    }
    if state.popup == .password, var form = state.passwordForm {
        let effects = reducePasswordKey(&form, key, state: &state)
        if state.popup == .password { state.passwordForm = form }
        return effects
    }
    if state.confirmingCancel != nil {
        return answerCancel(&state, key)
    }
    if state.popup != nil {
        switch state.keymap.command(for: key) {
        case .closePopup?, .help?, .send?: state.popup = nil
        case .quit?: return quit(&state)
        case .recallPrevious?: state.helpScroll = max(0, state.helpScroll - 1)
        case .recallNext?: state.helpScroll += 1
        case .pageUp?: state.helpScroll = max(0, state.helpScroll - 10)
        case .pageDown?: state.helpScroll += 10
        default: break
        }
        return []
    }
    if state.friendsFocused {
        return reduceFriendsPaneKey(&state, key)
    }
    let command = state.keymap.command(for: key)
    if state.currentInput.marked {
        // A refused line: typing replaces it, any other key keeps it to fix.
        if command == nil, case .character = key { _ = state.currentInput.take() }
        state.currentInput.marked = false
    }
    guard let command else {
        switch key {
        case .character(let c):
            state.currentInput.insert(String(c))
            // Typing answers an error; a hint (a message for you) stays its time.
            if state.status?.kind == .error { state.status = nil }
        default:
            break
        }
        return []
    }
    switch command {
    case .send: return submit(&state)
    case .newline: state.currentInput.insert("\n")
    case .cursorLeft: state.currentInput.moveLeft()
    case .cursorRight: state.currentInput.moveRight()
    case .lineStart: state.currentInput.moveToLineStart()
    case .lineEnd: state.currentInput.moveToLineEnd()
    case .deleteBackward: state.currentInput.deleteBackward()
    case .deleteForward: state.currentInput.deleteForward()
    case .deleteWord: state.currentInput.deleteWordBackward()
    case .deleteToStart: state.currentInput.deleteToStart()
    case .deleteToEnd: state.currentInput.deleteToEnd()
    case .recallPrevious: state.currentInput.recallPrevious()
    case .recallNext: state.currentInput.recallNext()
    case .complete: return complete(&state)
    case .pageUp: return scroll(&state, .pageUp)
    case .pageDown: return scroll(&state, .pageDown)
    case .homeOrTop:
        if state.currentInput.isEmpty { return scroll(&state, .top) }
        state.currentInput.moveToLineStart()
    case .endOrBottom:
        if state.currentInput.isEmpty { return scroll(&state, .bottom) }
        state.currentInput.moveToLineEnd()
    case .scrollTop: return scroll(&state, .top)
    case .scrollBottom: return scroll(&state, .bottom)
    case .help:
        state.popup = .help
        state.helpScroll = 0
    case .closePopup:
        if returnFromJump(&state) {
            break
        } else if state.activeChat != nil {
            show(&state, state.room)
        } else if !offerCancel(&state) {
            state.status = nil
        }
    case .files: return openFilePicker(&state)
    case .search: return openSearch(&state)
    case .focusFriends:
        state.friendsFocused = true
        state.friendSelection = min(state.friendSelection, max(0, friendRows(state).count - 1))
    case .nextChat: return showNextChat(&state)
    case .closeChat:
        if let index = state.activeIndex {
            // The room under the pop-up is on screen again: read.
            show(&state, state.room)
            state.privateChats.remove(at: index)
        }
    case .conversation1, .conversation2, .conversation3, .conversation4, .conversation5, .conversation6,
         .conversation7, .conversation8, .conversation9, .nextConversation, .previousConversation, .nextUnread:
        return navigate(&state, command)
    case .quit: return quit(&state)
    case .quitIfEmpty:
        if state.currentInput.isEmpty { return quit(&state) }
        state.currentInput.deleteForward()
    case .redraw: return [.redraw]
    case .suspend: return [.suspend]
    case .nextField, .toggleRegister, .takeOver: break
    }
    return []
}

/// Shows the next private chat: one with unread messages first, else the
/// one after the chat on screen.
private func showNextChat(_ state: inout AppState) -> [Effect] {
    guard !state.privateChats.isEmpty else {
        state.status = StatusMessage(text: "No private chats yet: /msg NAME TEXT, or F2 and Enter on a friend.", kind: .hint)
        return []
    }
    let index = state.privateChats.firstIndex { $0.unread > 0 }
        ?? state.activeIndex.map { ($0 + 1) % state.privateChats.count } ?? 0
    return open(&state, state.privateChats[index].id)
}

/// Puts a private chat's pop-up on screen and gives it the keys; a chat
/// with nothing shown yet asks the server for its latest messages.
@discardableResult
func open(_ state: inout AppState, _ id: ConversationID) -> [Effect] {
    let index = state.privateChatIndex(id)
    show(&state, id)
    // A chat closed and opened again by a new message holds only that
    // message: the pop-up shows the history before it, as much as fits.
    let chat = state.privateChats[index]
    guard chat.entries.count < olderPage, chat.hasMoreOlder, !chat.loadingOlder else { return [] }
    state.privateChats[index].loadingOlder = true
    return [.loadOlder(id, before: chat.oldestID ?? Int64.max)]
}

/// Messages one `loadOlder` asks for (the runtime's history page).
let olderPage = 100

private func reducePaste(_ state: inout AppState, _ text: String) -> [Effect] {
    // Terminals send Return as "\r" inside a paste; one paste is one message.
    let normalized = text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
    switch state.phase {
    case .chat:
        guard state.popup == nil else { break }
        if state.currentInput.marked { _ = state.currentInput.take() }
        state.currentInput.insert(normalized)
    case .login(var form):
        form.edit { $0.insert(normalized.split(separator: "\n").first.map(String.init) ?? "") }
        state.phase = .login(form)
    }
    return []
}

func quit(_ state: inout AppState) -> [Effect] {
    state.quitting = true
    return [.quit]
}

enum ScrollMove { case pageUp, pageDown, top, bottom }

/// Moves the view of the conversation with the keys. `scrollBack` counts
/// the entries below the view; a page is the pane less one line: the entry
/// at the top of the view goes to its bottom (PgUp), the one at the bottom
/// to its top (PgDn), so nothing is skipped. The oldest entry stops at the
/// top of the pane; reaching it fetches older history if there is more.
private func scroll(_ state: inout AppState, _ move: ScrollMove) -> [Effect] {
    var log = state.current
    let (rows, width) = logViewport(state)
    let heights = log.entries.map { lines(of: $0, state: state, width: width).count }
    guard !heights.isEmpty else { return [] }
    let last = heights.count - 1
    // The furthest back: the oldest entries fill the pane from its top.
    var lowestBottom = last
    var above = heights.reduce(0, +)
    while lowestBottom > 0 && above - heights[lowestBottom] >= rows {
        above -= heights[lowestBottom]
        lowestBottom -= 1
    }
    var bottom = last - min(log.scrollBack, last)
    let wasAtOldest = log.showsOldest
    switch move {
    case .pageUp where bottom <= lowestBottom:
        bottom = lowestBottom
    case .pageDown where wasAtOldest:
        // From the first page: its bottom entry (perhaps cut) goes to the top.
        var end = bottom
        var used = heights[bottom]
        while end < last && used + heights[end + 1] <= rows {
            end += 1
            used += heights[end]
        }
        bottom = end
    case .pageUp:
        var top = bottom
        var used = heights[bottom]
        while top > 0 && used + heights[top - 1] <= rows {
            top -= 1
            used += heights[top]
        }
        // The entry cut at the top of the view (or the one above a full
        // view) becomes the bottom one.
        bottom = top > 0 && used < rows ? top - 1 : (top < bottom ? top : max(0, bottom - 1))
    case .pageDown:
        var end = bottom
        var used = heights[bottom]
        while end < last && used + heights[end + 1] <= rows {
            end += 1
            used += heights[end]
        }
        bottom = end > bottom ? end : min(last, bottom + 1)
    case .top: bottom = lowestBottom
    case .bottom: bottom = last
    }
    bottom = min(last, max(bottom, lowestBottom))
    log.scrollBack = last - bottom
    log.showsOldest = (move == .pageUp || move == .top) && bottom == lowestBottom
    if log.scrollBack == 0 && !log.showsOldest { log.newBelow = 0 }
    var effects: [Effect] = []
    if log.showsOldest, log.hasMoreOlder, !log.loadingOlder {
        log.loadingOlder = true
        effects.append(.loadOlder(log.id, before: log.oldestID ?? Int64.max))
    }
    state.current = log
    return effects
}

// MARK: Sending and commands

private func submit(_ state: inout AppState) -> [Effect] {
    let text = state.currentInput.text
    if text.allSatisfy(\.isWhitespace) {
        state.status = StatusMessage(text: "Nothing to send: the line is only white space.", kind: .hint)
        return []
    }
    if text.hasPrefix("/") && !text.hasPrefix("//") {
        return runCommand(&state)
    }
    let message = text.hasPrefix("//") ? String(text.dropFirst()) : text
    return send(&state, message)
}

/// Sends `text` to `conversation` (the one on screen unless `/msg` names
/// another): the line leaves the box for the outbox, where it waits its
/// turn and is shown as waiting until the server takes it.
private func send(_ state: inout AppState, _ text: String, to conversation: ConversationID? = nil) -> [Effect] {
    guard state.connection == .online else {
        state.status = StatusMessage(text: "Not connected: your text stays here; send it once reconnected.", kind: .error)
        return []
    }
    if text.count > state.maxMessageCharacters {
        state.status = StatusMessage(
            text: "Too long: \(text.count) characters, the server takes \(state.maxMessageCharacters).", kind: .error
        )
        return []
    }
    let line = OutgoingLine(
        id: state.nextLineID, text: text, conversation: conversation ?? state.current.id,
        typed: state.currentInput.take(), typedIn: state.current.id, opensChat: conversation != nil
    )
    state.nextLineID += 1
    state.outbox.append(line)
    state.status = nil
    return [.send(id: line.id, text: text, to: line.conversation)]
}

/// The server took a line: it shows as the message it became (the event
/// that announces it may come before or after), and `/msg` opens its chat.
private func lineSent(_ state: inout AppState, _ id: Int, _ message: ChatMessage) -> [Effect] {
    guard let index = state.outbox.firstIndex(where: { $0.id == id }) else { return [] }
    let line = state.outbox.remove(at: index)
    if message.conversation.directPeer != nil {
        state.privateChats[state.privateChatIndex(message.conversation)].merge([message])
    } else {
        _ = receiveRoomMessage(&state, message)
    }
    guard line.opensChat, state.activeChat != message.conversation else { return [] }
    // Not under a draft typed since: the chat waits as unread instead.
    guard state.currentInput.isEmpty else {
        state.status = StatusMessage(text: "Sent to \(message.conversation); \(state.keymap.label(for: .nextChat)) opens the chat.", kind: .hint)
        return []
    }
    return open(&state, message.conversation)
}

/// A refused line goes back where it was typed, exactly as typed, ready to
/// be fixed; if a new draft is there, the draft stays and the refused line
/// waits one Up away.
private func lineRefused(_ state: inout AppState, _ id: Int, reason: String) {
    guard let index = state.outbox.firstIndex(where: { $0.id == id }) else { return }
    let line = state.outbox.remove(at: index)
    var restored = false
    let home = state.updateLog(line.typedIn) { log in
        if log.input.isEmpty {
            log.input.restore(line.typed)
            restored = true
        } else {
            log.input.remember(line.typed)
        }
    }
    if !home { state.currentInput.remember(line.typed) }
    let whereNow = restored ? "the line is back: edit it, or type to replace it" : "Up brings the line back"
    let why = reason.hasSuffix(".") ? String(reason.dropLast()) : reason
    state.status = StatusMessage(text: "Not sent: \(why) (\(whereNow)).", kind: .error)
}

public enum SlashCommand: String, CaseIterable, Sendable {
    case help, quit, who, me, theme, clear, create, join, part, rooms, topic, guests, friend, friends, block, unblock, msg, upload, files, search, passwd

    public var usage: String {
        switch self {
        case .help: "/help — keys and commands"
        case .quit: "/quit — leave Parley"
        case .who: "/who — who is online in this room"
        case .me: "/me ACTION — say what you do (* you ACTION)"
        case .theme: "/theme NAME — switch colours (default, light, high-contrast, mono)"
        case .clear: "/clear — clear this view (history stays on the server)"
        case .create: "/create [+open] NAME [TOPIC] — make a room and go in (+open: anyone may change its topic)"
        case .join: "/join NAME — go into a room (Tab completes)"
        case .part: "/part [NAME] — leave a room (this one without NAME)"
        case .rooms: "/rooms — every room: arrows move, Enter joins"
        case .topic: "/topic [TEXT] — show this room's topic, or set it"
        case .guests: "/guests on|off — let guests into this room, or keep them out (its creator only)"
        case .friend: "/friend add|accept|decline|remove NAME — friends"
        case .block: "/block NAME — no friend requests or private messages from NAME (a friendship ends)"
        case .unblock: "/unblock NAME — take NAME's requests again"
        case .friends: "/friends — your friends and requests"
        case .msg: "/msg NAME TEXT — a private message (opens the chat)"
        case .upload: "/upload PATH — share a file here (Tab completes the path, ~ is home)"
        case .files: "/files — this conversation's files: type to filter, Enter downloads"
        case .search: "/search [WORDS] — find messages in all your conversations: Enter shows one in place, Esc goes back"
        case .passwd: "/passwd — change your password (your other devices must log in again)"
        }
    }
}

private func runCommand(_ state: inout AppState) -> [Effect] {
    let line = state.currentInput.text
    let parts = line.dropFirst().split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
    let name = parts.first.map { String($0).lowercased() } ?? ""
    let argument = parts.count > 1 ? String(parts[1]).trimmingCharacters(in: .whitespaces) : ""
    guard let command = SlashCommand(rawValue: name) else {
        state.status = StatusMessage(text: "Unknown command /\(name) — /help lists them; start with // to send a line beginning with /.", kind: .error)
        return []
    }
    switch command {
    case .help:
        _ = state.currentInput.take()
        state.popup = .help
        state.helpScroll = 0
    case .quit:
        _ = state.currentInput.take()
        return quit(&state)
    case .who:
        _ = state.currentInput.take()
        if let crowd = state.conversation.crowd {
            state.current.append(
                system: "\(crowd.online) of \(crowd.members) members online in \(state.room), too many to name", at: state.now
            )
        } else {
            let here = state.conversation.members.filter(\.online).map(\.name)
            state.current.append(system: "online in \(state.room) (\(here.count)): " + here.joined(separator: ", "), at: state.now)
        }
    case .create, .join, .part, .rooms, .topic, .guests:
        return runRoomCommand(&state, command, argument)
    case .upload:
        return startUpload(&state, argument)
    case .files:
        _ = state.currentInput.take()
        return openFilePicker(&state)
    case .search:
        _ = state.currentInput.take()
        return openSearch(&state, argument)
    case .passwd:
        _ = state.currentInput.take()
        state.popup = .password
        state.passwordForm = PasswordForm()
    case .me:
        guard !argument.isEmpty else {
            state.status = StatusMessage(text: "Usage: /me ACTION", kind: .hint)
            return []
        }
        return send(&state, "/me " + argument)
    case .theme:
        guard !argument.isEmpty else {
            state.status = StatusMessage(text: "Usage: /theme NAME (now \(state.theme))", kind: .hint)
            return []
        }
        _ = state.currentInput.take()
        return [.loadTheme(argument)]
    case .clear:
        _ = state.currentInput.take()
        state.current.entries = []
        state.current.scrollBack = 0
        state.current.showsOldest = false
        state.current.newBelow = 0
    case .friend:
        let words = argument.split(separator: " ").map(String.init)
        guard words.count == 2, let action = FriendAction(rawValue: words[0].lowercased()) else {
            state.status = StatusMessage(text: "Usage: \(SlashCommand.friend.usage)", kind: .hint)
            return []
        }
        _ = state.currentInput.take()
        return [.friend(action, name: words[1])]
    case .friends:
        _ = state.currentInput.take()
        state.current.append(system: friendSummary(state.friends), at: state.now)
    case .block, .unblock:
        let words = argument.split(separator: " ").map(String.init)
        guard words.count == 1 else {
            state.status = StatusMessage(text: "Usage: \(command.usage)", kind: .hint)
            return []
        }
        _ = state.currentInput.take()
        return [.friend(command == .block ? .block : .unblock, name: words[0])]
    case .msg:
        let words = argument.split(separator: " ", maxSplits: 1).map(String.init)
        guard words.count == 2 else {
            state.status = StatusMessage(text: "Usage: \(SlashCommand.msg.usage)", kind: .hint)
            return []
        }
        return send(&state, words[1], to: .direct(words[0]))
    }
    return []
}

private func friendSummary(_ list: FriendList) -> String {
    var parts = list.friends.map { "\($0.name) (\($0.online ? "online" : "offline"))" }
    parts += list.incoming.map { "\($0) asks to be your friend" }
    parts += list.outgoing.map { "\($0) was asked" }
    parts += list.blocked.map { "\($0) blocked" }
    return parts.isEmpty ? "no friends yet: /friend add NAME" : "friends: " + parts.joined(separator: ", ")
}

private func complete(_ state: inout AppState) -> [Effect] {
    if state.currentInput.text.hasPrefix("/upload ") { return completeUploadPath(&state) }
    let word = state.currentInput.wordBeforeCursor
    guard !word.isEmpty else { return [] }
    let atLineStart = state.currentInput.text.count == word.count
    let candidates: [String]
    let line = state.currentInput.text.lowercased()
    if word.hasPrefix("/") && atLineStart {
        candidates = SlashCommand.allCases.map { "/" + $0.rawValue }.filter { $0.hasPrefix(word.lowercased()) }
    } else if line.hasPrefix("/join ") || line.hasPrefix("/part ") {
        let names = line.hasPrefix("/join ") ? state.directory.map(\.name.rawValue) : state.rooms.map(\.id.rawValue)
        candidates = names.filter { $0.lowercased().hasPrefix(word.lowercased()) }
    } else {
        let prefix = word.hasPrefix("@") ? String(word.dropFirst()) : word
        candidates = state.online.filter { $0.lowercased().hasPrefix(prefix.lowercased()) }
            .map { word.hasPrefix("@") ? "@" + $0 : $0 }
    }
    switch candidates.count {
    case 0:
        state.status = StatusMessage(text: "No completion for \(word)", kind: .hint)
    case 1:
        let suffix = word.hasPrefix("/") ? " " : (atLineStart && !word.hasPrefix("@") ? ": " : " ")
        state.currentInput.replaceWordBeforeCursor(with: candidates[0] + suffix)
    default:
        state.currentInput.replaceWordBeforeCursor(with: commonPrefix(candidates))
        state.status = StatusMessage(text: candidates.joined(separator: "  "), kind: .hint)
    }
    return []
}

func commonPrefix(_ words: [String]) -> String {
    guard var prefix = words.first.map(Array.init) else { return "" }
    for word in words.dropFirst() {
        let chars = Array(word)
        var n = 0
        while n < prefix.count && n < chars.count && prefix[n].lowercased() == chars[n].lowercased() { n += 1 }
        prefix = Array(prefix.prefix(n))
    }
    return String(prefix)
}

// MARK: Login form keys

private func reduceLoginKey(_ form: inout LoginForm, _ key: Key, state: inout AppState) -> [Effect] {
    let command = state.keymap.command(for: key)
    if form.busy && command != .quit { return [] }
    switch command {
    case .send?:
        return submitLogin(&form)
    case .takeOver? where form.canTakeOver:
        return submitLogin(&form, takeOver: true)
    case .nextField?, .complete?, .recallNext?:
        form.moveFocus(by: 1)
    case .recallPrevious?:
        form.moveFocus(by: -1)
    case .toggleRegister?:
        // From guest, Ctrl+R offers an account of one's own.
        form.registering = form.guest || !form.registering
        form.guest = false
        form.error = nil
        if form.registering {
            // The password is typed already: what is missing is the second one.
            form.focus = form.name.isEmpty ? .name : (form.password.isEmpty ? .password : .confirm)
        } else if !form.fields.contains(form.focus) {
            form.focus = .password
        }
    case .quit?:
        return quit(&state)
    case .redraw?:
        return [.redraw]
    case .suspend?:
        return [.suspend]
    default:
        form.edit { editField(&$0, command, key) }
    }
    return []
}

/// What a key does to one field of a form: moving, deleting, typing.
func editField(_ field: inout LineEditor, _ command: Command?, _ key: Key) {
    switch command {
    case .cursorLeft?: field.moveLeft()
    case .cursorRight?: field.moveRight()
    case .lineStart?, .homeOrTop?: field.moveToLineStart()
    case .lineEnd?, .endOrBottom?: field.moveToLineEnd()
    case .deleteBackward?: field.deleteBackward()
    case .deleteForward?, .quitIfEmpty?: field.deleteForward()
    case .deleteWord?: field.deleteWordBackward()
    case .deleteToStart?: field.deleteToStart()
    case .deleteToEnd?: field.deleteToEnd()
    default:
        if case .character(let c) = key { field.insert(String(c)) }
    }
}

private func reducePasswordKey(_ form: inout PasswordForm, _ key: Key, state: inout AppState) -> [Effect] {
    let command = state.keymap.command(for: key)
    if form.busy && command != .quit { return [] }
    let fields = PasswordForm.Field.allCases
    let index = fields.firstIndex(of: form.focus) ?? 0
    switch command {
    case .send?:
        return submitPassword(&form)
    case .nextField?, .complete?, .recallNext?:
        form.focus = fields[(index + 1) % fields.count]
    case .recallPrevious?:
        form.focus = fields[(index + fields.count - 1) % fields.count]
    case .closePopup?:
        state.popup = nil
        state.passwordForm = nil
    case .quit?:
        return quit(&state)
    default:
        form.error = nil
        switch form.focus {
        case .current: editField(&form.current, command, key)
        case .new: editField(&form.new, command, key)
        case .again: editField(&form.again, command, key)
        }
    }
    return []
}

private func submitPassword(_ form: inout PasswordForm) -> [Effect] {
    guard !form.current.text.isEmpty else {
        form.error = "Type your current password first."
        form.focus = .current
        return []
    }
    do {
        try PasswordRules.validate(form.new.text)
    } catch {
        form.error = ProtocolError(error).message
        form.focus = .new
        return []
    }
    guard form.new.text == form.again.text else {
        form.error = "The two new passwords differ; type them again."
        form.new = LineEditor()
        form.again = LineEditor()
        form.focus = .new
        return []
    }
    form.error = nil
    form.busy = true
    return [.changePassword(old: form.current.text, new: form.new.text)]
}

private func submitLogin(_ form: inout LoginForm, takeOver: Bool = false) -> [Effect] {
    let name = form.name.text
    if form.guest {
        do {
            try NameRules.validate(name)
        } catch {
            form.error = ProtocolError(error).message
            return []
        }
        form.error = nil
        form.busy = true
        return [.logInAsGuest(name: name)]
    }
    do {
        try NameRules.validate(name)
        try PasswordRules.validate(form.password.text)
    } catch {
        form.error = ProtocolError(error).message
        return []
    }
    if form.registering && form.confirm.isEmpty {
        form.error = "Type the password again in the second field, to be sure of it."
        form.focus = .confirm
        return []
    }
    if form.registering && form.password.text != form.confirm.text {
        form.error = "The two passwords differ; type them again."
        form.password = LineEditor()
        form.confirm = LineEditor()
        form.focus = .password
        return []
    }
    form.error = nil
    form.canTakeOver = false
    form.busy = true
    return [.logIn(name: name, password: form.password.text, register: form.registering, takeOver: takeOver)]
}

extension LoginForm {
    mutating func edit(_ change: (inout LineEditor) -> Void) {
        switch focus {
        case .name: change(&name)
        case .password: change(&password)
        case .confirm: change(&confirm)
        }
        error = nil
        canTakeOver = false
    }

    mutating func moveFocus(by step: Int) {
        let fields = self.fields
        let index = fields.firstIndex(of: focus) ?? 0
        focus = fields[(index + step + fields.count) % fields.count]
    }
}

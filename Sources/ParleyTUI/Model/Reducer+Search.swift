import ParleyClient
import ParleyDomain
import ParleyWire

// Search: Ctrl+F or /search opens a pop-up of hits, refined as you type;
// Enter shows the message in its conversation with the history around it,
// and Esc goes back to where you were.

/// The search pop-up's state.
public struct SearchPanel: Hashable, Sendable {
    public var query = LineEditor()
    public var hits: [SearchHit] = []
    /// Older hits exist: moving past the last asks for them.
    public var more = false
    public var selection = 0
    /// The text last asked about: answers to older texts are stale.
    public var asked: String?
    public var error: String?

    public init() {}
}

/// The view of a conversation around a search hit, and what to put back
/// when leaving it: that conversation's log as it was, and where you were.
public struct SearchJump: Hashable, Sendable {
    public var from: ConversationID
    public var target: ConversationID
    public var message: Int64
    public var saved: ConversationLog
}

/// Ctrl+F, or `/search TEXT`: the pop-up, searching at once when given text.
func openSearch(_ state: inout AppState, _ text: String = "") -> [Effect] {
    var panel = state.search ?? SearchPanel()
    if !text.isEmpty { panel.query = LineEditor(text) }
    state.search = panel
    state.popup = .search
    return text.isEmpty ? [] : ask(&state)
}

/// Asks for the first page of hits for the text typed.
private func ask(_ state: inout AppState) -> [Effect] {
    guard var panel = state.search else { return [] }
    let text = panel.query.text
    panel.selection = 0
    panel.error = nil
    guard !text.allSatisfy(\.isWhitespace) else {
        (panel.hits, panel.more, panel.asked) = ([], false, nil)
        state.search = panel
        return []
    }
    do {
        _ = try SearchRules.words(of: text)
    } catch {
        panel.error = ProtocolError(error).message
        state.search = panel
        return []
    }
    panel.asked = text
    state.search = panel
    return [.search(text, before: nil)]
}

func reduceSearchKey(_ state: inout AppState, _ key: Key) -> [Effect] {
    guard var panel = state.search else {
        state.popup = nil
        return []
    }
    let command = state.keymap.command(for: key)
    let last = max(0, panel.hits.count - 1)
    switch command {
    case .closePopup?:
        state.popup = nil
        return []
    case .quit?:
        return quit(&state)
    case .recallPrevious?: panel.selection = max(0, panel.selection - 1)
    case .pageUp?: panel.selection = max(0, panel.selection - 10)
    case .recallNext?, .pageDown?:
        panel.selection = min(last, panel.selection + (command == .pageDown ? 10 : 1))
        if panel.selection == last, panel.more, let asked = panel.asked, let oldest = panel.hits.last {
            panel.more = false
            state.search = panel
            return [.search(asked, before: oldest.message.id)]
        }
    case .send?:
        guard panel.hits.indices.contains(panel.selection) else { return [] }
        state.popup = nil
        return jump(&state, to: panel.hits[panel.selection].message)
    default:
        let before = panel.query.text
        editField(&panel.query, command, key)
        state.search = panel
        return panel.query.text == before ? [] : ask(&state)
    }
    state.search = panel
    return []
}

/// Hits for `text`: the first page, or the next one appended.
func searchAnswered(_ state: inout AppState, _ text: String, _ page: SearchPage, appended: Bool) {
    guard var panel = state.search, panel.asked == text else { return }
    panel.hits = appended ? panel.hits + page.hits : page.hits
    panel.more = page.more
    panel.error = nil
    state.search = panel
}

func searchFailed(_ state: inout AppState, _ text: String, _ reason: String) {
    guard state.search?.asked == text else { return }
    state.search?.error = reason
}

/// Shows `message` in its conversation once the history around it is in.
private func jump(_ state: inout AppState, to message: ChatMessage) -> [Effect] {
    let from = state.jump?.from ?? state.current.id
    endJump(&state)
    let target = message.conversation
    if target.directPeer == nil && state.roomIndex(target) == nil {
        state.status = StatusMessage(text: "You are no longer in \(target).", kind: .error)
        return []
    }
    if target.directPeer != nil { _ = state.privateChatIndex(target) }
    var saved = ConversationLog(id: target)
    state.updateLog(target) { saved = $0 }
    state.jump = SearchJump(from: from, target: target, message: message.id, saved: saved)
    return [.loadAround(target, message: message.id)]
}

/// The history around a hit came: it replaces what the conversation shows,
/// the hit in the middle of the view and highlighted, and the conversation
/// takes the keys.
func showAround(_ state: inout AppState, _ conversation: ConversationID, message id: Int64, _ messages: [ChatMessage], hasOlder: Bool) {
    guard let jump = state.jump, jump.target == conversation, jump.message == id else { return }
    let (rows, width) = logViewport(state)
    let probe = state
    state.updateLog(conversation) { log in
        log.entries = messages.sorted { $0.id < $1.id }.map { Entry(kind: .message($0), time: $0.time) }
        log.hasMoreOlder = hasOlder
        log.loadingOlder = false
        log.showsOldest = false
        log.newBelow = 0
        log.highlight = id
        // Entries after the hit that fit in half the view stay in it.
        let after = log.entries.drop { $0.messageID != id }.dropFirst()
        var used = 0, shown = 0
        for entry in after {
            used += lines(of: entry, state: probe, width: width).count
            if used > rows / 2 { break }
            shown += 1
        }
        log.scrollBack = after.count - shown
    }
    if conversation.directPeer == nil {
        show(&state, conversation)
    } else {
        _ = open(&state, conversation)
    }
    state.status = StatusMessage(text: "Around a search hit · \(state.keymap.label(for: .closePopup)) goes back", kind: .hint)
}

/// Leaves the view around a hit: its conversation shows what it did
/// before, with whatever arrived since.
func endJump(_ state: inout AppState) {
    guard let jump = state.jump else { return }
    state.jump = nil
    state.updateLog(jump.target) { log in
        var restored = jump.saved
        restored.merge(log.entries.compactMap { if case .message(let m) = $0.kind, m.id > jump.saved.newestID ?? .min { m } else { nil } })
        restored.input = log.input
        restored.scrollBack = 0
        restored.newBelow = 0
        log = restored
    }
}

/// Esc after a jump: back where you were before it.
func returnFromJump(_ state: inout AppState) -> Bool {
    guard let jump = state.jump else { return false }
    endJump(&state)
    if jump.from.directPeer == nil {
        show(&state, jump.from)
    } else if state.privateChats.contains(where: { $0.id == jump.from }) {
        _ = open(&state, jump.from)
    } else {
        show(&state, state.room)
    }
    state.status = nil
    return true
}

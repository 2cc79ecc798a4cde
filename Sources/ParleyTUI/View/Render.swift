import ParleyClient
import ParleyDomain
import ParleyWire

/// Draws the whole state. Knows nothing of curses: only `Screen`.
public func render(_ state: AppState, on screen: Screen) {
    screen.clear()
    screen.hideCursor()
    let size = screen.size
    if size.columns < Layout.minimum.columns || size.rows < Layout.minimum.rows {
        renderTooSmall(size, on: screen)
        return
    }
    switch state.phase {
    case .login(let form):
        renderLogin(form, state: state, on: screen)
    case .chat:
        let inputLayout = InputLayout(state.conversation.input, columns: Layout(size: size, inputLines: 1).inputColumns)
        let layout = Layout(size: size, inputLines: inputLayout.rows.count)
        renderTopBar(state, layout, on: screen)
        renderTopic(state, layout, on: screen)
        renderConversation(state, layout, on: screen)
        renderUsers(state, layout, on: screen)
        screen.write(String(repeating: "─", count: size.columns), row: layout.separatorRow, column: 0, role: .border)
        renderStatus(state, layout, on: screen)
        if state.popup == .help {
            renderHelp(state, on: screen)
        } else if state.popup == .password, let form = state.passwordForm {
            renderPasswordForm(form, on: screen)
        } else if state.popup == .rooms {
            renderInput(inputLayout, layout, on: screen)
            renderRoomList(state, on: screen)
        } else if state.popup == .files, let picker = state.picker {
            renderInput(inputLayout, layout, on: screen)
            renderFilePicker(picker, state: state, on: screen)
        } else if state.popup == .search, let panel = state.search {
            renderInput(inputLayout, layout, on: screen)
            renderSearch(panel, state: state, on: screen)
        } else if let index = state.activeIndex {
            renderInput(inputLayout, layout, on: screen)
            renderChatPopup(state.privateChats[index], state: state, on: screen)
        } else {
            renderInput(inputLayout, layout, on: screen)
        }
    }
}

private func renderTooSmall(_ size: Size, on screen: Screen) {
    let lines = [
        "Parley needs at least \(Layout.minimum.columns)×\(Layout.minimum.rows);",
        "this terminal is \(size.columns)×\(size.rows). Make it larger.",
    ]
    let top = max(0, size.rows / 2 - 1)
    for (offset, line) in lines.enumerated() {
        let text = TextWidth.truncate(line, width: size.columns)
        screen.write(text, row: top + offset, column: max(0, (size.columns - TextWidth.of(text)) / 2), role: .error)
    }
}

private func connectionText(_ connection: ConnectionState) -> String {
    switch connection {
    case .connecting: "connecting…"
    case .online: "online"
    case .reconnecting(let attempt, let seconds):
        seconds > 0 ? "reconnecting in \(seconds)s (attempt \(attempt))" : "reconnecting… (attempt \(attempt))"
    case .offline(let reason): "offline: \(reason)"
    }
}

/// The conversations in the order of Alt+1..9, with unread counts; the one
/// with the keys stands out, and so do those that mention you. When they
/// do not all fit, those nearest the current one stay and "…" stands for
/// the others; the current one and any with a mention always show, short
/// ("7@2") if they must, as irssi's activity list does. Your name and the
/// clock keep the right end.
private func renderTopBar(_ state: AppState, _ layout: Layout, on screen: Screen) {
    screen.fill(row: layout.topBarRow, role: .bar)
    let clock = "\(connectionText(state.connection)) · " + MessageFormat.clock(state.now, in: state.timeZone) + " "
    let title = " Parley │"
    let room = { (right: String) in layout.size.columns - TextWidth.of(title) - TextWidth.of(right) - 1 }
    let labels = topBarLabels(state)
    // The full "me@server" when the conversations fit beside it, else the name alone.
    let full = "\(state.me)@\(state.server) · " + clock
    let right = labels.fits(room(full)) ? full : "\(state.me) · " + clock
    screen.write(title, row: layout.topBarRow, column: 0, role: .bar)
    var column = TextWidth.of(title)
    for (text, role) in labels.shown(in: room(right)) {
        screen.write(" ", row: layout.topBarRow, column: column, role: .bar)
        screen.write(text, row: layout.topBarRow, column: column + 1, role: role)
        column += 1 + TextWidth.of(text)
    }
    screen.write(right, row: layout.topBarRow, column: layout.size.columns - TextWidth.of(right), role: .bar)
}

/// The top bar's conversation labels and how to fit them in a width.
struct TopBarLabels {
    struct Label {
        var full: String
        /// The number and counts alone, when even the must-shows do not fit.
        var short: String
        var role: Role
        var mustShow: Bool
    }

    var labels: [Label]
    var current: Int

    /// Total width of `shown`, each after a space.
    static func width(_ shown: [(String, Role)]) -> Int {
        shown.reduce(0) { $0 + 1 + TextWidth.of($1.0) }
    }

    func fits(_ width: Int) -> Bool {
        Self.width(labels.map { ($0.full, $0.role) }) <= width
    }

    /// The labels that fit in `width`: all if they can; else the must-shows
    /// and those nearest the current one, with "…" for each run left out.
    func shown(in width: Int) -> [(String, Role)] {
        if fits(width) { return labels.map { ($0.full, $0.role) } }
        var kept = Set(labels.indices.filter { labels[$0].mustShow })
        let byDistance = labels.indices.filter { !kept.contains($0) }.sorted { abs($0 - current) < abs($1 - current) }
        func layout(_ kept: Set<Int>, short: Bool) -> [(String, Role)] {
            var out: [(String, Role)] = []
            var gap = false
            for index in labels.indices {
                guard kept.contains(index) else {
                    gap = true
                    continue
                }
                if gap { out.append(("…", .bar)) }
                gap = false
                let label = labels[index]
                out.append((short && index != current ? label.short : label.full, label.role))
            }
            if gap { out.append(("…", .bar)) }
            return out
        }
        if Self.width(layout(kept, short: false)) > width {
            // Even the current one and the mentions are too many: short labels.
            var shown = layout(kept, short: true)
            while Self.width(shown) > width, shown.count > 1 { shown.removeLast() }
            return shown
        }
        for index in byDistance {
            let tried = kept.union([index])
            if Self.width(layout(tried, short: false)) <= width { kept = tried }
        }
        return layout(kept, short: false)
    }
}

func topBarLabels(_ state: AppState) -> TopBarLabels {
    let conversations = state.conversations
    let current = conversations.firstIndex { $0.id == state.current.id } ?? 0
    let labels = conversations.enumerated().map { index, log in
        var counts = ""
        if log.mentions > 0 {
            counts = "(\(log.unread) @\(log.mentions))"
        } else if log.unread > 0 {
            counts = "(\(log.unread))"
        }
        let role: Role = index == current ? .selection : log.mentions > 0 ? .mention : .bar
        let short = "\(index + 1)" + (log.mentions > 0 ? "@\(log.mentions)" : log.unread > 0 ? "+" : "")
        return TopBarLabels.Label(full: "\(index + 1):\(log.id)" + counts, short: short, role: role,
                                  mustShow: index == current || log.mentions > 0)
    }
    return TopBarLabels(labels: labels, current: current)
}

private func renderTopic(_ state: AppState, _ layout: Layout, on screen: Screen) {
    let topic = state.conversation.topic
    // Only what is true: nobody sets the lobby's topic, the creator sets a
    // room's unless it is open to all.
    let none = state.room == .lobby ? "no topic" : state.conversation.openTopic
        ? "no topic (/topic TEXT sets one)" : "no topic (its creator may set one with /topic TEXT)"
    let text = " \(state.room): " + (topic.isEmpty ? none : topic)
    screen.write(TextWidth.truncate(text, width: layout.size.columns), row: layout.topicRow, column: 0, role: .hint)
}

/// One entry as it is drawn: a prefix (the time), the text, the role.
func lines(of entry: Entry, state: AppState, width: Int) -> [(text: String, role: Role, stampWidth: Int)] {
    let stamp = MessageFormat.clock(entry.time, in: state.timeZone) + " "
    let body: String
    let role: Role
    switch entry.kind {
    case .message(let message):
        body = MessageFormat.body(message)
        if message.sender == state.me {
            role = .own
        } else if message.sender == ProtocolConstants.robotName {
            role = .robot
        } else if Mentions.contains(state.me, in: message.text) {
            role = .mention
        } else {
            role = .other
        }
    case .system(let text):
        body = "-- " + text
        role = .system
    case .error(let text):
        body = "!! " + text
        role = .error
    }
    // Continuation lines hang under the text, after "HH:MM name: ".
    let nameEnd = body.firstIndex(of: ":").map { TextWidth.of(body[...$0]) + 1 } ?? 3
    let indent = min(TextWidth.of(stamp) + nameEnd, width / 2)
    let wrapped = TextWidth.wrap(body, width: width - TextWidth.of(stamp), continuation: width - indent)
    return wrapped.enumerated().map { index, line in
        index == 0 ? (stamp + line, role, TextWidth.of(stamp)) : (String(repeating: " ", count: indent) + line, role, 0)
    }
}

private func renderConversation(_ state: AppState, _ layout: Layout, on screen: Screen) {
    renderLog(state.conversation, state: state, top: layout.conversationTop, rows: layout.conversationRows,
              left: 0, width: layout.conversationColumns, on: screen)
}

/// A conversation's newest lines in a rectangle, the newest at its bottom
/// as in irssi.
private func renderLog(_ log: ConversationLog, state: AppState, top: Int, rows: Int, left: Int, width: Int, on screen: Screen) {
    // Lines the server has not taken yet stand below the rest, marked.
    var lines: [(text: String, role: Role, stampWidth: Int)] = log.scrollBack > 0 ? [] : state.outbox
        .filter { $0.conversation == log.id }
        .flatMap { line in
            TextWidth.wrap("⧗ \(state.me): \(line.text)", width: width - 6, continuation: width - 8).enumerated().map {
                (($0 == 0 ? "      " : "        ") + $1, Role.hint, 0)
            }
        }
    // The marker goes after the newest message read, when newer ones follow.
    let marker: Int64? = if let read = log.readMarker, let newest = log.newestID, newest > read { read } else { nil }
    for entry in log.entries.dropLast(log.scrollBack).reversed() {
        if let marker, entry.messageID == marker, !lines.isEmpty {
            let label = "── new since you left "
            lines.insert((TextWidth.truncate(label + String(repeating: "─", count: width), width: width), .hint, 0), at: 0)
        }
        var drawn = ParleyTUI.lines(of: entry, state: state, width: width)
        if let highlight = log.highlight, entry.messageID == highlight {
            drawn = drawn.map { ($0.text, .highlight, $0.stampWidth) }
        }
        lines.insert(contentsOf: drawn, at: 0)
        if lines.count >= rows && !log.showsOldest { break }
    }
    let visible = log.showsOldest ? lines.prefix(rows) : lines.suffix(rows)
    let first = top + rows - visible.count
    for (offset, line) in visible.enumerated() {
        let stamp = String(line.text.prefix(line.stampWidth))
        screen.write(stamp, row: first + offset, column: left, role: .timestamp)
        screen.write(String(line.text.dropFirst(line.stampWidth)), row: first + offset, column: left + line.stampWidth, role: line.role)
    }
    if log.loadingOlder {
        screen.write(" loading older messages… ", row: top, column: left, role: .highlight)
    }
    if log.newBelow > 0 {
        let marker = " \(log.newBelow) new ↓ "
        screen.write(marker, row: top + rows - 1, column: left + width - TextWidth.of(marker), role: .highlight)
    }
}

/// The members of the room on screen, online first, and the friends below.
private func renderUsers(_ state: AppState, _ layout: Layout, on screen: Screen) {
    for row in layout.conversationTop..<layout.separatorRow {
        screen.write("│", row: row, column: layout.borderColumn, role: .border)
    }
    let width = layout.usersWidth - 1
    let members = state.conversation.members
    // People, as the room list counts them: the robot is listed, not counted.
    let people = members.filter { $0.name != ProtocolConstants.robotName }
    let crowd = state.conversation.crowd ?? Crowd(members: people.count, online: people.filter(\.online).count)
    screen.write(TextWidth.truncate(" Here \(crowd.online)/\(crowd.members)", width: width), row: layout.conversationTop,
                 column: layout.usersColumn, role: .bar)
    if state.conversation.crowd != nil {
        for (index, line) in [" Too many to", " list; comings", " and goings", " are not shown."].enumerated() {
            screen.write(TextWidth.truncate(line, width: width), row: layout.conversationTop + 1 + index,
                         column: layout.usersColumn, role: .system)
        }
    }
    let friends = friendRows(state)
    // The friends section keeps at least a third of the pane when there are friends.
    let friendSpace = friends.isEmpty ? 0 : min(friends.count + 1, max(3, layout.conversationRows / 3))
    let memberSpace = layout.conversationRows - 1 - friendSpace
    for (index, member) in members.prefix(max(0, memberSpace)).enumerated() {
        let role: Role = member.name == state.me ? .own
            : member.name == ProtocolConstants.robotName ? .robot
            : member.online ? .normal : .system
        let entry = member.guest ? " ◇ \(member.name) (guest)" : (member.online ? " ● " : " ○ ") + member.name
        screen.write(TextWidth.truncate(entry, width: width),
                     row: layout.conversationTop + 1 + index, column: layout.usersColumn, role: role)
    }
    guard friendSpace > 0 else { return }
    var row = layout.separatorRow - friendSpace
    let title = state.friendsFocused ? " Friends (Esc)" : " Friends (\(state.friends.friends.count))"
    screen.write(TextWidth.truncate(title, width: width), row: row, column: layout.usersColumn, role: .bar)
    // Keep the selection in view.
    let visible = friendSpace - 1
    let first = max(0, min(state.friendSelection - visible + 1, friends.count - visible))
    for (index, entry) in friends.enumerated().dropFirst(first).prefix(visible) {
        row += 1
        let text: String
        var role: Role
        switch entry {
        case .friend(let friend):
            text = (friend.online ? " ● " : " ○ ") + friend.name
            role = friend.online ? .normal : .system
        case .incoming(let name):
            text = " ? " + name + " asks"
            role = .highlight
        case .outgoing(let name):
            text = " … " + name
            role = .system
        }
        if state.friendsFocused && index == state.friendSelection { role = .selection }
        screen.write(TextWidth.truncate(text, width: width), row: row, column: layout.usersColumn, role: role)
    }
}

private func renderStatus(_ state: AppState, _ layout: Layout, on screen: Screen) {
    screen.fill(row: layout.statusRow, role: .status)
    let (text, role): (String, Role) = if let status = state.status {
        (status.text, status.kind == .error ? .error : .status)
    } else if !state.outbox.isEmpty {
        (waitingText(state), .status)
    } else if let transfer = state.transfers.last {
        (transferBar(transfer, others: state.transfers.count - 1), .status)
    } else {
        ("F1 help · Enter send · Alt+Enter new line · PgUp/PgDn scroll · /quit", .status)
    }
    screen.write(" " + TextWidth.ellipsize(text, width: layout.size.columns - 2), row: layout.statusRow, column: 0, role: role)
}

/// "⧗ 12 lines waiting to be sent: the server takes 5 a second."
private func waitingText(_ state: AppState) -> String {
    let count = state.outbox.count
    return "⧗ \(count) \(count == 1 ? "line" : "lines") waiting to be sent: the server takes \(state.ratePerSecond.formatted) a second."
}

/// "↑ report.pdf ▕███░░░░░░░▏ 31% · 4.2 MiB/s · 3 s left · Esc cancels"
private func transferBar(_ transfer: Transfer, others: Int) -> String {
    let arrow = transfer.kind == .upload ? "↑ " : "↓ "
    let more = others > 0 ? " (+\(others) more)" : ""
    return arrow + TransferText.line(name: transfer.name, transfer.reading)
        + more + " · Esc cancels"
}

/// The download picker: the conversation's files, newest first, filtered
/// by what was typed, the selected one highlighted and in view.
private func renderFilePicker(_ picker: FilePicker, state: AppState, on screen: Screen) {
    let files = picker.shown
    let nameWidth = min(28, max(8, files.map { TextWidth.of($0.name) }.max() ?? 0))
    let rows = files.map { file in
        let name = TextWidth.truncate(file.name, width: nameWidth)
        let padding = String(repeating: " ", count: nameWidth - TextWidth.of(name) + 2)
        let size = ByteCount.text(file.size).padding(toLength: 9, withPad: " ", startingAt: 0)
        let type = file.type.rawValue.padding(toLength: 6, withPad: " ", startingAt: 0)
        let sender = TextWidth.truncate(file.sender, width: 10)
        return name + padding + size + type + sender + String(repeating: " ", count: 11 - TextWidth.of(sender))
            + MessageFormat.dateTime(file.time, in: state.timeZone)
    }
    let empty = picker.files.isEmpty ? "(no files here yet: /upload PATH)" : "(no name contains \"\(picker.filter)\")"
    drawList(title: "Files in \(picker.conversation)", header: ["Filter: " + picker.filter + "▏"], rows: rows, empty: empty,
             selection: picker.selection, hint: "↑↓ PgUp PgDn move · type to filter · Enter download · Esc close", on: screen)
}

/// Search: what was typed, then the hits, newest first, each as its date,
/// conversation and sender and the text around the match, «marked».
private func renderSearch(_ panel: SearchPanel, state: AppState, on screen: Screen) {
    let rows = panel.hits.map { hit in
        let message = hit.message
        let snippet = hit.snippet.map { $0.isMatch ? "«" + $0.text + "»" : $0.text }.joined()
        return MessageFormat.dateTime(message.time, in: state.timeZone) + " " + message.conversation.rawValue + " "
            + message.sender + ": " + MessageFormat.visible(snippet)
    }
    let count = panel.hits.isEmpty ? "" : "\(panel.hits.count)\(panel.more ? "+" : "") found"
    let header = ["Find: " + panel.query.text + "▏", panel.error ?? count]
    let empty = panel.asked == nil ? "(type words to find; every one must be in the message)" : "(nothing found)"
    drawList(title: "Search your conversations", header: header, rows: rows, empty: empty, selection: panel.selection,
             hint: "type to refine · ↑↓ move · Enter show it in place · Esc close", on: screen)
}

/// The input text cut into screen rows, and where the cursor falls.
struct InputLayout {
    var rows: [String] = [""]
    var cursorRow = 0
    var cursorColumn = 0
    /// A refused line given back: drawn marked, as typing replaces it.
    var marked = false

    init(_ editor: LineEditor, columns: Int) {
        marked = editor.marked
        var width = 0
        for (index, character) in editor.characters.enumerated() {
            if index == editor.cursor { (cursorRow, cursorColumn) = (rows.count - 1, width) }
            if character == "\n" {
                rows.append("")
                width = 0
                continue
            }
            let w = TextWidth.of(character)
            if width + w > columns {
                rows.append("")
                width = 0
            }
            rows[rows.count - 1].append(character)
            width += w
        }
        if editor.cursor == editor.characters.count {
            if width >= columns {
                rows.append("")
                width = 0
            }
            (cursorRow, cursorColumn) = (rows.count - 1, width)
        }
    }
}

private func renderInput(_ input: InputLayout, _ layout: Layout, on screen: Screen) {
    drawInput(input, top: layout.inputTop, left: 0, rows: layout.inputRows, on: screen)
}

/// An input line with its prompt in `rows` rows from `top`, showing the rows
/// around the cursor when the text is taller, and the cursor in place.
private func drawInput(_ input: InputLayout, top: Int, left: Int, rows: Int, on screen: Screen) {
    let first = max(0, min(input.cursorRow - rows + 1, input.rows.count - rows))
    for offset in 0..<rows where first + offset < input.rows.count {
        screen.write(first + offset == 0 ? Layout.prompt : "  ", row: top + offset, column: left, role: .hint)
        screen.write(input.rows[first + offset], row: top + offset, column: left + Layout.prompt.count,
                     role: input.marked ? .selection : .input)
    }
    screen.placeCursor(row: top + input.cursorRow - first, column: left + Layout.prompt.count + input.cursorColumn)
}

/// A private chat as a bordered window over the main screen, with its own
/// scrollback and input line.
private func renderChatPopup(_ chat: ConversationLog, state: AppState, on screen: Screen) {
    let width = ChatPopupLayout(size: screen.size, inputLines: 1)
    let input = InputLayout(chat.input, columns: width.inputColumns)
    let popup = ChatPopupLayout(size: screen.size, inputLines: input.rows.count)
    let (top, left, inner) = (popup.top, popup.left, popup.inner)
    let peer = chat.id.directPeer ?? ""
    let online = state.friends.friends.first { $0.name.lowercased() == peer.lowercased() }?.online
    let title = "─ \(peer) · " + (online == true ? "online" : "offline") + " (Esc hides, F4 closes) "
    screen.write("┌" + TextWidth.truncate(title + String(repeating: "─", count: inner), width: inner) + "┐", row: top, column: left, role: .border)
    for row in (top + 1)..<(top + popup.height - 1) {
        screen.write("│", row: row, column: left, role: .border)
        screen.write(String(repeating: " ", count: inner), row: row, column: left + 1, role: .normal)
        screen.write("│", row: row, column: left + inner + 1, role: .border)
    }
    screen.write("└" + String(repeating: "─", count: inner) + "┘", row: top + popup.height - 1, column: left, role: .border)
    renderLog(chat, state: state, top: top + 1, rows: popup.logRows, left: left + 1, width: inner, on: screen)
    let separator = top + 1 + popup.logRows
    screen.write(String(repeating: "─", count: inner), row: separator, column: left + 1, role: .border)
    drawInput(input, top: separator + 1, left: left + 1, rows: popup.inputRows, on: screen)
}

/// The rows and columns the log of the conversation with the keys has:
/// the main pane's, or its pop-up's.
func logViewport(_ state: AppState) -> (rows: Int, width: Int) {
    if state.activeChat != nil {
        let columns = ChatPopupLayout(size: state.size, inputLines: 1).inputColumns
        let popup = ChatPopupLayout(size: state.size, inputLines: InputLayout(state.currentInput, columns: columns).rows.count)
        return (popup.logRows, popup.inner)
    }
    let columns = Layout(size: state.size, inputLines: 1).inputColumns
    let layout = Layout(size: state.size, inputLines: InputLayout(state.currentInput, columns: columns).rows.count)
    return (layout.conversationRows, layout.conversationColumns)
}

private func renderHelp(_ state: AppState, on screen: Screen) {
    var lines = ["Keys"]
    // Nine lines of "go to conversation N" say less than one.
    let numbered = (1...9).map { state.keymap.keys(for: Command(rawValue: "conversation-\($0)")!) }
    let standardNumbers = numbered == (1...9).map { ["alt-\($0)"] }
    for command in Command.allCases where command != .nextField && command != .toggleRegister {
        if standardNumbers, let number = command.conversationNumber {
            if number == 1 { lines.append("  " + "alt-1 … alt-9".padding(toLength: 18, withPad: " ", startingAt: 0) + "go to conversation N of the top bar") }
            continue
        }
        let keys = state.keymap.keys(for: command)
        if !keys.isEmpty {
            lines.append("  " + keys.joined(separator: ", ").padding(toLength: 18, withPad: " ", startingAt: 0) + command.summary)
        }
    }
    lines.append("Commands")
    lines += SlashCommand.allCases.map { "  " + $0.usage }
    // Narrower than its lines: each wraps under its text rather than being cut.
    let inner = min(screen.size.columns - 4, max(40, lines.map { TextWidth.of($0) }.max() ?? 0) + 4) - 3
    lines = lines.flatMap { line in
        let indent = line.hasPrefix("  ") ? (line.hasPrefix("  /") ? 4 : 20) : 0
        return TextWidth.wrap(line, width: inner, continuation: inner - indent).enumerated().map { index, piece in
            index == 0 ? piece : String(repeating: " ", count: indent) + piece
        }
    }
    let room = screen.size.rows - 4  // the box keeps a row above and below, and its borders
    if lines.count > room {
        // Taller than the screen: scroll with Up/Down and PgUp/PgDn.
        let first = min(state.helpScroll, lines.count - room + 1)
        lines = Array(lines[first...].prefix(room - 1))
        lines.append("↑↓ PgUp PgDn scroll · Esc closes")
    } else {
        lines.append("Esc closes this help.")
    }
    drawBox(title: "Help", lines: lines, width: inner + 3, on: screen)
}

/// The room list of `/rooms`, the selected room highlighted and in view.
private func renderRoomList(_ state: AppState, on screen: Screen) {
    let nameWidth = min(20, state.directory.map { TextWidth.of($0.name.rawValue) }.max() ?? 0)
    let rows = state.directory.map { room in
        let name = TextWidth.truncate(room.name.rawValue, width: nameWidth)
        let counts = "\(room.online)/\(room.members)".padding(toLength: 8, withPad: " ", startingAt: 0)
        return (room.joined ? "✓ " : "  ") + name + String(repeating: " ", count: nameWidth - TextWidth.of(name) + 2) + counts + room.topic
    }
    drawList(title: "Rooms", header: [], rows: rows, empty: "(no rooms yet: /create NAME)", selection: state.directorySelection,
             hint: "↑↓ move · Enter join · Esc close · ✓ you are in it · online/members", on: screen)
}

/// A pop-up list: `header` lines, the rows around the selection (drawn
/// highlighted), and a hint at the bottom.
private func drawList(title: String, header: [String], rows: [String], empty: String, selection: Int, hint: String, on screen: Screen) {
    let room = screen.size.rows - 5 - header.count  // the box's borders, a row above and below, the hint
    let first = max(0, min(selection - room + 1, rows.count - room))
    var lines = header + Array(rows.dropFirst(first).prefix(room))
    if rows.isEmpty { lines.append(empty) }
    lines.append(hint)
    let box = drawBox(title: title, lines: lines, on: screen)
    guard rows.indices.contains(selection) else { return }
    let line = header.count + selection - first
    let text = TextWidth.truncate(" " + lines[line], width: box.width)
    screen.write(text + String(repeating: " ", count: box.width - TextWidth.of(text)),
                 row: box.top + 1 + line, column: box.left + 1, role: .selection)
}

/// One labelled field of a form; returns where the cursor goes when it has
/// the focus. A masked field shows a star per character.
private func renderField(
    _ label: String, _ editor: LineEditor, masked: Bool, focused: Bool, row: Int, left: Int, width: Int, on screen: Screen
) -> (Int, Int)? {
    let shown = masked ? String(repeating: "*", count: editor.characters.count) : editor.text
    let boxWidth = width - label.count
    screen.write(label, row: row, column: left, role: focused ? .highlight : .normal)
    screen.write(String(repeating: " ", count: boxWidth), row: row, column: left + label.count, role: .selection)
    screen.write(TextWidth.truncate(shown, width: boxWidth - 1), row: row, column: left + label.count, role: .selection)
    guard focused else { return nil }
    let before = masked ? editor.cursor : TextWidth.of(String(editor.characters.prefix(editor.cursor)))
    return (row, left + label.count + min(before, boxWidth - 1))
}

/// `/passwd`: three masked fields in a box, the refusal under them.
private func renderPasswordForm(_ form: PasswordForm, on screen: Screen) {
    // Three fields a line apart, three lines for a refusal, then the keys.
    let lines = Array(repeating: "", count: 11) + ["Enter change · Tab next field · Esc cancel"]
    let box = drawBox(title: "Change your password", lines: lines, on: screen)
    var cursor: (Int, Int)?
    let labels: [(PasswordForm.Field, String)] = [(.current, "Current  "), (.new, "New      "), (.again, "Again    ")]
    for (index, (field, label)) in labels.enumerated() {
        let at = renderField(
            label, form.editor(field), masked: true, focused: field == form.focus,
            row: box.top + 2 + 2 * index, left: box.left + 2, width: box.width - 3, on: screen
        )
        cursor = at ?? cursor
    }
    if form.busy {
        screen.write("Changing…", row: box.top + 8, column: box.left + 2, role: .hint)
    } else if let error = form.error {
        for (index, line) in TextWidth.wrap(error, width: box.width - 3).prefix(3).enumerated() {
            screen.write(line, row: box.top + 8 + index, column: box.left + 2, role: .error)
        }
    }
    if let (row, column) = cursor { screen.placeCursor(row: row, column: column) }
}

/// A bordered box in the middle of the screen; returns where its inside is.
@discardableResult
func drawBox(title: String, lines: [String], width fixed: Int? = nil, on screen: Screen) -> (top: Int, left: Int, width: Int) {
    let size = screen.size
    let width = min(size.columns - 4, fixed ?? max(40, lines.map { TextWidth.of($0) }.max() ?? 0) + 4)
    let height = min(size.rows - 2, lines.count + 2)
    let left = (size.columns - width) / 2
    let top = (size.rows - height) / 2
    let inner = width - 2
    screen.write("┌" + TextWidth.truncate("─ \(title) " + String(repeating: "─", count: inner), width: inner) + "┐",
                 row: top, column: left, role: .popup)
    for index in 0..<(height - 2) {
        let text = index < lines.count ? TextWidth.truncate(" " + lines[index], width: inner) : ""
        let padding = String(repeating: " ", count: inner - TextWidth.of(text))
        screen.write("│" + text + padding + "│", row: top + 1 + index, column: left, role: .popup)
    }
    screen.write("└" + String(repeating: "─", count: inner) + "┘", row: top + height - 1, column: left, role: .popup)
    return (top, left, inner)
}

private func renderLogin(_ form: LoginForm, state: AppState, on screen: Screen) {
    let size = screen.size
    let title = form.guest ? "Join \(state.server) as a guest: your name is yours until you leave"
        : form.registering ? "Register a new account on \(state.server)" : "Log in to \(state.server)"
    let width = min(size.columns - 4, 64)
    let left = (size.columns - width) / 2
    var row = max(1, size.rows / 2 - 6)
    screen.write("Parley", row: row, column: left, role: .bar)
    row += 2
    screen.write(TextWidth.truncate(title, width: width), row: row, column: left, role: .normal)
    row += 2
    var cursor: (Int, Int)?
    for field in form.fields {
        let (label, editor, masked): (String, LineEditor, Bool) = switch field {
        case .name: ("Name      ", form.name, false)
        case .password: ("Password  ", form.password, true)
        case .confirm: ("Again     ", form.confirm, true)
        }
        let at = renderField(label, editor, masked: masked, focused: field == form.focus, row: row, left: left, width: width, on: screen)
        cursor = at ?? cursor
        row += 2
    }
    if form.busy {
        screen.write(form.guest ? "Joining…" : form.registering ? "Registering…" : "Logging in…", row: row, column: left, role: .hint)
    } else if let error = form.error {
        for line in TextWidth.wrap(error, width: width).prefix(3) {
            screen.write(line, row: row, column: left, role: .error)
            row += 1
        }
    }
    let hints = form.guest
        ? "Enter join as a guest · Ctrl+R register an account instead · Ctrl+C quit"
        : form.registering
        ? "Enter register · Tab next field · Ctrl+R log in instead · Ctrl+C quit"
        : "Enter log in · Tab next field · Ctrl+R register a new account · Ctrl+C quit"
    screen.fill(row: size.rows - 1, role: .status)
    screen.write(" " + TextWidth.truncate(hints, width: size.columns - 2), row: size.rows - 1, column: 0, role: .status)
    if let (r, c) = cursor { screen.placeCursor(row: r, column: c) }
}

import ParleyDomain
import ParleyIRC
import ParleyStore

/// IRCv3 `draft/chathistory`, read from Parley's history: an IRC client
/// pages back as a Parley one does. References are message ids
/// (`msgid=…`, as the door tags messages), times (`timestamp=…`) or `*`.
extension IRCSessionHandler {
    /// A place in a conversation, as a CHATHISTORY reference names it.
    enum HistoryReference: Equatable {
        case none
        case message(Int64)
        case time(Int64)

        init?(_ text: String) {
            if text == "*" {
                self = .none
            } else if text.hasPrefix("msgid="), let id = MessageID.id(String(text.dropFirst(6))) {
                self = .message(id)
            } else if text.hasPrefix("timestamp="), let time = IRCTime.millis(String(text.dropFirst(10))) {
                self = .time(time)
            } else {
                return nil
            }
        }
    }

    /// A reference as message ids: what comes after it is above `lower`,
    /// what comes before it below `upper` (both exclusive).
    struct HistoryBounds {
        let lower: Int64
        let upper: Int64
    }

    func chathistory(_ parameters: [String]) {
        guard let user else { return }
        guard parameters.count >= 3 else { return historyFail("NEED_MORE_PARAMS", [], "CHATHISTORY takes a subcommand, a target, references and a limit") }
        let sub = parameters[0].uppercased()
        let maxLimit = services.limits.historyPageMax
        guard let asked = Int(parameters[parameters.count - 1]), asked >= 0 else {
            return historyFail("INVALID_PARAMS", [sub], "The limit must be a number")
        }
        let limit = min(max(asked, 1), maxLimit)
        if sub == "TARGETS" { return targets(parameters, limit: limit, for: user) }
        let target = parameters[1]
        let references = parameters.dropFirst(2).dropLast()
        let needed = sub == "BETWEEN" ? 2 : 1
        guard ["LATEST", "BEFORE", "AFTER", "AROUND", "BETWEEN"].contains(sub) else {
            return historyFail("INVALID_PARAMS", [sub], "CHATHISTORY takes LATEST, BEFORE, AFTER, AROUND, BETWEEN or TARGETS")
        }
        guard references.count >= needed else { return badReference(sub, parameters[2]) }
        var named: [HistoryReference] = []
        for text in references.prefix(needed) {
            guard let reference = HistoryReference(text), reference != .none || sub == "LATEST" else { return badReference(sub, text) }
            named.append(reference)
        }
        let parsed = named
        let conversation = IRCNames.room(target) ?? .direct(target)
        let chat = services.chat
        run({ () async throws -> [ChatMessage] in
            // A time is where the first message at or after it is.
            func bounds(_ reference: HistoryReference) async throws -> HistoryBounds {
                switch reference {
                case .none: return HistoryBounds(lower: 0, upper: Self.beyondEveryID)
                case .message(let id): return HistoryBounds(lower: id, upper: id)
                case .time(let time):
                    let atOrAfter = try await chat.firstMessage(in: conversation, for: user, atOrAfter: time) ?? Self.beyondEveryID
                    let after = try await chat.firstMessage(in: conversation, for: user, atOrAfter: time + 1) ?? Self.beyondEveryID
                    return HistoryBounds(lower: after - 1, upper: atOrAfter)
                }
            }
            let first = try await bounds(parsed[0])
            let pages: [HistoryPage]
            var keep: (ChatMessage) -> Bool = { _ in true }
            switch sub {
            case "LATEST":
                pages = [.latest(limit: limit)]
                keep = { $0.id > first.lower }
            case "BEFORE":
                pages = [.before(id: first.upper, limit: limit)]
            case "AFTER":
                pages = [.after(id: first.lower, limit: limit)]
            case "AROUND":
                // The message named, or the last at the time named (else the first after it), in the middle.
                let middle = max(first.upper, first.lower)
                pages = [.before(id: middle + 1, limit: (limit + 1) / 2), .after(id: middle, limit: max(1, limit / 2))]
            default:
                let second = try await bounds(parsed[1])
                if first.lower < second.lower {
                    pages = [.after(id: first.lower, limit: limit)]
                    keep = { $0.id < second.upper }
                } else {
                    pages = [.before(id: first.upper, limit: limit)]
                    keep = { $0.id > second.lower }
                }
            }
            var messages: [ChatMessage] = []
            for page in pages { messages += try await chat.history(of: conversation, for: user, page: page).messages }
            return messages.filter(keep)
        }) { result in
            switch result {
            case .success(let messages): self.writeHistory(messages, target: target)
            case .failure(let error as DomainError):
                self.historyFail("INVALID_TARGET", [sub, target], IRCDoorWords.sentence(error))
            case .failure(let error): self.refuse(error, command: "CHATHISTORY", target: target)
            }
        }
    }

    /// An id past every message's, as a bound that leaves none out.
    static var beyondEveryID: Int64 { Int64.max / 2 }

    /// `CHATHISTORY TARGETS timestamp=A timestamp=B limit`: the channels
    /// and nicks with messages between the two times, each with its latest.
    private func targets(_ parameters: [String], limit: Int, for user: StoredUser) {
        guard parameters.count >= 4, case .time(let a)? = HistoryReference(parameters[1]),
              case .time(let b)? = HistoryReference(parameters[2])
        else { return badReference("TARGETS", parameters.count > 1 ? parameters[1] : "") }
        let chat = services.chat
        run({ try await chat.activeConversations(for: user, between: a, and: b, limit: limit) }) { result in
            switch result {
            case .success(let active):
                self.inBatch("draft/chathistory-targets", []) { reference in
                    for entry in active {
                        let target = entry.conversation.directPeer.map(IRCNames.nick) ?? IRCNames.channel(entry.conversation)
                        self.send(IRCMessage(
                            tags: reference.map { [.init("batch", $0)] } ?? [], source: self.door.serverName,
                            "CHATHISTORY", ["TARGETS", target, IRCTime.text(millis: entry.latest)]
                        ))
                    }
                }
            case .failure(let error): self.refuse(error, command: "CHATHISTORY", target: "TARGETS")
            }
        }
    }

    private func badReference(_ sub: String, _ reference: String) {
        historyFail("INVALID_PARAMS", [sub, reference], "References are msgid=ID (as messages are tagged), timestamp=TIME or * (LATEST only)")
    }

    private func historyFail(_ code: String, _ context: [String], _ text: String) {
        send(IRCMessage(source: door.serverName, "FAIL", ["CHATHISTORY", code] + context + [text]))
    }

    /// Lines in a batch of `type` when the client takes batches; as they
    /// are when it does not.
    private func inBatch(_ type: String, _ parameters: [String], _ body: (String?) -> Void) {
        guard capabilities.contains(.batch) else { return body(nil) }
        let id = nextBatch()
        send(IRCMessage(source: door.serverName, "BATCH", ["+\(id)", type] + parameters))
        body(id)
        send(IRCMessage(source: door.serverName, "BATCH", ["-\(id)"]))
    }

    /// The messages, oldest first, in a `chathistory` batch when the client
    /// takes batches.
    private func writeHistory(_ messages: [ChatMessage], target: String) {
        inBatch("chathistory", [target]) { reference in
            for message in messages {
                let fromGuest = services.hub.isGuest(key: NameRules.key(for: message.sender))
                for var line in IRCWords.messageLines(
                    message, target: self.target(of: message), profile: profile.union(.time), fromGuest: fromGuest
                ) {
                    if let reference { line.tags.insert(.init("batch", reference), at: 0) }
                    send(line)
                }
            }
        }
    }
}

import ParleyDomain
import ParleyIRC
import ParleyStore

/// IRCv3 `draft/chathistory`, read from Parley's history: an IRC client
/// pages back as a Parley one does. References are message ids
/// (`msgid=…`, as the door tags messages) or `*`.
extension IRCSessionHandler {
    func chathistory(_ parameters: [String]) {
        guard let user else { return }
        guard parameters.count >= 3 else { return historyFail("NEED_MORE_PARAMS", [], "CHATHISTORY takes a subcommand, a target, references and a limit") }
        let sub = parameters[0].uppercased()
        let target = parameters[1]
        let maxLimit = services.limits.historyPageMax
        guard let asked = Int(parameters[parameters.count - 1]), asked >= 0 else {
            return historyFail("INVALID_PARAMS", [sub], "The limit must be a number")
        }
        let limit = min(max(asked, 1), maxLimit)
        func reference(_ text: String) -> Int64?? {
            if text == "*" { return .some(nil) }
            if text.hasPrefix("msgid="), let id = MessageID.id(String(text.dropFirst(6))) { return .some(id) }
            return nil
        }
        let conversation = IRCNames.room(target) ?? .direct(target)
        let pages: [HistoryPage]
        var keep: (ChatMessage) -> Bool = { _ in true }
        switch sub {
        case "LATEST":
            guard parameters.count >= 4, let after = reference(parameters[2]) else { return badReference(sub, parameters[2]) }
            pages = [.latest(limit: limit)]
            if let after { keep = { $0.id > after } }
        case "BEFORE", "AFTER", "AROUND":
            guard parameters.count >= 4, let ref = reference(parameters[2]), let id = ref else { return badReference(sub, parameters[2]) }
            switch sub {
            case "BEFORE": pages = [.before(id: id, limit: limit)]
            case "AFTER": pages = [.after(id: id, limit: limit)]
            default: pages = [.before(id: id + 1, limit: (limit + 1) / 2), .after(id: id, limit: max(1, limit / 2))]
            }
        case "BETWEEN":
            guard parameters.count >= 5, let first = reference(parameters[2]), let from = first,
                  let second = reference(parameters[3]), let to = second
            else { return badReference(sub, parameters[2]) }
            if from < to {
                pages = [.after(id: from, limit: limit)]
                keep = { $0.id < to }
            } else {
                pages = [.before(id: from, limit: limit)]
                keep = { $0.id > to }
            }
        default:
            return historyFail("INVALID_PARAMS", [sub], "CHATHISTORY takes LATEST, BEFORE, AFTER, AROUND or BETWEEN here")
        }
        let chat = services.chat
        run({ () async throws -> [ChatMessage] in
            var messages: [ChatMessage] = []
            for page in pages { messages += try await chat.history(of: conversation, for: user, page: page).messages }
            return messages
        }) { result in
            switch result {
            case .success(let messages): self.writeHistory(messages.filter(keep), target: target)
            case .failure(let error as DomainError):
                self.historyFail("INVALID_TARGET", [sub, target], IRCDoorWords.sentence(error))
            case .failure(let error): self.refuse(error, command: "CHATHISTORY", target: target)
            }
        }
    }

    private func badReference(_ sub: String, _ reference: String) {
        historyFail("INVALID_PARAMS", [sub, reference], "References are msgid=ID (as messages are tagged) or *")
    }

    private func historyFail(_ code: String, _ context: [String], _ text: String) {
        send(IRCMessage(source: door.serverName, "FAIL", ["CHATHISTORY", code] + context + [text]))
    }

    /// The messages, oldest first, in a `chathistory` batch when the client
    /// takes batches.
    private func writeHistory(_ messages: [ChatMessage], target: String) {
        var reference: String?
        if capabilities.contains(.batch) {
            let id = nextBatch()
            reference = id
            send(IRCMessage(source: door.serverName, "BATCH", ["+\(id)", "chathistory", target]))
        }
        for message in messages {
            let fromGuest = services.hub.isGuest(key: NameRules.key(for: message.sender))
            for var line in IRCWords.messageLines(
                message, target: self.target(of: message), profile: profile.union(.time), fromGuest: fromGuest
            ) {
                if let reference { line.tags.insert(.init("batch", reference), at: 0) }
                send(line)
            }
        }
        if let reference { send(IRCMessage(source: door.serverName, "BATCH", ["-\(reference)"])) }
    }
}

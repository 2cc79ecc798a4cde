import ParleyDomain
import ParleyIRC
import ParleyStore

/// The `parley` nick, as NickServ is on other networks: what IRC has no
/// command for (friendships, files, making a room with a topic), asked
/// for by `/msg parley …` and answered by NOTICE.
struct IRCServiceNick {
    /// A reserved name, so no account can have it.
    static let nick = "parley"

    let session: IRCSessionHandler

    static let help = [
        "Parley's service does what IRC has no command for:",
        "  friend add NAME | accept NAME | decline NAME | remove NAME — private messages are between friends",
        "  friends — your friends, and requests either way",
        "  block NAME | unblock NAME — no requests or private messages from NAME",
        "  create #ROOM [TOPIC] — a room whose topic only you may change (JOIN makes one without)",
        "  files #ROOM (or a friend's NICK) — what was shared there, and how to fetch it",
        "  guests #ROOM on|off — whether guests may join a room you created",
        "  rooms — every room, as /list shows them",
    ]

    func hear(_ text: String) {
        let words = text.split(separator: " ").map(String.init)
        guard let verb = words.first?.lowercased() else { return say(Self.help) }
        let argument = words.count > 1 ? words[1] : nil
        switch (verb, argument?.lowercased()) {
        case ("help", _): say(Self.help)
        case ("friend", "add"?), ("friend", "accept"?), ("friend", "decline"?), ("friend", "remove"?):
            guard words.count >= 3 else { return say(["Say whom: friend \(words[1]) NAME"]) }
            friend(words[1].lowercased(), words[2])
        case ("friends", _), ("friend", "list"?): friends()
        case ("block", _?), ("unblock", _?): block(verb, argument!)
        case ("create", _?): create(argument!, topic: words.dropFirst(2).joined(separator: " "))
        case ("files", _?): files(argument!)
        case ("guests", _?) where words.count >= 3 && ["on", "off"].contains(words[2].lowercased()):
            guests(argument!, allow: words[2].lowercased() == "on")
        case ("rooms", _): session.command(IRCMessage("LIST"))
        default: say(["I do not know \"\(text.prefix(60))\"; \"/msg parley help\" lists what I do."])
        }
    }

    private func say(_ lines: [String]) {
        for line in lines { session.serviceNotice(line) }
    }

    private func friend(_ action: String, _ name: String) {
        guard let user = session.user else { return }
        let friends = session.services.friends
        session.run({ () async throws -> String in
            switch action {
            case "add":
                try await friends.request(from: user, to: name)
                return "Asked \(name) to be your friend."
            case "accept":
                try await friends.accept(from: name, by: user)
                return "You and \(name) are friends now."
            case "decline":
                try await friends.decline(from: name, by: user)
                return "Declined \(name)'s request."
            default:
                try await friends.remove(name, by: user)
                return "You and \(name) are no longer friends."
            }
        }) { result in self.report(result) }
    }

    private func friends() {
        guard let user = session.user else { return }
        let friends = session.services.friends
        session.run({ try await friends.list(for: user) }) { result in
            switch result {
            case .success(let list):
                let names: [String] = list.friends.map { $0.name + ($0.online ? " (online)" : "") }
                func people(_ names: [String], _ none: String) -> String { names.isEmpty ? none : names.joined(separator: ", ") }
                var lines = ["Friends: " + people(names, "none yet")]
                lines.append("Asking you: " + people(list.incoming, "nobody"))
                lines.append("You asked: " + people(list.outgoing, "nobody"))
                if !list.blocked.isEmpty { lines.append("Blocked: " + people(list.blocked, "")) }
                self.say(lines)
            case .failure(let error): self.report(.failure(error))
            }
        }
    }

    private func block(_ verb: String, _ name: String) {
        guard let user = session.user else { return }
        let friends = session.services.friends
        session.run({ () async throws -> String in
            if verb == "block" {
                try await friends.block(name, by: user)
                return "Blocked \(name): no requests or private messages from them."
            }
            try await friends.unblock(name, by: user)
            return "Unblocked \(name)."
        }) { result in self.report(result) }
    }

    private func create(_ channel: String, topic: String) {
        guard let user = session.user else { return }
        guard let room = IRCNames.room(channel) else { return say(["Name the room as a channel: create #\(channel) …"]) }
        let rooms = session.services.rooms
        session.pendingJoins.insert(NameRules.key(for: room.rawValue))
        session.run({ try await rooms.create(room.rawValue, topic: topic, openTopic: false, by: user) }) { result in
            self.session.pendingJoins.remove(NameRules.key(for: room.rawValue))
            switch result {
            case .success(let snapshot):
                self.session.roomState(snapshot.name, topic: snapshot.topic)
                self.say(["Created \(IRCNames.channel(snapshot.name)); only you may change its topic."])
            case .failure(let error): self.report(.failure(error))
            }
        }
    }

    private func guests(_ channel: String, allow: Bool) {
        guard let user = session.user else { return }
        guard let room = IRCNames.room(channel) else { return say(["Name the room as a channel: guests #\(channel) on|off"]) }
        let rooms = session.services.rooms
        session.run({ () async throws -> String in
            try await rooms.setGuests(allow, in: room, by: user)
            return allow ? "Guests may join \(channel) now." : "Guests may no longer join \(channel)."
        }) { result in self.report(result) }
    }

    private func files(_ target: String) {
        guard let user = session.user else { return }
        let conversation = IRCNames.room(target) ?? .direct(target)
        let files = session.services.files
        session.run({ try await files.list(conversation, for: user) }) { result in
            switch result {
            case .success(let list):
                guard !list.isEmpty else { return self.say(["Nothing was shared in \(target)."]) }
                self.say(list.map { file in
                    "\(file.id)  \(file.name)  \(ByteCount.text(file.size))  from \(file.sender) — fetch with: parley download \(file.id)"
                } + ["`parley download ID` (Parley's command-line client) fetches a file; IRC cannot carry it."])
            case .failure(let error): self.report(.failure(error))
            }
        }
    }

    private func report(_ result: Result<String, any Error>) {
        switch result {
        case .success(let text): say([text])
        case .failure(let error as DomainError): say([IRCDoorWords.sentence(error)])
        case .failure(let error):
            session.services.logger.error("service command failed", metadata: ["error": "\(error)"])
            say(["That failed because of an internal error; it has been logged."])
        }
    }
}

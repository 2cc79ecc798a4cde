import NIOCore
import ParleyDomain
import ParleyIRC
import ParleyStore

/// The commands of a registered IRC session, as calls on the services.
extension IRCSessionHandler {
    func command(_ message: IRCMessage) {
        let parameters = message.parameters
        switch message.command {
        case "CAP": capability(message)
        case "NICK": changeNick(parameters.first)
        case "USER", "PASS": numeric(.alreadyRegistered, ["You may not reregister"])
        case "AUTHENTICATE": numeric(.saslAlready, ["You have already authenticated"])
        case "JOIN": join(parameters)
        case "PART": part(parameters)
        case "PRIVMSG", "NOTICE": say(message.command, parameters)
        case "TOPIC": topic(parameters)
        case "NAMES": names(parameters)
        case "WHO": who(parameters)
        case "WHOIS": whois(parameters)
        case "LIST": list()
        case "AWAY": away(parameters.first)
        case "MODE": mode(parameters)
        case "MOTD": motd()
        case "CHATHISTORY": chathistory(parameters)
        default: numeric(.unknownCommand, [message.command, "Unknown command"])
        }
    }

    private func need(_ count: Int, _ parameters: [String], for command: String) -> Bool {
        if parameters.count >= count { return true }
        numeric(.needMoreParameters, [command, "Not enough parameters"])
        return false
    }

    private func changeNick(_ wanted: String?) {
        guard let wanted, !wanted.isEmpty else { return numeric(.noNicknameGiven, ["No nickname given"]) }
        if wanted == nick { return }
        numeric(.erroneousNickname, [wanted, "On Parley your nick is your account's name, \(nick)"])
    }

    // MARK: Rooms

    private func join(_ parameters: [String]) {
        guard need(1, parameters, for: "JOIN"), let user, let userKey else { return }
        if parameters[0] == "0" {
            return send(IRCMessage(source: door.serverName, "FAIL", ["JOIN", "ROOM_CANNOT_LEAVE", "JOIN 0 would leave every room; PART them one by one"]))
        }
        let channels = parameters[0].split(separator: ",").prefix(Self.maxTargets).map(String.init)
        var wanted: [ConversationID] = []
        for channel in channels {
            guard let room = IRCNames.room(channel) else {
                numeric(.noSuchChannel, [channel, "No such channel: channels are named #room"])
                continue
            }
            let key = NameRules.key(for: room.rawValue)
            if let present = services.hub.room(key, of: userKey) {
                // A member: nothing new, unless this connection was not shown it.
                guard joinedChannels.insert(key).inserted else { continue }
                send(IRCMessage(source: ownMask, "JOIN", [IRCNames.channel(present.conversation)]))
                roomState(present.conversation, topic: present.topic)
                continue
            }
            pendingJoins.insert(key)
            wanted.append(room)
        }
        guard !wanted.isEmpty else { return }
        let (rooms, joining) = (services.rooms, wanted)
        run({ () async -> [(ConversationID, Result<RoomSnapshot, any Error>)] in
            var results: [(ConversationID, Result<RoomSnapshot, any Error>)] = []
            for room in joining {
                do {
                    results.append((room, .success(try await rooms.join(room.rawValue, by: user))))
                } catch DomainError.roomNotFound {
                    // IRC makes a channel by joining it; so does this door.
                    do {
                        results.append((room, .success(try await rooms.create(room.rawValue, topic: "", openTopic: false, by: user))))
                    } catch {
                        results.append((room, .failure(error)))
                    }
                } catch {
                    results.append((room, .failure(error)))
                }
            }
            return results
        }) { result in
            guard case .success(let results) = result else { return }
            for (room, outcome) in results {
                self.pendingJoins.remove(NameRules.key(for: room.rawValue))
                switch outcome {
                case .success(let snapshot): self.roomState(snapshot.name, topic: snapshot.topic)
                case .failure(let error): self.refuse(error, command: "JOIN", target: IRCNames.channel(room))
                }
            }
        }
    }

    private func part(_ parameters: [String]) {
        guard need(1, parameters, for: "PART"), let user else { return }
        let channels = parameters[0].split(separator: ",").prefix(Self.maxTargets).map(String.init)
        let rooms = services.rooms
        run({ () async -> [(String, (any Error)?)] in
            var results: [(String, (any Error)?)] = []
            for channel in channels {
                guard let room = IRCNames.room(channel) else {
                    results.append((channel, DomainError.roomNotFound(name: channel)))
                    continue
                }
                do {
                    try await rooms.leave(room.rawValue, by: user)
                    results.append((channel, nil))
                } catch {
                    results.append((channel, error))
                }
            }
            return results
        }) { result in
            guard case .success(let results) = result else { return }
            for case (let channel, let error?) in results { self.refuse(error, command: "PART", target: channel) }
        }
    }

    /// The topic (when there is one) and the names of a room just joined.
    func roomState(_ conversation: ConversationID, topic: String) {
        let channel = IRCNames.channel(conversation)
        if !topic.isEmpty { numeric(.topic, [channel, topic]) }
        namesReply(channel, conversation)
    }

    /// A room joined elsewhere: its state is read before it is written.
    func fetchRoomState(_ conversation: ConversationID) {
        guard let user else { return }
        let rooms = services.rooms
        onLoop({ try await rooms.view(conversation.rawValue, by: user) }) { result in
            if case .success(let snapshot) = result { self.roomState(snapshot.name, topic: snapshot.topic) }
        }
    }

    /// Who is in a room, as IRC sees presence: the members online (and
    /// the robot), in 353 lines that fit 512 bytes.
    private func namesReply(_ channel: String, _ conversation: ConversationID) {
        var names: [String] = []
        if let userKey, let room = services.hub.room(NameRules.key(for: conversation.rawValue), of: userKey) {
            names = services.hub.onlineNames(in: room.id).map(IRCNames.nick).sorted()
            if let robot = door.robotName { names.append(robot) }
        }
        let overhead = ":\(door.serverName) 353 \(nick) = \(channel) :\r\n".utf8.count
        var line: [String] = []
        var bytes = overhead
        for name in names {
            if bytes + name.utf8.count + 1 > IRCMessage.maxBytes, !line.isEmpty {
                numeric(.namesReply, ["=", channel, line.joined(separator: " ")])
                (line, bytes) = ([], overhead)
            }
            line.append(name)
            bytes += name.utf8.count + 1
        }
        if !line.isEmpty { numeric(.namesReply, ["=", channel, line.joined(separator: " ")]) }
        numeric(.endOfNames, [channel, "End of /NAMES list"])
    }

    private func names(_ parameters: [String]) {
        guard let first = parameters.first else { return numeric(.endOfNames, ["*", "End of /NAMES list"]) }
        for channel in first.split(separator: ",").prefix(Self.maxTargets).map(String.init) {
            if let room = IRCNames.room(channel) {
                namesReply(channel, room)
            } else {
                numeric(.endOfNames, [channel, "End of /NAMES list"])
            }
        }
    }

    private func topic(_ parameters: [String]) {
        guard need(1, parameters, for: "TOPIC"), let user else { return }
        let channel = parameters[0]
        guard let room = IRCNames.room(channel) else { return numeric(.noSuchChannel, [channel, "No such channel"]) }
        let rooms = services.rooms
        if parameters.count >= 2 {
            let topic = parameters[1]
            // The TOPIC line comes back as the hub's event.
            run({ try await rooms.setTopic(topic, of: room, by: user) }) { result in
                if case .failure(let error) = result { self.refuse(error, command: "TOPIC", target: channel) }
            }
        } else {
            run({ try await rooms.view(room.rawValue, by: user) }) { result in
                switch result {
                case .success(let snapshot):
                    let channel = IRCNames.channel(snapshot.name)
                    if snapshot.topic.isEmpty {
                        self.numeric(.noTopic, [channel, "No topic is set"])
                    } else {
                        self.numeric(.topic, [channel, snapshot.topic])
                    }
                case .failure(let error): self.refuse(error, command: "TOPIC", target: channel)
                }
            }
        }
    }

    private func list() {
        guard let user else { return }
        let rooms = services.rooms
        run({ try await rooms.list(for: user, after: nil) }) { result in
            switch result {
            case .success(let page):
                self.numeric(.listStart, ["Channel", "Users  Name"])
                for room in page.rooms {
                    self.numeric(.list, [IRCNames.channel(room.name), String(room.online), room.topic])
                }
                self.numeric(.listEnd, ["End of /LIST"])
            case .failure(let error): self.refuse(error, command: "LIST", target: nil)
            }
        }
    }

    private func mode(_ parameters: [String]) {
        guard need(1, parameters, for: "MODE"), let userKey else { return }
        let target = parameters[0]
        if let room = IRCNames.room(target) {
            guard let present = services.hub.room(NameRules.key(for: room.rawValue), of: userKey) else {
                return numeric(.notOnChannel, [target, "You're not on that channel"])
            }
            let channel = IRCNames.channel(present.conversation)
            if parameters.count == 1 {
                numeric(.channelModeIs, [channel, present.openTopic ? "+n" : "+nt"])
            } else if ["b", "+b", "e", "+e", "I", "+I"].contains(parameters[1]), parameters.count == 2 {
                numeric(.endOfBanList, [channel, "End of channel ban list"])
            } else {
                numeric(.channelOperatorPrivilegesNeeded, [channel, "Parley rooms have no modes to change: a room's creator sets who may change its topic"])
            }
        } else if NameRules.key(for: target) == userKey {
            numeric(.umodeIs, ["+i"])
        } else {
            numeric(.usersDontMatch, ["Can't view or change modes for other users"])
        }
    }

    // MARK: People

    private func who(_ parameters: [String]) {
        guard let userKey else { return }
        let mask = parameters.first ?? "*"
        var rows: [(channel: String, name: String)] = []
        if let room = IRCNames.room(mask) {
            if let present = services.hub.room(NameRules.key(for: room.rawValue), of: userKey) {
                let channel = IRCNames.channel(present.conversation)
                rows = services.hub.onlineNames(in: present.id).sorted().map { (channel, $0) }
            }
        } else if services.hub.isOnline(key: NameRules.key(for: mask)), let name = onlineName(mask) {
            rows = [("*", name)]
        }
        for row in rows {
            let who = IRCNames.nick(row.name)
            let key = NameRules.key(for: row.name)
            let flags = services.hub.awayText(of: key) == nil ? "H" : "G"
            let host = IRCNames.host(guest: services.hub.isGuest(key: key))
            numeric(.whoReply, [row.channel, who, host, door.serverName, who, flags, "0 \(row.name)"])
        }
        numeric(.endOfWho, [mask, "End of WHO list"])
    }

    /// The name of an online user as they spell it.
    private func onlineName(_ nick: String) -> String? {
        services.hub.name(of: NameRules.key(for: nick))
    }

    private func whois(_ parameters: [String]) {
        guard need(1, parameters, for: "WHOIS"), let userKey else { return }
        // `WHOIS server nick` asks the nick's server: there is one.
        let target = parameters.count >= 2 ? parameters[1] : parameters[0]
        let key = NameRules.key(for: target)
        guard services.hub.isOnline(key: key), let name = onlineName(target) else {
            numeric(.noSuchNick, [target, "No such nick: \(target) is not online"])
            return numeric(.endOfWhois, [target, "End of /WHOIS list"])
        }
        let who = IRCNames.nick(name)
        let guest = services.hub.isGuest(key: key)
        numeric(.whoisUser, [who, who, IRCNames.host(guest: guest), "*", guest ? "\(name), a guest" : name])
        let mine = Set(services.hub.rooms(of: userKey).map(\.id))
        let shared = services.hub.rooms(of: key).filter { mine.contains($0.id) }.map { IRCNames.channel($0.conversation) }.sorted()
        if !shared.isEmpty { numeric(.whoisChannels, [who, shared.joined(separator: " ")]) }
        numeric(.whoisServer, [who, door.serverName, "Parley"])
        if let text = services.hub.awayText(of: key) { numeric(.away, [who, text]) }
        // A guest has no account, and IRC says so by saying nothing.
        if !guest { numeric(.whoisAccount, [who, name, "is logged in as"]) }
        numeric(.endOfWhois, [who, "End of /WHOIS list"])
    }

    private func away(_ text: String?) {
        guard let user, let userKey else { return }
        let text = text.map { String($0.prefix(Self.maxAwayCharacters)) }.flatMap { $0.isEmpty ? nil : $0 }
        services.hub.setAway(text, key: userKey, name: user.name)
        if text == nil {
            numeric(.unaway, ["You are no longer marked as being away"])
        } else {
            numeric(.nowAway, ["You have been marked as being away"])
        }
    }

    // MARK: Messages

    private func say(_ command: String, _ parameters: [String]) {
        let quiet = command == "NOTICE"
        guard let user else { return }
        guard parameters.count >= 1 else { return quiet ? () : numeric(.noRecipient, ["No recipient given (\(command))"]) }
        guard parameters.count >= 2, !parameters[1].isEmpty else { return quiet ? () : numeric(.noTextToSend, ["No text to send"]) }
        let targets = parameters[0].split(separator: ",").prefix(Self.maxMessageTargets).map(String.init)
        // A CTCP other than ACTION is no message: nothing is stored.
        guard let text = IRCWords.parleyText(from: parameters[1]) else { return }
        var posts: [(target: String, conversation: ConversationID)] = []
        for target in targets {
            if NameRules.key(for: target) == IRCServiceNick.nick {
                if !quiet { IRCServiceNick(session: self).hear(text) }
                continue
            }
            let conversation = IRCNames.room(target) ?? .direct(target)
            if let peer = conversation.directPeer, let awayText = services.hub.awayText(of: NameRules.key(for: peer)), !quiet {
                numeric(.away, [target, awayText])
            }
            posts.append((target, conversation))
        }
        guard !posts.isEmpty else { return }
        for post in posts { ownPosts.append((post.conversation, text, command)) }
        let wanted = posts
        let chat = services.chat
        run({ () async -> [(String, ConversationID, (any Error)?)] in
            var results: [(String, ConversationID, (any Error)?)] = []
            for post in wanted {
                do {
                    _ = try await chat.post(from: user, to: post.conversation, text: text)
                    results.append((post.target, post.conversation, nil))
                } catch {
                    results.append((post.target, post.conversation, error))
                }
            }
            return results
        }) { result in
            guard case .success(let results) = result else { return }
            for (target, conversation, error) in results {
                // Whatever the hub did not echo is no longer awaited.
                self.forgetOwnPost(conversation, text)
                if let error, !quiet { self.refuse(error, command: command, target: target) }
            }
        }
    }

    private func forgetOwnPost(_ conversation: ConversationID, _ text: String) {
        let key = NameRules.key(for: conversation.rawValue)
        if let index = ownPosts.firstIndex(where: { NameRules.key(for: $0.conversation.rawValue) == key && $0.text == text }) {
            ownPosts.remove(at: index)
        }
    }
}

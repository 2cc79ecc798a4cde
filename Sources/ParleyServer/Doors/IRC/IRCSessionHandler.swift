import Logging
import NIOCore
import ParleyDomain
import ParleyIRC
import ParleyStore

/// One IRC connection's session: registers it (`IRCRegistration` decides),
/// then runs its commands through the services one at a time, in order,
/// and writes what the hub delivers in IRC's words. Lines beyond
/// `rate_burst` wait their turn at `rate_per_second` (as IRC servers' "fake
/// lag" does); while too many wait, the socket is not read. Lives on its
/// channel's event loop; slow work runs in tasks whose results come back
/// to the loop.
final class IRCSessionHandler: ChannelInboundHandler, OutletTarget {
    typealias InboundIn = IRCInput
    typealias OutboundOut = ByteBuffer

    /// AWAY texts are cut to this many characters.
    static let maxAwayCharacters = 300
    /// Channels one JOIN or PART may name.
    static let maxTargets = 10
    /// Nicks one PRIVMSG or NOTICE may name.
    static let maxMessageTargets = 4

    let door: IRCDoor
    var services: SessionServices { door.services }
    private var registration: IRCRegistration
    private(set) var context: ChannelHandlerContext?
    private var gatherer: WriteGatherer?
    private var outlet: SessionOutlet<IRCSessionHandler>?
    /// The account, once registered.
    private(set) var user: StoredUser? {
        didSet { userKey = user.map { NameRules.key(for: $0.name) } }
    }
    /// The account's name key, kept: events compare with it on the hot path.
    private(set) var userKey: String?
    /// The account SASL proved, until registration completes.
    private var saslUser: StoredUser?
    private var lines: [IRCMessage] = []
    private var busy = false
    private var pumpScheduled = false
    private var readsHeld = false
    private var bucket: TokenBucket
    private var malformedInARow = 0
    private var loginDeadline: Scheduled<Void>?
    /// Events that came while the welcome was read and written.
    private var held: [OutboundEvent] = []
    private var welcomed = false
    private var closing = false
    /// Rooms this session asked to join, whose JOIN the hub echoes: the
    /// reply then brings the topic and names.
    var pendingJoins: Set<String> = []
    /// The rooms (by key) this connection was shown a JOIN for: a JOIN of
    /// one of them again is nothing new, as on any IRC server.
    var joinedChannels: Set<String> = []
    /// Messages this session posted that the hub has not echoed yet: not
    /// written back unless the client asked for echo-message.
    /// The command is the one the client used, for echo-message to repeat.
    var ownPosts: [(conversation: ConversationID, text: String, command: String)] = []
    /// Nicks whose QUIT this session wrote: one per departure, not one per
    /// shared channel.
    private var quitsHeard: Set<String> = []
    private var batches = 0

    init(door: IRCDoor) {
        self.door = door
        registration = IRCRegistration(guests: door.guests)
        bucket = TokenBucket(capacity: door.services.limits.rateBurst, ratePerSecond: door.services.limits.ratePerSecond)
    }

    var nick: String { user.map { IRCNames.nick($0.name) } ?? registration.target }
    /// This session's own `nick!user@host`, a guest's marked.
    var ownMask: String { IRCNames.mask(nick, guest: user?.isGuest == true) }
    var capabilities: Set<Capability> { registration.capabilities }
    var profile: TagProfile { TagProfile(capabilities) }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        gatherer = try? context.pipeline.syncOperations.handler(type: WriteGatherer.self)
    }

    func channelActive(context: ChannelHandlerContext) {
        let timeout = services.loginTimeout
        loginDeadline = context.eventLoop.assumeIsolated().scheduleTask(in: timeout) {
            guard self.user == nil else { return }
            let seconds = (Double(timeout.nanoseconds) / 1e9).formatted
            self.services.logger.notice("closing an IRC connection that did not register in time", metadata: ["seconds": "\(seconds)"])
            self.close("Registration timed out: log in within \(seconds) seconds of connecting", leaving: .timedOut)
        }
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        loginDeadline?.cancel()
        loginDeadline = nil
        if let user, let outlet {
            services.detach(user, outlet: outlet, departure: closing ? departure : .connectionLost)
        }
        outlet = nil
        context.fireChannelInactive()
    }

    private var departure = Departure.connectionLost

    // MARK: Reading

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !closing else { return }
        switch unwrapInboundIn(data) {
        case .tooLong:
            malformed()
            numeric(.inputTooLong, ["Input line was too long: \(IRCMessage.maxBytes) bytes at most, tags apart"])
        case .notUTF8:
            malformed()
            send(IRCMessage(source: door.serverName, "FAIL", ["*", "INVALID_UTF8", "Line rejected: this server takes UTF-8 only; set your client's encoding to UTF-8"]))
        case .line(let text):
            do {
                lines.append(try IRCMessage.parse(Substring(text)))
                malformedInARow = 0
                if lines.count >= services.limits.rateBurst, !readsHeld {
                    readsHeld = true
                    context.triggerUserOutboundEvent(ReadGate.Change.hold(.requests), promise: nil)
                }
                pump()
            } catch .empty {
                return
            } catch .badCommand(let command) {
                malformed()
                numeric(.unknownCommand, [command, "Unknown command"])
            } catch .tooLong(let bytes, let max) {
                malformed()
                numeric(.inputTooLong, ["Input line was too long: \(bytes) bytes, \(max) at most, tags apart"])
            } catch .tagsTooLong(let bytes, let max) {
                malformed()
                numeric(.inputTooLong, ["Input line's tags were too long: \(bytes) bytes, \(max) at most"])
            } catch {
                malformed()
                numeric(.unknownCommand, ["*", "No command in that line"])
            }
        }
        flush()
    }

    /// Too many unreadable lines in a row end the connection.
    private func malformed() {
        malformedInARow += 1
        if malformedInARow >= door.maxMalformedInARow {
            close("Too many lines that could not be read (\(malformedInARow) in a row)", leaving: .connectionLost)
        }
    }

    /// Runs the waiting lines, one at a time, at the rate allowed.
    private func pump() {
        while !busy, !closing, !lines.isEmpty {
            let wait = bucket.wait()
            guard wait == .zero else {
                if !pumpScheduled, let context {
                    pumpScheduled = true
                    context.eventLoop.assumeIsolated().scheduleTask(in: wait) {
                        self.pumpScheduled = false
                        self.pump()
                        self.flush()
                    }
                }
                return
            }
            _ = bucket.take()
            let message = lines.removeFirst()
            if readsHeld, lines.count < services.limits.rateBurst / 2 {
                readsHeld = false
                context?.triggerUserOutboundEvent(ReadGate.Change.release(.requests), promise: nil)
            }
            handle(message)
        }
    }

    private func handle(_ message: IRCMessage) {
        switch message.command {
        case "PING":
            send(IRCMessage(source: door.serverName, "PONG", [door.serverName, message.parameters.first ?? ""]))
        case "PONG":
            break
        case "QUIT":
            close("Quit: \(message.parameters.first ?? "")", leaving: .quit)
        default:
            if user == nil {
                perform(registration.receive(message))
            } else {
                command(message)
            }
        }
    }

    // MARK: Registering

    /// CAP, before registration and after it.
    func capability(_ message: IRCMessage) {
        perform(registration.receive(message))
    }

    private func perform(_ actions: [IRCRegistration.Action]) {
        for action in actions {
            switch action {
            case .numeric(let code, let parameters):
                numeric(code, parameters)
            case .reply(let command, let parameters):
                send(IRCMessage(source: door.serverName, command, parameters))
            case .checkSASL(let name, let password):
                let (accounts, address) = (services.accounts, peerAddress)
                run({ try await accounts.authenticate(name: name, password: password, from: address) }) { result in
                    switch result {
                    case .success(let user):
                        self.saslUser = user
                        self.perform(self.registration.saslSucceeded(account: user.name))
                    case .failure(let error):
                        self.perform(self.registration.saslFailed(because: self.reason(error)))
                    }
                }
            case .logIn(let login):
                logIn(login)
            case .close(let reason):
                close(reason, leaving: .connectionLost)
            }
        }
    }

    private func reason(_ error: any Error) -> String {
        (error as? DomainError).map(IRCDoorWords.sentence) ?? "the server could not check the password; try again"
    }

    /// A login that got as far as its welcome.
    private struct Arrived: Sendable {
        let user: StoredUser
        let welcome: Welcome
        let friends: [StoredUser]
        let cameOnline: Bool
    }

    private func logIn(_ login: IRCRegistration.Login) {
        guard let context else { return }
        let outlet = SessionOutlet(self, eventLoop: context.eventLoop, format: door.format(for: profile))
        let (services, address, channel, proven) = (self.services, peerAddress, context.channel, saslUser)
        run({ () async throws -> Arrived in
            let user: StoredUser
            switch login {
            case .authenticated: user = proven!
            case .password(let name, let password, _):
                user = try await services.accounts.authenticate(name: name, password: password, from: address)
            case .guest(let nick):
                user = try await services.accounts.admitGuest(name: nick, from: address)
            }
            let key = NameRules.key(for: user.name)
            let rooms = try await services.rooms.rooms(of: user)
            guard channel.isActive else { throw CancellationError() }
            guard case .attached(let cameOnline) = services.hub.attach(
                outlet, name: user.name, key: key, guest: user.isGuest, rooms: rooms, quiet: false, takeOver: false
            ) else {
                throw DomainError.tooManySessions(name: user.name, max: services.hub.maxSessionsPerUser)
            }
            do {
                let (welcome, friendships) = try await services.welcomes.welcome(for: user, in: rooms, token: nil, takingAway: true)
                return Arrived(user: user, welcome: welcome, friends: friendships.friends, cameOnline: cameOnline)
            } catch {
                services.hub.detach(outlet, key: key, reason: .connectionLost)
                throw error
            }
        }) { result in
            switch result {
            case .failure(let error):
                if case .guest(let nick) = login, let domain = error as? DomainError, domain.code == .nameTaken || domain.code == .nameReserved {
                    // As any IRC server says of a nick in use: choose another.
                    self.registration.guestNickRefused()
                    self.numeric(.nicknameInUse, [nick, IRCDoorWords.sentence(domain)])
                    return
                }
                if case .guest(let nick) = login, let domain = error as? DomainError, domain.code == .nameInvalid || domain.code == .nameTooLong {
                    self.registration.guestNickRefused()
                    self.numeric(.erroneousNickname, [nick, IRCDoorWords.sentence(domain)])
                    return
                }
                self.registration.loginFailed()
                if let domain = error as? DomainError, case .tooManySessions = domain {
                    self.close(IRCDoorWords.sentence(domain), leaving: .connectionLost)
                } else {
                    self.numeric(.passwordMismatch, [self.reason(error)])
                    self.close("Login refused: \(self.reason(error))", leaving: .connectionLost)
                }
            case .success(let arrived):
                guard !self.closing else {
                    self.services.detach(arrived.user, outlet: outlet, departure: .connectionLost)
                    return
                }
                self.user = arrived.user
                self.outlet = outlet
                self.loginDeadline?.cancel()
                self.loginDeadline = nil
                services.logger.info("logged in", metadata: ["user": "\(arrived.user.name)", "door": "irc"])
                self.welcome(arrived.welcome)
                if arrived.cameOnline { services.friends.announce(arrived.user, online: true, to: arrived.friends) }
            }
        }
    }

    /// The welcome burst (001–005, the MOTD), then each of the user's
    /// rooms joined, the private messages that waited, and the events
    /// that came meanwhile.
    private func welcome(_ welcome: Welcome) {
        numeric(.welcome, ["Welcome to Parley, \(nick)"])
        numeric(.yourHost, ["Your host is \(door.serverName), running parley-server \(ProtocolConstants.release)"])
        numeric(.created, ["This server was started \(door.started)"])
        numeric(.myInfo, [door.serverName, "parley-server-\(ProtocolConstants.release)", "i", "nt"])
        let tokens = door.isupport
        for start in stride(from: 0, to: tokens.count, by: 12) {
            numeric(.isupport, Array(tokens[start..<min(start + 12, tokens.count)]) + ["are supported by this server"])
        }
        motd()
        for room in welcome.rooms {
            joinedChannels.insert(NameRules.key(for: room.name.rawValue))
            send(IRCMessage(source: ownMask, "JOIN", [IRCNames.channel(room.name)]))
            roomState(room.name, topic: room.topic)
        }
        for message in welcome.away { writeDirect(message) }
        if let last = welcome.away.last { acknowledgeAway(through: last.id) }
        welcomed = true
        for event in held { deliver(event) }
        held = []
    }

    func motd() {
        numeric(.motdStart, ["- \(door.serverName) Message of the day -"])
        for line in door.motd { numeric(.motd, ["- " + line]) }
        numeric(.endOfMotd, ["End of /MOTD command."])
    }

    /// Marks the waiting private messages written as delivered, and writes
    /// those that wait beyond them.
    private func acknowledgeAway(through id: Int64) {
        guard let user else { return }
        let (chat, logger) = (services.chat, services.logger)
        onLoop({ try await chat.awayReceived(by: user, through: id) }) { result in
            switch result {
            case .success(let next):
                for message in next.messages { self.writeDirect(message) }
                if let last = next.messages.last { self.acknowledgeAway(through: last.id) }
            case .failure(let error):
                logger.error("cannot mark waiting messages delivered", metadata: ["error": "\(error)"])
            }
        }
    }

    // MARK: Writing

    /// Called by the outlet, on this loop.
    func deliver(_ event: OutboundEvent) {
        guard welcomed else {
            held.append(event)
            return
        }
        switch event.event {
        case .message(let message) where message.conversation.directPeer != nil:
            switch ownPost(message) {
            case .hidden: return
            case .echoed(let command): writeDirect(message, command: command)
            case .notOwn: writeDirect(message)
            }
            if event.waiting { services.markDelivered(message) }
        case .message(let message):
            switch ownPost(message) {
            case .hidden: return
            case .echoed("NOTICE"): for line in ownLines(message, command: "NOTICE") { gather(line) }
            case .echoed, .notOwn: gatherer?.gather(event.bytes)
            }
        case .joined(let conversation, let name, _, _):
            if NameRules.key(for: name) == userKey {
                gatherer?.gather(event.bytes)
                joinedChannels.insert(NameRules.key(for: conversation.rawValue))
                if pendingJoins.remove(NameRules.key(for: conversation.rawValue)) == nil { fetchRoomState(conversation) }
            } else {
                quitsHeard.remove(NameRules.key(for: name))
                gatherer?.gather(event.bytes)
            }
        case .left(let conversation, let name, _, let stillMember):
            if !stillMember, NameRules.key(for: name) == userKey { joinedChannels.remove(NameRules.key(for: conversation.rawValue)) }
            if stillMember {
                // One QUIT per departure, however many channels are shared.
                guard quitsHeard.insert(NameRules.key(for: name)).inserted else { return }
                if quitsHeard.count > 10_000 { quitsHeard = [NameRules.key(for: name)] }
            }
            gatherer?.gather(event.bytes)
        case .topic:
            gatherer?.gather(event.bytes)
        case .away:
            if capabilities.contains(.awayNotify) { gatherer?.gather(event.bytes) }
        case .friendRequest(let from):
            serviceNotice("\(from) asks to be your friend: \"/msg parley friend accept \(from)\" (or decline).")
        case .friendAdded(let friend):
            serviceNotice("You and \(friend.name) are friends now: \"/msg \(IRCNames.nick(friend.name)) …\" talks privately.")
        case .friendRemoved(let name):
            serviceNotice("You and \(name) are no longer friends.")
        case .friendDeclined(let name):
            serviceNotice("\(name) declined your friend request.")
        case .friendOnline, .friendOffline, .read:
            break
        }
    }

    private enum OwnPost {
        case notOwn
        /// Posted here, and the client did not ask for echo-message.
        case hidden
        /// Posted here with `command`, which the echo repeats.
        case echoed(String)
    }

    /// Whether this session posted the message. On every delivery, so the
    /// cheap tests come first: the hub names the sender as the account
    /// spells its name.
    private func ownPost(_ message: ChatMessage) -> OwnPost {
        guard !ownPosts.isEmpty, message.sender == user?.name else { return .notOwn }
        let conversation = NameRules.key(for: message.conversation.rawValue)
        guard let index = ownPosts.firstIndex(where: { NameRules.key(for: $0.conversation.rawValue) == conversation && $0.text == message.text })
        else { return .notOwn }
        let command = ownPosts.remove(at: index).command
        return capabilities.contains(.echoMessage) ? .echoed(command) : .hidden
    }

    private func ownLines(_ message: ChatMessage, command: String) -> [IRCMessage] {
        IRCWords.messageLines(message, target: target(of: message), profile: profile, command: command, fromGuest: user?.isGuest == true)
    }

    /// A private message, named after its recipient: a line of its own per
    /// recipient. Never a guest's: guests have no private chats.
    private func writeDirect(_ message: ChatMessage, command: String = "PRIVMSG") {
        guard message.conversation.directPeer != nil else { return }
        for line in IRCWords.messageLines(message, target: target(of: message), profile: profile, command: command) { gather(line) }
    }

    /// Where a message goes as this session sees it: its channel, or for a
    /// private message the other person when this user sent it, else this user.
    func target(of message: ChatMessage) -> String {
        guard let peer = message.conversation.directPeer else { return IRCNames.channel(message.conversation) }
        return message.sender == user?.name ? IRCNames.nick(peer) : nick
    }

    func serviceNotice(_ text: String) {
        for piece in TextSplitter.pieces(of: text, maxBytes: 400) {
            gather(IRCMessage(source: IRCNames.mask(IRCServiceNick.nick), "NOTICE", [nick, piece]))
        }
    }

    private func gather(_ message: IRCMessage) {
        gatherer?.gather(ByteBuffer(string: message.line))
    }

    /// Written with the next flush, after the events gathered before it.
    func send(_ message: IRCMessage) {
        guard let context, context.channel.isActive else { return }
        context.write(wrapOutboundOut(ByteBuffer(string: message.line)), promise: nil)
    }

    func numeric(_ code: Numeric, _ parameters: [String]) {
        send(IRCMessage(source: door.serverName, code.rawValue, [nick] + parameters))
    }

    func refuse(_ error: any Error, command: String, target: String?) {
        switch IRCDoorWords.refusal(error, command: command, target: target, logger: services.logger) {
        case .numeric(let code, let parameters): numeric(code, parameters)
        case .fail(let command, let code, let context, let text):
            send(IRCMessage(source: door.serverName, "FAIL", [command, code] + context + [text]))
        }
    }

    func flush() {
        context?.flush()
    }

    /// Runs a command's slow work off the loop; `then` gets its result on
    /// the loop, and the next line runs after it.
    func run<T: Sendable>(_ work: @escaping @Sendable () async throws -> T, then: @escaping (Result<T, any Error>) -> Void) {
        busy = true
        onLoop(work) { result in
            self.busy = false
            then(result)
            self.pump()
        }
    }

    /// Runs slow work off the loop, without holding up the lines: for what
    /// an event, not a command, asks for.
    func onLoop<T: Sendable>(_ work: @escaping @Sendable () async throws -> T, then: @escaping (Result<T, any Error>) -> Void) {
        guard let context else { return }
        let promise = context.eventLoop.makePromise(of: T.self)
        promise.completeWithTask(work)
        promise.futureResult.assumeIsolated().whenComplete { result in
            then(result)
            self.flush()
        }
    }

    /// A batch reference unique within the connection.
    func nextBatch() -> String {
        batches += 1
        return "h\(batches)"
    }

    var peerAddress: String {
        context?.channel.remoteAddress?.ipAddress ?? "unknown"
    }

    // MARK: Ending

    /// Sends ERROR with the reason, then closes; a peer that does not take
    /// it within a second is closed regardless.
    func close(_ reason: String, leaving departure: Departure) {
        guard let context, !closing else { return }
        closing = true
        self.departure = departure
        lines = []
        let channel = context.channel
        let closeOnce = context.eventLoop.scheduleTask(in: .seconds(1)) { channel.close(promise: nil) }
        context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: IRCMessage("ERROR", ["Closing link: \(reason)"]).line)))
            .assumeIsolated().whenComplete { _ in
                closeOnce.cancel()
                context.close(promise: nil)
            }
    }

    /// Called by the outlet when the hub ends the session.
    func end(because error: DomainError) {
        close(IRCDoorWords.sentence(error), leaving: .replaced)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        switch event {
        case is HeartbeatTimedOut:
            close("Ping timeout: no sign of life within \(services.limits.heartbeatTimeoutSeconds.formatted) seconds", leaving: .timedOut)
        case is ChannelShouldQuiesceEvent:
            close("The server is shutting down; reconnect in a moment", leaving: .serverShuttingDown)
        default:
            context.fireUserInboundEventTriggered(event)
        }
    }
}

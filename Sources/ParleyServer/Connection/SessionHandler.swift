import Logging
import NIOCore
import NIOExtras
import ParleyProtocol
import ParleyStore

/// One connection's session: reads frames, answers requests through the
/// services, and writes what the hub delivers. Lives on its channel's event
/// loop; slow work runs in tasks whose results come back to the loop.
final class SessionHandler: ChannelInboundHandler {
    typealias InboundIn = Frame
    typealias OutboundOut = ByteBuffer

    private enum State {
        case awaitingHello
        case anonymous
        /// Events that arrive while the welcome is being prepared wait here,
        /// so that none is lost and none comes before the welcome.
        case loggingIn(pending: [OutboundEvent])
        case authenticated(StoredUser)
        case closed
    }

    private let services: SessionServices
    private var state = State.awaitingHello
    private var rateLimit: TokenBucket
    private var context: ChannelHandlerContext?
    private var outlet: SessionOutlet?
    private var user: StoredUser?
    /// The resume token this session was given or logged in with, which
    /// `logout` revokes.
    private var token: String?
    /// Why the session ended, told to the others in the `left` event.
    private var leaveReason = "quit"
    private var loggedOut = false
    /// Requests run one at a time in the order they came, so a client's
    /// messages are committed in the order it sent them.
    private var queued: [(id: UInt32, request: Request)] = []
    private var busy = false
    private var queueFull = false
    private var diskBehind = false
    private var transfers: Transfers?
    private var coalescer: WriteCoalescer?
    /// Events gathered since the last flush.
    private var outgoing: ByteBuffer?
    private static let outgoingCapacity = 4096
    /// Past this many queued requests the socket is not read until the
    /// queue drains: back-pressure instead of unbounded memory.
    private static let maxQueuedRequests = 64

    init(services: SessionServices) {
        self.services = services
        rateLimit = TokenBucket(capacity: services.limits.rateBurst, ratePerSecond: services.limits.ratePerSecond)
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        coalescer = services.coalescers.of(context.eventLoop)
        transfers = Transfers(
            files: services.files, pool: services.fileIO, logger: services.logger,
            send: { [unowned self] event in send(.event(event)) },
            diskBehind: { [unowned self] behind in
                diskBehind = behind
                updateReading()
            }
        )
    }

    func channelActive(context: ChannelHandlerContext) {
        context.writeAndFlush(wrapOutboundOut(services.helloFrame), promise: nil)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        state = .closed
        detach()
        transfers?.closeAll()
        context.fireChannelInactive()
    }

    // MARK: Reading

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .closed = state { return }
        let frame = unwrapInboundIn(data)
        if let chunk = Chunk(frame) {
            if case .authenticated = state { transfers?.receive(chunk) } else {
                send(.event(.error(ProtocolError(.authRequired, "Log in before sending file bytes."))))
            }
            return
        }
        switch WireCodec.decodeClientMessage(frame) {
        case .failure(let failure):
            if let id = failure.requestID {
                reply(id, .error(failure.error))
            } else {
                send(.event(.error(failure.error)))
            }
        case .success(.hello(let hello)):
            receiveHello(hello)
        case .success(.pong):
            break
        case .success(.request(let id, let request)):
            receive(request, id: id)
        }
    }

    private func receiveHello(_ hello: ClientHello) {
        guard case .awaitingHello = state else {
            send(.event(.error(ProtocolError(.requestInvalid, "The hello was already exchanged."))))
            return
        }
        guard hello.version == ProtocolConstants.version else {
            close(because: ProtocolError(
                .helloUnsupportedVersion,
                "This server speaks protocol version \(ProtocolConstants.version), not \(hello.version); use a matching client."
            ))
            return
        }
        state = .anonymous
    }

    private func receive(_ request: Request, id: UInt32) {
        if case .awaitingHello = state {
            reply(id, .error(ProtocolError(.helloRequired, "Send a hello with the protocol version first.")))
            return
        }
        guard rateLimit.take() else {
            let limits = services.limits
            reply(id, .error(ProtocolError(
                .rateLimited,
                "Too many requests: at most \(limits.rateBurst) at once, then \(limits.ratePerSecond.formatted) a second. Nothing was done; try again shortly."
            )))
            return
        }
        queued.append((id, request))
        if queued.count >= Self.maxQueuedRequests {
            queueFull = true
            updateReading()
        }
        startNextRequest()
    }

    private func startNextRequest() {
        guard !busy, !queued.isEmpty else { return }
        let (id, request) = queued.removeFirst()
        if queueFull && queued.count < Self.maxQueuedRequests / 2 {
            queueFull = false
            updateReading()
        }
        busy = true
        switch request {
        case .register(let name, let password):
            let accounts = services.accounts
            run(id) { .registered(name: try await accounts.register(name: name, password: password).name) }
        case .login(let name, let password, let takeOver):
            logIn(name: name, with: .password(password), takeOver: takeOver, id: id)
        case .resume(let name, let token, let takeOver):
            logIn(name: name, with: .token(token), takeOver: takeOver, id: id)
        case .logout:
            let (accounts, token) = (services.accounts, self.token)
            withUser(id) { _, _ in
                self.token = nil
                // The client is leaving: however its socket ends now, it quit.
                loggedOut = true
                run(id) {
                    if let token { try await accounts.revoke(token: token) }
                    return .done
                }
            }
        case .send(let conversation, let text):
            withUser(id) { user, chat in
                run(id) { .sent(try await chat.post(from: user, to: conversation, text: text)) }
            }
        case .awayReceived(let through):
            withUser(id) { user, chat in
                run(id) {
                    try await chat.awayReceived(by: user, through: through)
                    return .done
                }
            }
        case .history(let conversation, let page):
            withUser(id) { user, chat in
                run(id) { .history(try await chat.history(of: conversation, for: user, page: page)) }
            }
        case .friendRequest(let name):
            withFriends(id) { user, friends in try await friends.request(from: user, to: name) }
        case .friendAccept(let name):
            withFriends(id) { user, friends in try await friends.accept(from: name, by: user) }
        case .friendDecline(let name):
            withFriends(id) { user, friends in try await friends.decline(from: name, by: user) }
        case .friendRemove(let name):
            withFriends(id) { user, friends in try await friends.remove(name, by: user) }
        case .friends:
            let friends = services.friends
            withUser(id) { user, _ in
                run(id) { .friends(try await friends.list(for: user)) }
            }
        case .roomCreate(let name, let topic, let openTopic):
            withRooms(id) { user, rooms in .room(try await rooms.create(name, topic: topic, openTopic: openTopic, by: user)) }
        case .roomJoin(let name):
            withRooms(id) { user, rooms in .room(try await rooms.join(name, by: user)) }
        case .roomLeave(let name):
            withRooms(id) { user, rooms in
                try await rooms.leave(name, by: user)
                return .done
            }
        case .rooms:
            withRooms(id) { user, rooms in .rooms(try await rooms.list(for: user)) }
        case .setTopic(let conversation, let topic):
            withRooms(id) { user, rooms in
                try await rooms.setTopic(topic, of: conversation, by: user)
                return .done
            }
        case .upload(let conversation, let name, let size, let sha256):
            let files = services.files
            withUser(id) { user, _ in
                runOnLoop(id, { try await files.startUpload(by: user, to: conversation, name: name, size: size, sha256: sha256) }) { upload, loop in
                    .uploadReady(transfer: try self.transfers!.beginUpload(upload, eventLoop: loop), chunkBytes: self.services.limits.maxFrameBytes - Frame.headerBytes - Chunk.headerBytes)
                }
            }
        case .download(let file, let offset):
            let files = services.files
            withUser(id) { user, _ in
                runOnLoop(id, { try await files.download(file, by: user, from: offset) }) { found, _ in
                    let transfer = try self.transfers!.beginDownload(found.file, path: found.path, offset: offset, channel: self.context!.channel)
                    return .downloadReady(transfer: transfer, file: found.file, offset: offset)
                } then: { reply in
                    if case .downloadReady(let transfer, _, _) = reply { self.transfers?.startDownload(transfer) }
                }
            }
        case .cancelUpload(let transfer):
            withUser(id) { _, _ in
                finish(id, Result { () throws(ProtocolError) -> Reply in
                    try transfers!.cancelUpload(transfer)
                    return .done
                })
            }
        case .files(let conversation):
            let files = services.files
            withUser(id) { user, _ in
                run(id) { .files(try await files.list(conversation, for: user)) }
            }
        }
    }

    /// Answers the running request and starts the next one.
    private func finish(_ id: UInt32, _ result: Result<Reply, any Error>) {
        switch result {
        case .success(let reply): self.reply(id, reply)
        case .failure(let error): reply(id, .error(protocolError(from: error)))
        }
        requestDone()
    }

    private func requestDone() {
        busy = false
        startNextRequest()
    }

    private func withUser(_ id: UInt32, _ body: (StoredUser, ChatService) -> Void) {
        guard case .authenticated(let user) = state else {
            finish(id, .failure(ProtocolError(.authRequired, "Log in first.")))
            return
        }
        body(user, services.chat)
    }

    private func withFriends(_ id: UInt32, _ work: @escaping @Sendable (StoredUser, FriendService) async throws -> Void) {
        let friends = services.friends
        withUser(id) { user, _ in
            run(id) {
                try await work(user, friends)
                return .done
            }
        }
    }

    private func withRooms(_ id: UInt32, _ work: @escaping @Sendable (StoredUser, RoomService) async throws -> Reply) {
        let rooms = services.rooms
        withUser(id) { user, _ in
            run(id) { try await work(user, rooms) }
        }
    }

    /// Reads while the request queue has room and the disk keeps up with uploads.
    private func updateReading() {
        setReading(!queueFull && !diskBehind)
    }

    private func setReading(_ on: Bool) {
        guard let options = context?.channel.syncOptions else { return }
        if (try? options.getOption(.autoRead)) != on {
            try? options.setOption(.autoRead, value: on)
            if on { context?.read() }
        }
    }

    // MARK: Logging in

    private enum Credentials {
        case password(String)
        case token(String)
    }

    private func logIn(name: String, with credentials: Credentials, takeOver: Bool, id: UInt32) {
        guard case .anonymous = state, let context else {
            finish(id, .failure(ProtocolError(.authAlreadyLoggedIn, "This connection is already logged in.")))
            return
        }
        state = .loggingIn(pending: [])
        let outlet = SessionOutlet(handler: self, eventLoop: context.eventLoop)
        let services = self.services
        let promise = context.eventLoop.makePromise(of: Arrived.self)
        promise.completeWithTask {
            let user = switch credentials {
            case .password(let password): try await services.accounts.authenticate(name: name, password: password)
            case .token(let token): try await services.accounts.resume(name: name, token: token)
            }
            let key = NameRules.key(for: user.name)
            let rooms = try await services.rooms.rooms(of: user)
            guard case .attached(let replaced) = services.hub.attach(outlet, name: user.name, key: key, rooms: rooms, takeOver: takeOver) else {
                throw ProtocolError(
                    .authAlreadyOnline,
                    "\"\(user.name)\" is already logged in elsewhere; log in with take-over to move the session here."
                )
            }
            do {
                var token: String?
                switch credentials {
                case .password:
                    do {
                        token = try await services.accounts.issueToken(for: user)
                    } catch {
                        // A disk that refuses writes costs the reconnect shortcut, not the login.
                        services.logger.error("cannot issue a resume token", metadata: ["error": "\(error)"])
                    }
                case .token(let resumed):
                    token = resumed
                }
                let (welcome, friendships) = try await services.arrivals.welcome(for: user, in: rooms, token: token)
                return Arrived(user: user, welcome: welcome, friends: friendships.friends, replaced: replaced)
            } catch {
                services.hub.detach(outlet, key: key, reason: "connection lost")
                throw error
            }
        }
        promise.futureResult.assumeIsolated().whenComplete { result in
            self.finishLogin(result, outlet: outlet, id: id)
        }
    }

    /// A login that got as far as its welcome.
    private struct Arrived: Sendable {
        let user: StoredUser
        let welcome: Welcome
        let friends: [StoredUser]
        /// The user only moved here from another session.
        let replaced: Bool
    }

    private func finishLogin(_ result: Result<Arrived, any Error>, outlet: SessionOutlet, id: UInt32) {
        guard case .loggingIn(let pending) = state else {
            // The connection closed while the login was under way.
            if case .success(let arrived) = result {
                services.hub.detach(outlet, key: NameRules.key(for: arrived.user.name), reason: leaveReason)
            }
            return
        }
        switch result {
        case .failure(let error):
            state = .anonymous
            finish(id, .failure(error))
        case .success(let arrived):
            let user = arrived.user
            var welcome = arrived.welcome
            state = .authenticated(user)
            self.outlet = outlet
            self.user = user
            token = welcome.token
            services.logger.info("logged in", metadata: ["user": "\(user.name)"])
            // Messages the welcome holds already are not sent twice; private
            // messages stored as waiting while this login read the welcome
            // join its `away`, which the client acknowledges.
            var seen: [ConversationID: Int64] = [:]
            for room in welcome.rooms { seen[room.name] = room.history.last?.id }
            let away = Set(welcome.away.map(\.id))
            var events: [ByteBuffer] = []
            for event in pending {
                if case .message(let message) = event.event {
                    if message.id <= seen[message.conversation] ?? .min || away.contains(message.id) { continue }
                    if event.waiting {
                        welcome.away.append(message)
                        continue
                    }
                }
                events.append(event.frame)
            }
            reply(id, .welcome(welcome))
            if !arrived.replaced { services.friends.announce(user, online: true, to: arrived.friends) }
            for frame in events { write(frame) }
            requestDone()
        }
    }

    /// A message stored as waiting reached this session live: it was
    /// delivered like any message to someone online.
    private func markDelivered(_ message: ChatMessage) {
        let (chat, logger) = (services.chat, services.logger)
        Task {
            do {
                try await chat.markDelivered([message])
            } catch {
                logger.error("cannot mark a message delivered", metadata: ["error": "\(error)"])
            }
        }
    }

    private func detach() {
        if let outlet, let user {
            let wentOffline = services.hub.detach(outlet, key: NameRules.key(for: user.name), reason: leaveReason)
            services.logger.info("left", metadata: ["user": "\(user.name)", "reason": "\(leaveReason)"])
            if wentOffline {
                let friends = services.friends
                Task { try? await friends.announce(user, online: false) }
            }
        }
        outlet = nil
    }

    // MARK: Writing

    /// Called by the outlet, on this loop.
    func deliver(_ event: OutboundEvent) {
        switch state {
        case .loggingIn(var pending):
            // Let go of the state's copy first, or every append copies the array.
            state = .loggingIn(pending: [])
            pending.append(event)
            state = .loggingIn(pending: pending)
        case .authenticated:
            writeSoon(event.frame)
            if event.waiting, case .message(let message) = event.event { markDelivered(message) }
        case .awaitingHello, .anonymous, .closed:
            break
        }
    }

    /// Runs slow work off the loop; its result comes back here.
    private func run(_ id: UInt32, _ work: @escaping @Sendable () async throws -> Reply) {
        runOnLoop(id, work) { reply, _ in reply }
    }

    /// Runs slow checks off the loop, then `step` on the loop with their
    /// result (state of the connection is only touched there); `then` runs
    /// after the reply is written.
    private func runOnLoop<T: Sendable>(
        _ id: UInt32, _ work: @escaping @Sendable () async throws -> T,
        _ step: @escaping (T, any EventLoop) throws -> Reply, then: @escaping (Reply) -> Void = { _ in }
    ) {
        guard let context else { return }
        let promise = context.eventLoop.makePromise(of: T.self)
        promise.completeWithTask(work)
        let loop = context.eventLoop
        promise.futureResult.assumeIsolated().whenComplete { result in
            let reply = Result { try step(try result.get(), loop) }
            self.finish(id, reply)
            if case .success(let reply) = reply { then(reply) }
        }
    }

    private func protocolError(from error: any Error) -> ProtocolError {
        if let error = error as? ProtocolError { return error }
        services.logger.error("request failed", metadata: ["error": "\(error)"])
        switch StorageFault(error) {
        case .full?:
            return ProtocolError(.storageFull, "The server's storage is full, so nothing was saved; reading still works. Tell its operator.")
        case .readOnly?, .failing?, .notADatabase?:
            return ProtocolError(.storageUnavailable, "The server cannot write to its storage right now, so nothing was saved; reading still works. Tell its operator.")
        case nil:
            break
        }
        return ProtocolError(.serverInternal, "The server could not do that because of an internal error; it has been logged.")
    }

    private func reply(_ id: UInt32, _ reply: Reply) {
        send(.reply(id: id, reply))
    }

    private func send(_ message: ServerMessage) {
        write(WireCodec.encode(message))
    }

    /// Gathers events in one buffer for `coalesce_ms` and then writes it:
    /// a burst of events to this session crosses the pipeline and leaves in
    /// one system call, instead of once per event. Copying a frame of a few
    /// hundred bytes costs less than a trip through the pipeline, and in a
    /// busy room the system calls were most of the cost (docs/BENCHMARKS.md).
    private func writeSoon(_ frame: ByteBuffer) {
        guard let context else { return }
        if case .closed = state { return }
        var frame = frame
        if outgoing == nil {
            outgoing = context.channel.allocator.buffer(capacity: Swift.max(Self.outgoingCapacity, frame.readableBytes))
            coalescer?.flushSoon(self)
        }
        outgoing!.writeBuffer(&frame)
    }

    /// Called by the coalescer, on this loop.
    func flushOutgoing() {
        guard let context, let buffer = outgoing else { return }
        outgoing = nil
        context.writeAndFlush(wrapOutboundOut(buffer), promise: nil)
    }

    /// Writes at once, after whatever events are gathered, so that order holds.
    private func write(_ frame: ByteBuffer) {
        guard let context, context.channel.isActive else { return }
        flushOutgoing()
        context.writeAndFlush(wrapOutboundOut(frame), promise: nil)
    }

    // MARK: Ending

    /// Tells the peer why, then closes. A peer that does not take the last
    /// frame within a second is closed regardless.
    func close(because error: ProtocolError, leaving reason: String? = nil) {
        guard let context else { return }
        if case .closed = state { return }
        leaveReason = reason ?? leaveReason
        flushOutgoing()
        state = .closed
        let channel = context.channel
        let closeOnce = context.eventLoop.scheduleTask(in: .seconds(1)) { channel.close(promise: nil) }
        context.writeAndFlush(wrapOutboundOut(WireCodec.encode(ServerMessage.event(.closing(error)))))
            .assumeIsolated().whenComplete { _ in
                closeOnce.cancel()
                context.close(promise: nil)
            }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if let frameError = error as? FrameError {
            services.logger.notice("broken framing", metadata: ["error": "\(frameError)"])
            close(because: frameError.protocolError, leaving: "connection lost")
        } else {
            if !loggedOut { leaveReason = "connection lost" }
            context.close(promise: nil)
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        switch event {
        case is HeartbeatTimedOut:
            close(
                because: ProtocolError(.sessionTimedOut, "No sign of life within the heartbeat timeout; closing."),
                leaving: "timed out"
            )
        case is ChannelShouldQuiesceEvent:
            close(
                because: ProtocolError(.serverShuttingDown, "The server is shutting down; reconnect in a moment."),
                leaving: "server shutting down"
            )
        default:
            context.fireUserInboundEventTriggered(event)
        }
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if !context.channel.isWritable {
            services.logger.notice("closing a reader that fell too far behind")
            leaveReason = "too slow"
            context.close(promise: nil)
        }
        context.fireChannelWritabilityChanged()
    }
}

extension Double {
    /// 5 for 5.0, 2.5 for 2.5: how people write a rate.
    var formatted: String {
        self == rounded() ? String(Int(self)) : String(self)
    }
}

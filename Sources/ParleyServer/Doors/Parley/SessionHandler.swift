import Logging
import NIOCore
import NIOExtras
import ParleyDomain
import ParleyStore
import ParleyWire

/// One Parley connection's session: does what its `SessionStateMachine`
/// decides (runs requests through the services, logs in, writes what the
/// hub delivers) and feeds the outcomes back to it. Lives on its channel's
/// event loop; slow work runs in tasks whose results come back to the loop.
/// Framing, decoding, rate limiting, holding back reads and gathering
/// writes are the jobs of the handlers in front of it.
final class SessionHandler: ChannelInboundHandler, OutletTarget {
    typealias InboundIn = ParleyInput
    typealias OutboundOut = ByteBuffer

    private let services: SessionServices
    private let router: RequestRouter
    private var machine = SessionStateMachine()
    private var context: ChannelHandlerContext?
    private var outlet: SessionOutlet<SessionHandler>?
    /// The resume token this session was given or logged in with, which
    /// `logout` revokes.
    private var token: String?
    private var transfers: Transfers?
    /// Small until the peer logs in.
    private let frameLimit: FrameLimit
    /// Cancelled once passed: a pending task is memory every idle
    /// connection would keep.
    private var helloDeadline: Scheduled<Void>?
    private var loginDeadline: Scheduled<Void>?
    /// Where events go: handed over directly, not through the pipeline.
    private var gatherer: WriteGatherer?

    init(services: SessionServices, frameLimit: FrameLimit) {
        self.services = services
        self.frameLimit = frameLimit
        router = RequestRouter(services: services)
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        gatherer = try? context.pipeline.syncOperations.handler(type: WriteGatherer.self)
        transfers = Transfers(
            files: services.files, pool: services.fileIO, logger: services.logger,
            send: { [unowned self] event in write(.event(event)) },
            diskBehind: { [unowned self] behind in gateReads(behind ? .hold(.disk) : .release(.disk)) }
        )
    }

    func channelActive(context: ChannelHandlerContext) {
        context.writeAndFlush(wrapOutboundOut(services.helloFrame), promise: nil)
        let loop = context.eventLoop.assumeIsolated()
        helloDeadline = loop.scheduleTask(in: services.helloTimeout) { self.deadlinePassed(.hello) }
        loginDeadline = loop.scheduleTask(in: services.loginTimeout) { self.deadlinePassed(.login) }
        context.fireChannelActive()
    }

    private func cancelDeadlines() {
        helloDeadline?.cancel()
        loginDeadline?.cancel()
        (helloDeadline, loginDeadline) = (nil, nil)
    }

    private func deadlinePassed(_ deadline: SessionStateMachine.Deadline) {
        guard machine.deadlinePassed(deadline) else { return }
        let (what, timeout) = switch deadline {
        case .hello: ("hello", services.helloTimeout)
        case .login: ("login", services.loginTimeout)
        }
        let seconds = (Double(timeout.nanoseconds) / 1e9).formatted
        services.logger.notice("closing a connection that sent no \(what) in time", metadata: ["seconds": "\(seconds)"])
        close(because: ProtocolError(.sessionTimedOut, "No \(what) within \(seconds) seconds of connecting; closing."), leaving: .timedOut)
    }

    func channelInactive(context: ChannelHandlerContext) {
        cancelDeadlines()
        if let (user, departure) = machine.channelClosed(), let outlet {
            services.detach(user, outlet: outlet, departure: departure)
        }
        outlet = nil
        transfers?.closeAll()
        context.fireChannelInactive()
    }

    // MARK: Reading

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .chunk(let chunk):
            if machine.isClosing { return }
            if machine.acceptsFileBytes {
                transfers?.receive(chunk)
            } else {
                write(.event(.error(ProtocolError(.authRequired, "Log in before sending file bytes."))))
            }
        case .message(.hello(let hello)):
            switch machine.helloReceived(version: hello.version) {
            case .accept:
                helloDeadline?.cancel()
                helloDeadline = nil
            case .refuse(let error): write(.event(.error(error)))
            case .close(let error): close(because: error, leaving: .connectionLost)
            }
        case .message(.pong):
            break
        case .message(.request(let id, let request)):
            switch machine.requestReceived(id: id, request) {
            case .queued: startRequests()
            case .queuedHoldingReads:
                gateReads(.hold(.requests))
                startRequests()
            case .refuse(let id, let error): reply(id, .error(error))
            case .ignore: break
            }
        }
    }

    /// Starts queued requests until one is running or none is left.
    private func startRequests() {
        while let (action, resumeReads) = machine.nextRequest() {
            if resumeReads { gateReads(.release(.requests)) }
            switch action {
            case .refuse(let id, let error):
                reply(id, .error(ProtocolError(error)))
            case .logIn(let id, let login):
                logIn(login, id: id)
                return
            case .run(let id, let request, let user):
                run(id, request, user: user)
                return
            }
        }
    }

    private func run(_ id: UInt32, _ request: Request, user: StoredUser?) {
        switch request {
        case .logout:
            let (accounts, token) = (services.accounts, self.token)
            self.token = nil
            perform(id) {
                if let token { try await accounts.revoke(token: token) }
                return .done
            }
        case .changePassword(let password, let newPassword):
            let (accounts, token, address) = (services.accounts, self.token, peerAddress)
            perform(id) {
                try await accounts.changePassword(of: user!, from: password, to: newPassword, at: address, keeping: token)
                return .done
            }
        case .logoutEverywhere:
            let accounts = services.accounts
            token = nil
            perform(id) {
                try await accounts.logOutEverywhere(user!)
                return .done
            }
        case .deleteAccount(let password):
            let (deletion, address) = (services.deletion, peerAddress)
            perform(id, { try await deletion.delete(user!, password: password, at: address) }, { _, _ in .done }) { _ in
                self.close(because: ProtocolError(.accountDeleted, "Your account is deleted. Goodbye."), leaving: .quit)
            }
        case .upload(let conversation, let name, let size, let sha256):
            let (files, user) = (services.files, user!)
            perform(id, { try await files.startUpload(by: user, to: conversation, name: name, size: size, sha256: sha256) }) { upload, loop in
                .uploadReady(
                    transfer: try self.transfers!.beginUpload(upload, eventLoop: loop),
                    chunkBytes: self.services.limits.maxFrameBytes - Frame.headerBytes - Chunk.headerBytes
                )
            }
        case .download(let file, let offset):
            let (files, user) = (services.files, user!)
            perform(id, { try await files.download(file, by: user, from: offset) }) { found, _ in
                let transfer = try self.transfers!.beginDownload(found.file, path: found.path, offset: offset, channel: self.context!.channel)
                return .downloadReady(transfer: transfer, file: found.file, offset: offset)
            } then: { reply in
                if case .downloadReady(let transfer, _, _) = reply { self.transfers?.startDownload(transfer) }
            }
        case .cancelUpload(let transfer):
            finish(id, Result { () throws(ProtocolError) -> Reply in
                try transfers!.cancelUpload(transfer)
                return .done
            })
        default:
            let (router, address) = (self.router, peerAddress)
            perform(id) { try await router.reply(to: request, from: user, at: address) }
        }
    }

    /// Answers the running request and starts the next one.
    private func finish(_ id: UInt32, _ result: Result<Reply, any Error>) {
        switch result {
        case .success(let answer): reply(id, answer)
        case .failure(let error): reply(id, .error(RequestRouter.protocolError(from: error, logger: services.logger)))
        }
        machine.requestFinished()
        startRequests()
    }

    /// Runs slow work off the loop; its result comes back here.
    private func perform(_ id: UInt32, _ work: @escaping @Sendable () async throws -> Reply) {
        perform(id, work) { reply, _ in reply }
    }

    /// Runs slow checks off the loop, then `step` on the loop with their
    /// result (the connection's state is only touched there); `then` runs
    /// after the reply is written.
    private func perform<T: Sendable>(
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

    /// The peer's IP address, which limits and throttles count by.
    private var peerAddress: String {
        context?.channel.remoteAddress?.ipAddress ?? "unknown"
    }

    private func gateReads(_ change: ReadGate.Change) {
        context?.triggerUserOutboundEvent(change, promise: nil)
    }

    // MARK: Logging in

    /// A login that got as far as its welcome.
    private struct Arrived: Sendable {
        let user: StoredUser
        let welcome: Welcome
        let friends: [StoredUser]
        /// The user was not online before this session: friends hear so.
        let cameOnline: Bool
    }

    private func logIn(_ login: SessionStateMachine.Login, id: UInt32) {
        guard let context else { return }
        let outlet = SessionOutlet<SessionHandler>(self, eventLoop: context.eventLoop, format: services.format)
        let services = self.services
        let address = peerAddress
        let channel = context.channel
        let promise = context.eventLoop.makePromise(of: Arrived.self)
        promise.completeWithTask {
            let user = switch login.credentials {
            case .password(let password): try await services.accounts.authenticate(name: login.name, password: password, from: address)
            case .token(let token): try await services.accounts.resume(name: login.name, token: token)
            case .guest: try await services.accounts.admitGuest(name: login.name, from: address)
            }
            let key = NameRules.key(for: user.name)
            let rooms = try await services.rooms.rooms(of: user)
            // A connection that closed while its password was checked must
            // not take the account over from the session that is still there.
            guard channel.isActive else { throw CancellationError() }
            let attached = services.hub.attach(
                outlet, name: user.name, key: key, guest: user.isGuest, rooms: rooms, quiet: login.quiet, takeOver: login.takeOver
            )
            guard case .attached(let cameOnline) = attached else {
                throw DomainError.tooManySessions(name: user.name, max: services.hub.maxSessionsPerUser)
            }
            do {
                var token: String?
                switch login.credentials {
                case .password:
                    do {
                        token = try await services.accounts.issueToken(for: user)
                    } catch {
                        // A disk that refuses writes costs the reconnect shortcut, not the login.
                        services.logger.error("cannot issue a resume token", metadata: ["error": "\(error)"])
                    }
                case .token(let resumed):
                    token = resumed
                case .guest:
                    // A guest is gone when it leaves: nothing to resume.
                    token = nil
                }
                let (welcome, friendships) = try await services.welcomes.welcome(
                    for: user, in: rooms, token: token, takingAway: !login.quiet
                )
                return Arrived(user: user, welcome: welcome, friends: friendships.friends, cameOnline: cameOnline)
            } catch {
                services.hub.detach(outlet, key: key, reason: .connectionLost)
                throw error
            }
        }
        promise.futureResult.assumeIsolated().whenComplete { result in
            self.finishLogin(result, outlet: outlet, id: id)
        }
    }

    private func finishLogin(_ result: Result<Arrived, any Error>, outlet: SessionOutlet<SessionHandler>, id: UInt32) {
        switch result {
        case .failure(let error):
            if machine.loginFailed() { finish(id, .failure(error)) }
        case .success(let arrived):
            switch machine.loginSucceeded(arrived.user, welcome: arrived.welcome) {
            case .detach(let user):
                services.detach(user, outlet: outlet, departure: machine.departure)
            case .welcome(let welcome, let events):
                self.outlet = outlet
                cancelDeadlines()
                frameLimit.bytes = services.limits.maxFrameBytes
                token = welcome.token
                services.logger.info("logged in", metadata: ["user": "\(arrived.user.name)", "quiet": "\(machine.quiet)"])
                reply(id, .welcome(welcome))
                if arrived.cameOnline { services.friends.announce(arrived.user, online: true, to: arrived.friends) }
                for bytes in events { context?.write(wrapOutboundOut(bytes), promise: nil) }
                context?.flush()
                machine.requestFinished()
                startRequests()
            }
        }
    }

    // MARK: Writing

    /// Called by the outlet, on this loop.
    func deliver(_ event: OutboundEvent) {
        switch machine.eventDelivered(event) {
        case .write:
            gatherer?.gather(event.bytes)
        case .writeAndMarkDelivered:
            gatherer?.gather(event.bytes)
            if case .message(let message) = event.event { services.markDelivered(message) }
        case .none:
            break
        }
    }

    private func reply(_ id: UInt32, _ reply: Reply) {
        write(.reply(id: id, reply))
    }

    /// Writes at once, after whatever events are gathered, so that order holds.
    private func write(_ message: ServerMessage) {
        guard let context, context.channel.isActive else { return }
        context.writeAndFlush(wrapOutboundOut(WireCodec.encode(message)), promise: nil)
    }

    // MARK: Ending

    /// Called by the outlet when the hub ends the session (take-over elsewhere).
    func end(because error: DomainError) {
        close(because: ProtocolError(error), leaving: .replaced)
    }

    /// Tells the peer why, then closes. A peer that does not take the last
    /// frame within a second is closed regardless.
    func close(because error: ProtocolError, leaving reason: Departure) {
        guard let context, machine.closeRequested(reason) else { return }
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
            close(because: frameError.protocolError, leaving: .connectionLost)
        } else {
            machine.connectionFailed()
            context.close(promise: nil)
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        switch event {
        case is HeartbeatTimedOut:
            close(because: ProtocolError(.sessionTimedOut, "No sign of life within the heartbeat timeout; closing."), leaving: .timedOut)
        case is ChannelShouldQuiesceEvent:
            close(because: ProtocolError(.serverShuttingDown, "The server is shutting down; reconnect in a moment."), leaving: .serverShuttingDown)
        default:
            context.fireUserInboundEventTriggered(event)
        }
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if !context.channel.isWritable {
            services.logger.notice("closing a reader that fell too far behind")
            if machine.closeRequested(.tooSlow) { context.close(promise: nil) }
        }
        context.fireChannelWritabilityChanged()
    }
}

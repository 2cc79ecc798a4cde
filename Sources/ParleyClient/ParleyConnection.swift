import NIOCore
import NIOPosix
import NIOSSL
import ParleyDomain
import ParleyWire

/// One connection to a Parley server: the hello is done, requests are
/// matched to their replies by id, and pushed events arrive in `events`.
public final class ParleyConnection: Sendable {
    public struct Options: Sendable {
        public var clientName = "parley"
        /// Frames from the server larger than this close the connection.
        public var maxFrameBytes = ProtocolConstants.defaultClientMaxFrameBytes
        public var connectTimeout = TimeAmount.seconds(5)
        /// How long to wait for the server's hello after connecting.
        public var helloTimeout = TimeAmount.seconds(10)
        /// Off only in tests that play a client which vanished.
        public var answersPings = true
        /// Which certificates to accept; nil speaks plaintext (`--insecure`).
        public var tls: ServerTrust? = ServerTrust()
        public init() {}
    }

    public let serverHello: ServerHello
    /// Pushed events, in the order the server sent them; finishes when the
    /// connection ends.
    public let events: AsyncStream<Event>
    let channel: any Channel
    private let pending: PendingRequests
    private let pacer: RequestPacer
    let transfers: TransferRouter

    private init(serverHello: ServerHello, events: AsyncStream<Event>, channel: any Channel, pending: PendingRequests, transfers: TransferRouter) {
        self.serverHello = serverHello
        self.events = events
        self.channel = channel
        self.pending = pending
        self.transfers = transfers
        pacer = RequestPacer(limits: serverHello.limits)
    }

    public static func connect(host: String, port: Int, options: Options = Options()) async throws -> ParleyConnection {
        let (events, continuation) = AsyncStream.makeStream(of: Event.self)
        let pending = PendingRequests()
        let transfers = TransferRouter()
        let group = MultiThreadedEventLoopGroup.singleton
        let hello = group.next().makePromise(of: ServerHello.self)
        let server = ServerAddress(host: host, port: port)
        let trust = TrustOutcome()
        let channel: any Channel
        do {
            channel = try await ClientBootstrap(group: group)
                .connectTimeout(options.connectTimeout)
                .channelOption(.socketOption(.tcp_nodelay), value: 1)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        if let tls = options.tls {
                            try channel.pipeline.syncOperations.addHandler(try tls.handler(for: server, outcome: trust))
                        }
                        try channel.pipeline.syncOperations.addHandlers([
                            ByteToMessageHandler(FrameDecoder(maxFrameBytes: options.maxFrameBytes)),
                            ClientHandler(hello: hello, pending: pending, transfers: transfers, events: continuation, answersPings: options.answersPings),
                        ])
                    }
                }
                .connect(host: host, port: port).get()
        } catch {
            hello.fail(error)
            throw ParleyClientError.connectFailure(host: host, port: port, error)
        }
        let silence = channel.eventLoop.scheduleTask(in: options.helloTimeout) {
            hello.fail(ParleyClientError.incompatibleServer(
                "no hello from \(host):\(port) within \(options.helloTimeout.nanoseconds / 1_000_000_000) s — is it a Parley server?"
            ))
        }
        channel.writeAndFlush(WireCodec.encode(ClientMessage.hello(ClientHello(client: options.clientName))), promise: nil)
        let serverHello: ServerHello
        do {
            serverHello = try await hello.futureResult.get()
            silence.cancel()
        } catch {
            try? await channel.close()
            throw helloFailure(error, server: server, tls: options.tls != nil, trust: trust)
        }
        guard serverHello.version == ProtocolConstants.version else {
            try? await channel.close()
            throw ParleyClientError.incompatibleServer(
                "it speaks protocol version \(serverHello.version), this client \(ProtocolConstants.version)"
            )
        }
        return ParleyConnection(serverHello: serverHello, events: events, channel: channel, pending: pending, transfers: transfers)
    }

    /// Says why no hello came: a refused certificate, a TLS handshake that
    /// failed, or TLS on one side only.
    private static func helloFailure(_ error: any Error, server: ServerAddress, tls: Bool, trust: TrustOutcome) -> any Error {
        if let refusal = trust.refusal.withLock({ $0 }) {
            return ParleyClientError.untrusted(server: server.description, refusal)
        }
        if error is NIOSSLError || error is BoringSSLError {
            return ParleyClientError.cannotConnect(
                address: server.description,
                reason: "the TLS handshake failed (\(error)) — if the server runs with tls = false, connect with --insecure"
            )
        }
        // A TLS server closes on the plaintext hello, or answers with an
        // alert that reads as a frame of absurd length.
        var closedEarly = !(error is ParleyClientError)
        if case ParleyClientError.disconnected = error { closedEarly = true }
        if !tls, closedEarly {
            return ParleyClientError.cannotConnect(
                address: server.description,
                reason: "the server closed the connection before its hello — it speaks TLS unless told otherwise; drop --insecure"
            )
        }
        return error
    }

    /// Creates an account; it does not log in.
    @discardableResult
    public func register(name: String, password: String) async throws -> String {
        guard case .registered(let name) = try await request(.register(name: name, password: password)) else {
            throw unexpected("registered")
        }
        return name
    }

    /// Logs in. With `takeOver`, the account's sessions elsewhere are
    /// closed instead of this login being refused at the server's limit;
    /// a `quiet` session (a script's) is not announced and does not make
    /// the user online.
    public func logIn(name: String, password: String, takeOver: Bool = false, quiet: Bool = false) async throws -> Welcome {
        try await welcome(for: .logIn(name: name, password: password, takeOver: takeOver, quiet: quiet))
    }

    /// Logs in again with the token an earlier welcome carried, without the
    /// server's slow password check.
    public func resume(name: String, token: String, takeOver: Bool = false, quiet: Bool = false) async throws -> Welcome {
        try await welcome(for: .resume(name: name, token: token, takeOver: takeOver, quiet: quiet))
    }

    /// Logs in without an account, as a guest under `name`, on a server
    /// that takes guests.
    public func logInAsGuest(name: String) async throws -> Welcome {
        try await welcome(for: .guest(name: name))
    }

    /// Revokes this session's resume token.
    public func logout() async throws {
        _ = try await request(.logout)
    }

    /// Sets a new password; every other device must log in with it again.
    public func changePassword(from old: String, to new: String) async throws {
        _ = try await request(.changePassword(password: old, newPassword: new))
    }

    /// Revokes every resume token of the account, this session's too.
    public func logOutEverywhere() async throws {
        _ = try await request(.logoutEverywhere)
    }

    /// Deletes the account; the server closes the connection after.
    public func deleteAccount(password: String) async throws {
        _ = try await request(.deleteAccount(password: password))
    }

    /// Tells the server the welcome's `away` messages up to `id` are shown,
    /// so that they are not delivered again.
    /// Returns the next messages that wait (empty when none do), which
    /// the client acknowledges in turn.
    @discardableResult
    public func awayReceived(through id: Int64) async throws -> (messages: [ChatMessage], more: Bool) {
        guard case .away(let messages, let more) = try await request(.awayReceived(through: id)) else {
            throw unexpected("away")
        }
        return (messages, more)
    }

    /// Messages you may read that hold every word of `query.text`, newest
    /// first; ask again with `beforeID` the last hit's id for older ones.
    public func search(_ query: SearchQuery) async throws -> SearchPage {
        guard case .search(let page) = try await request(.search(query)) else { throw unexpected("search") }
        return page
    }

    /// Moves the account's read position in `conversation` forward to
    /// message `id`; every session of the account hears a `read` event.
    public func markRead(_ conversation: ConversationID, through id: Int64) async throws {
        _ = try await request(.markRead(conversation: conversation, through: id))
    }

    private func welcome(for login: Request) async throws -> Welcome {
        guard case .welcome(let welcome) = try await request(login) else { throw unexpected("welcome") }
        return welcome
    }

    /// Returns once the server has committed the message.
    @discardableResult
    public func send(_ text: String, to conversation: ConversationID = .lobby) async throws -> ChatMessage {
        guard case .sent(let message) = try await request(.send(conversation: conversation, text: text)) else {
            throw unexpected("sent")
        }
        return message
    }

    public func history(of conversation: ConversationID = .lobby, page: HistoryPage) async throws -> HistorySlice {
        guard case .history(let slice) = try await request(.history(conversation: conversation, page: page)) else {
            throw unexpected("history")
        }
        return slice
    }

    /// Sends any request and waits for its reply; an error reply throws
    /// `ParleyClientError.rejected`. Requests beyond the server's rate
    /// limit wait their turn (`RequestPacer`).
    public func request(_ request: Request) async throws -> Reply {
        try await self.request(request, onReply: nil)
    }

    /// `onReply` runs on the event loop as the reply arrives, before the
    /// frames after it are read: where a download's first bytes find their sink.
    func request(_ request: Request, onReply: (@Sendable (Reply) -> Void)?) async throws -> Reply {
        let wait = pacer.reserve()
        if wait > .zero { try await Task.sleep(for: wait) }
        let reply = try await withCheckedThrowingContinuation { continuation in
            guard let id = pending.add(continuation, onReply: onReply) else { return }
            channel.writeAndFlush(WireCodec.encode(ClientMessage.request(id: id, request))).whenFailure { [pending] error in
                pending.complete(id, with: .failure(ParleyClientError.disconnected(reason: "\(error)")))
            }
        }
        if case .error(let error) = reply {
            throw ParleyClientError.rejected(error)
        }
        return reply
    }

    public func close() async {
        pending.close(reason: "closed by this client")
        try? await channel.close()
    }

    private func unexpected(_ expected: String) -> ParleyClientError {
        .incompatibleServer("expected a \"\(expected)\" reply")
    }
}

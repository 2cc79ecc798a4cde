import NIOCore
import ParleyDomain
import ParleyStore
import ParleyWire

/// What one Parley connection may do next, as a value: it takes what
/// happened (a hello, a request, a login's outcome, an event, the end) and
/// returns what the handler must do. It does no I/O, so every step can be
/// tested alone (`SessionStateMachineTests`), in the manner of swift-nio's
/// own state machines.
///
/// Requests run one at a time in the order they came, so a client's
/// messages are committed in the order it sent them; past
/// `maxQueuedRequests` waiting, the socket is not read until half drained.
struct SessionStateMachine {
    enum State {
        case awaitingHello
        case awaitingLogin
        /// Events that arrive while the welcome is being read wait here, so
        /// that none is lost and none comes before the welcome.
        case loggingIn(held: [OutboundEvent])
        case loggedIn(StoredUser)
        /// Ending; the user, if logged in, is still in the hub until the
        /// channel is gone.
        case closing(StoredUser?)
    }

    enum Credentials: Sendable, Equatable {
        case password(String)
        case token(String)
        /// No account: a guest under the name.
        case guest
    }

    /// What a login asks for.
    struct Login: Sendable, Equatable {
        let name: String
        let credentials: Credentials
        /// Close the account's other sessions rather than be refused at
        /// the limit.
        let takeOver: Bool
        /// A script's session: unannounced, not online, and it never
        /// takes delivery of a waiting private message.
        let quiet: Bool
    }

    private(set) var state = State.awaitingHello
    /// Why the session ends, told to the others in the `left` event.
    private(set) var departure = Departure.quit
    private var loggedOut = false
    /// The session logged in (or is logging in) as a quiet one.
    private(set) var quiet = false
    private var queue: [(id: UInt32, request: Request)] = []
    private var busy = false
    private var readsHeld = false
    let maxQueuedRequests: Int

    init(maxQueuedRequests: Int = 64) {
        self.maxQueuedRequests = maxQueuedRequests
    }

    /// Who is logged in on this connection (while ending too).
    var user: StoredUser? {
        switch state {
        case .loggedIn(let user): user
        case .closing(let user): user
        default: nil
        }
    }

    // MARK: Hello

    enum HelloAction: Equatable {
        case accept
        /// Answer with an error event and go on.
        case refuse(ProtocolError)
        /// Say why and close.
        case close(ProtocolError)
    }

    mutating func helloReceived(version: Int) -> HelloAction {
        guard case .awaitingHello = state else {
            if case .closing = state { return .accept }
            return .refuse(ProtocolError(.requestInvalid, "The hello was already exchanged."))
        }
        guard version == ProtocolConstants.version else {
            return .close(ProtocolError(
                .helloUnsupportedVersion,
                "This server speaks protocol version \(ProtocolConstants.version), not \(version); use a matching client."
            ))
        }
        state = .awaitingLogin
        return .accept
    }

    // MARK: Requests

    enum ReceiveAction: Equatable {
        /// Queued; the handler asks for the next request to start.
        case queued
        /// Queued, and the queue is full: stop reading the socket.
        case queuedHoldingReads
        case refuse(id: UInt32, ProtocolError)
        case ignore
    }

    mutating func requestReceived(id: UInt32, _ request: Request) -> ReceiveAction {
        switch state {
        case .awaitingHello:
            return .refuse(id: id, ProtocolError(.helloRequired, "Send a hello with the protocol version first."))
        case .closing:
            return .ignore
        case .awaitingLogin, .loggingIn, .loggedIn:
            queue.append((id, request))
            if queue.count >= maxQueuedRequests && !readsHeld {
                readsHeld = true
                return .queuedHoldingReads
            }
            return .queued
        }
    }

    enum StartAction: Equatable {
        /// Run the request for `user` (nil before logging in) and call
        /// `requestFinished` when it is answered.
        case run(id: UInt32, Request, user: StoredUser?)
        /// Check the credentials and read the welcome; then
        /// `loginSucceeded` or `loginFailed`.
        case logIn(id: UInt32, Login)
        /// Answer at once; the next request may start.
        case refuse(id: UInt32, DomainError)
    }

    /// The next request to start, if none is running; `resumeReads` when
    /// the queue drained enough to read the socket again.
    mutating func nextRequest() -> (action: StartAction, resumeReads: Bool)? {
        guard !busy, !queue.isEmpty, !isClosing else { return nil }
        let (id, request) = queue.removeFirst()
        var resume = false
        if readsHeld && queue.count < maxQueuedRequests / 2 {
            readsHeld = false
            resume = true
        }
        let action = start(id, request)
        if case .refuse = action {} else { busy = true }
        return (action, resume)
    }

    private mutating func start(_ id: UInt32, _ request: Request) -> StartAction {
        switch request {
        case .register:
            return .run(id: id, request, user: nil)
        case .logIn(let name, let password, let takeOver, let quiet):
            return logIn(id, Login(name: name, credentials: .password(password), takeOver: takeOver, quiet: quiet))
        case .resume(let name, let token, let takeOver, let quiet):
            return logIn(id, Login(name: name, credentials: .token(token), takeOver: takeOver, quiet: quiet))
        case .guest(let name):
            return logIn(id, Login(name: name, credentials: .guest, takeOver: false, quiet: false))
        default:
            guard case .loggedIn(let user) = state else { return .refuse(id: id, .loginRequired) }
            // The client is leaving: however its socket ends now, it quit.
            if case .logout = request { loggedOut = true }
            return .run(id: id, request, user: user)
        }
    }

    private mutating func logIn(_ id: UInt32, _ login: Login) -> StartAction {
        guard case .awaitingLogin = state else { return .refuse(id: id, .alreadyLoggedIn) }
        state = .loggingIn(held: [])
        quiet = login.quiet
        return .logIn(id: id, login)
    }

    mutating func requestFinished() {
        busy = false
    }

    // MARK: Logging in

    enum LoginAction {
        /// Reply with this welcome, then write the events held meanwhile.
        case welcome(Welcome, events: [ByteBuffer])
        /// The connection closed while the login was under way: leave the
        /// hub again.
        case detach(StoredUser)
    }

    /// The credentials held and the welcome was read, with the session
    /// present in its rooms since before the read.
    mutating func loginSucceeded(_ user: StoredUser, welcome: Welcome) -> LoginAction {
        guard case .loggingIn(let held) = state else { return .detach(user) }
        state = .loggedIn(user)
        var welcome = welcome
        // Messages the welcome holds already are not sent twice; private
        // messages stored as waiting while this login read the welcome join
        // its `away`, which the client acknowledges.
        var seen: [ConversationID: Int64] = [:]
        for room in welcome.rooms { seen[room.name] = room.history.last?.id }
        let away = Set(welcome.away.map(\.id))
        var events: [ByteBuffer] = []
        for event in held {
            if case .message(let message) = event.event {
                if message.id <= seen[message.conversation] ?? .min || away.contains(message.id) { continue }
                if event.waiting && !quiet {
                    welcome.away.append(message)
                    continue
                }
            }
            events.append(event.bytes)
        }
        return .welcome(welcome, events: events)
    }

    /// False when the connection closed meanwhile and nobody is to be told.
    mutating func loginFailed() -> Bool {
        guard case .loggingIn = state else { return false }
        state = .awaitingLogin
        return true
    }

    // MARK: Events and file bytes

    enum DeliveryAction: Equatable {
        /// Gather the event's bytes for the next write.
        case write
        /// Gather them, and record that this waiting message reached its
        /// recipient live.
        case writeAndMarkDelivered
        /// Held for the welcome, or dropped.
        case none
    }

    /// What to do with an event the hub delivered. The bytes stay with the
    /// caller: in a busy room this runs for every recipient of every event.
    mutating func eventDelivered(_ event: OutboundEvent) -> DeliveryAction {
        switch state {
        case .loggedIn:
            return event.waiting && !quiet ? .writeAndMarkDelivered : .write
        case .loggingIn(var held):
            // Let go of the state's copy first, or every append copies the array.
            state = .loggingIn(held: [])
            held.append(event)
            state = .loggingIn(held: held)
            return .none
        case .awaitingHello, .awaitingLogin, .closing:
            return .none
        }
    }

    /// Whether file bytes may be taken: only from someone logged in.
    var acceptsFileBytes: Bool {
        if case .loggedIn = state { return true }
        return false
    }

    // MARK: Deadlines

    enum Deadline {
        /// The hello is due `hello_timeout_seconds` after connecting.
        case hello
        /// The login is due `login_timeout_seconds` after connecting.
        case login
    }

    /// A deadline passed: true when the session has not got that far and
    /// is to be closed. Nothing else counts as progress: pongs, partial
    /// frames and failed logins do not move a deadline.
    func deadlinePassed(_ deadline: Deadline) -> Bool {
        switch (deadline, state) {
        case (.hello, .awaitingHello): true
        case (.login, .awaitingHello), (.login, .awaitingLogin), (.login, .loggingIn): true
        default: false
        }
    }

    // MARK: Ending

    var isClosing: Bool {
        if case .closing = state { return true }
        return false
    }

    /// The session is to end for `reason`; false when it is ending already.
    mutating func closeRequested(_ reason: Departure) -> Bool {
        guard !isClosing else { return false }
        departure = reason
        state = .closing(user)
        return true
    }

    /// The socket failed under the session: unless the client logged out,
    /// it lost its connection.
    mutating func connectionFailed() {
        if !loggedOut && !isClosing { departure = .connectionLost }
    }

    /// The channel is gone; returns who to take out of the hub, and why.
    mutating func channelClosed() -> (user: StoredUser, departure: Departure)? {
        let user = self.user
        state = .closing(nil)
        queue.removeAll()
        return user.map { ($0, departure) }
    }
}

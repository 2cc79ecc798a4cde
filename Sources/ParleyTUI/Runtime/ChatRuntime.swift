import Foundation
import ParleyClient
import ParleyDomain
import ParleyWire
import Synchronization

/// The network side of the front end: performs the reducer's effects with
/// ParleyClient and posts what happens back as actions.
public final class ChatRuntime: Sendable {
    private struct Session {
        var connection: ParleyConnection?
        var name = ""
        var password = ""
        /// Reconnects resume with it instead of the slow password check.
        var token: String?
        /// A guest reconnects as a guest, under the same name if it is free.
        var guest = false
        var generation = 0
    }

    /// The service's nodes; `current` indexes the one last connected to.
    public let servers: ServerList
    private let current = Mutex(0)
    /// The node last connected to (the first before any).
    public var address: ServerAddress { servers.addresses[current.withLock { $0 }] }
    /// TLS and the trust in the server's certificate.
    private let options: ParleyConnection.Options
    private let inbox: ActionInbox
    private let session = Mutex(Session())
    private let closing = Mutex<Task<Void, Never>?>(nil)
    /// Sends run one after another, so messages leave in the order typed.
    private let outbox: AsyncStream<(Int, String, ConversationID)>.Continuation
    private let outboxStream: AsyncStream<(Int, String, ConversationID)>

    private let transfers: TransferRunner
    /// Read positions not yet told to the server: in a busy room every
    /// message moves the position, and one request a second is enough.
    private let unsentReads = Mutex<[ConversationID: Int64]>([:])
    /// The newest search typed: one asked while the person types on is
    /// dropped before it is sent.
    private let latestSearch = Mutex(0)

    public init(servers: ServerList, options: ParleyConnection.Options, inbox: ActionInbox, downloadDirectory: String) {
        self.servers = servers
        self.options = options
        self.inbox = inbox
        transfers = TransferRunner(inbox: inbox, downloadDirectory: downloadDirectory)
        (outboxStream, outbox) = AsyncStream.makeStream()
        Task { [outboxStream, weak self] in
            for await (id, text, conversation) in outboxStream {
                await self?.send(id, text, to: conversation)
            }
        }
    }

    /// Connects and logs in (registering first when asked); on success the
    /// session's events start flowing into the inbox.
    public func logIn(
        name: String, password: String, token: String? = nil, register: Bool, createIfMissing: Bool = false, takeOver: Bool = false,
        movingOn: Bool = false
    ) async throws -> (Welcome, ServerLimits) {
        let ((connection, welcome), index) = try await servers.firstAnswering(from: start(movingOn: movingOn)) { address in
            try await ParleyConnection.open(
                host: address.host, port: address.port, name: name, password: password, token: token,
                register: register, createIfMissing: createIfMissing, takeOver: takeOver, options: options
            )
        }
        current.withLock { $0 = index }
        adopt(connection, name: name, password: password, token: welcome.token)
        return (welcome, connection.serverHello.limits)
    }

    /// Where to begin trying nodes: after a lost connection (`movingOn`),
    /// with the next node, since the last one may be gone for good.
    private func start(movingOn: Bool) -> Int {
        current.withLock { $0 } + (movingOn ? 1 : 0)
    }

    /// Connects and joins as a guest under `name`.
    public func logInAsGuest(name: String, movingOn: Bool = false) async throws -> (Welcome, ServerLimits) {
        let ((connection, welcome), index) = try await servers.firstAnswering(from: start(movingOn: movingOn)) { address in
            try await ParleyConnection.openAsGuest(host: address.host, port: address.port, name: name, options: options)
        }
        current.withLock { $0 = index }
        adopt(connection, name: name, password: "", token: nil, guest: true)
        return (welcome, connection.serverHello.limits)
    }

    public func perform(_ effect: Effect) {
        switch effect {
        case .logIn(let name, let password, let register, let takeOver):
            logInPosting { try await self.logIn(name: name, password: password, register: register, takeOver: takeOver) }
        case .logInAsGuest(let name):
            logInPosting { try await self.logInAsGuest(name: name) }
        case .send(let id, let text, let conversation):
            outbox.yield((id, text, conversation))
        case .changePassword(let old, let new):
            Task {
                guard let connection = session.withLock({ $0.connection }) else {
                    inbox.post(.passwordChangeFailed("Not connected; try again once reconnected."))
                    return
                }
                do {
                    try await connection.changePassword(from: old, to: new)
                    // A reconnect that needs the password types the new one.
                    session.withLock { $0.password = new }
                    inbox.post(.passwordChanged)
                } catch {
                    inbox.post(.passwordChangeFailed("\(error)"))
                }
            }
        case .loadOlder(let conversation, let before):
            Task {
                guard let connection = session.withLock({ $0.connection }) else { return }
                if let slice = try? await connection.history(of: conversation, page: .before(id: before, limit: olderPage)) {
                    inbox.post(.olderLoaded(slice))
                } else {
                    inbox.post(.olderLoaded(HistorySlice(conversation: conversation, messages: [], hasMore: true)))
                }
            }
        case .search(let text, let before):
            let generation = latestSearch.withLock { latest in
                latest += 1
                return latest
            }
            Task {
                // A pause in typing, unless it is the next page of the same search.
                if before == nil { try? await Task.sleep(for: .milliseconds(200)) }
                guard latestSearch.withLock({ $0 == generation }) || before != nil else { return }
                guard let connection = session.withLock({ $0.connection }) else {
                    inbox.post(.searchFailed(text, reason: "Not connected; search again once reconnected."))
                    return
                }
                do {
                    let page = try await connection.search(SearchQuery(text, beforeID: before))
                    inbox.post(.searchAnswered(text, page, appended: before != nil))
                } catch {
                    inbox.post(.searchFailed(text, reason: "\(error)"))
                }
            }
        case .fetchRoom(let room):
            command { connection in .roomFetched(try await connection.room(room.rawValue)) }
        case .loadAround(let conversation, let id):
            command { connection in
                let page = connection.serverHello.limits.historyPageMax
                let older = try await connection.history(of: conversation, page: .before(id: id + 1, limit: min(page, 100)))
                let newer = try await connection.history(of: conversation, page: .after(id: id, limit: min(page, 100)))
                return .aroundLoaded(conversation, around: id, older.messages + newer.messages, hasOlder: older.hasMore)
            }
        case .markRead(let conversation, let through):
            let first = unsentReads.withLock { unsent in
                defer { unsent[conversation] = max(unsent[conversation] ?? .min, through) }
                return unsent.isEmpty
            }
            if first { Task { await sendReads() } }
        case .awayReceived(let through):
            command { connection in
                let next = try await connection.awayReceived(through: through)
                return next.messages.isEmpty ? nil : .awayArrived(next.messages)
            }
        case .friend(let action, let name):
            command { connection in
                switch action {
                case .add: try await connection.requestFriend(name)
                case .accept: try await connection.acceptFriend(name)
                case .decline: try await connection.declineFriend(name)
                case .remove: try await connection.removeFriend(name)
                case .block: try await connection.block(name)
                case .unblock: try await connection.unblock(name)
                }
                // The server tells the other side; this side shows the list as it now is.
                return .friendsChanged(action, name: name, try await connection.friends())
            }
        case .createRoom(let name, let topic, let openTopic):
            command { .joined(try await $0.createRoom(name, topic: topic, openTopic: openTopic)) }
        case .join(let name):
            command { .joined(try await $0.join(name)) }
        case .leave(let name):
            command { connection in
                try await connection.leave(name)
                return .left(ConversationID(rawValue: name))
            }
        case .listRooms(let show):
            command { .roomsListed(try await $0.rooms(), show: show) }
        case .setTopic(let topic, let room):
            command { connection in
                try await connection.setTopic(topic, of: room)
                return nil
            }
        case .setGuests(let allow, let room):
            command { connection in
                try await connection.setGuests(allow, in: room)
                return .notice(allow ? "Guests may join \(room) now." : "Guests may no longer join \(room); those in it stay.")
            }
        case .upload(let id, let path, let conversation):
            withConnection(failing: id) { self.transfers.upload(id, path: path, to: conversation, on: $0) }
        case .download(let id, let file):
            withConnection(failing: id) { self.transfers.download(id, file, on: $0) }
        case .cancelTransfer(let id):
            transfers.cancel(id)
        case .listFiles(let conversation):
            command { .filesListed(conversation, try await $0.files(in: conversation)) }
        case .completePath(let typed):
            inbox.post(.pathCompletions(typed: typed, LocalPath.completions(of: typed)))
        case .reconnect(let attempt, let resume):
            Task { await reconnect(attempt: attempt, resume: resume) }
        case .quit:
            Task { await close() }
        case .loadTheme, .bell, .redraw, .suspend:
            break
        }
    }

    private func withConnection(failing id: Int, _ start: (ParleyConnection) -> Void) {
        guard let connection = session.withLock({ $0.connection }) else {
            inbox.post(.transferEnded(id: id, sentence: "Not connected; try again once reconnected.", failed: true))
            return
        }
        start(connection)
    }

    /// Logs in from the form: the welcome, or why not, comes back as an action.
    private func logInPosting(_ attempt: @escaping @Sendable () async throws -> (Welcome, ServerLimits)) {
        Task {
            do {
                let (welcome, limits) = try await attempt()
                inbox.post(.loggedIn(welcome, limits: limits))
            } catch {
                let atLimit = (error as? ParleyClientError)?.code == .authTooManySessions
                inbox.post(.loginFailed(address.sentence(for: error), canTakeOver: atLimit))
            }
        }
    }

    /// Runs a request of a command; what it returns, or why it failed,
    /// comes back as an action.
    private func command(_ work: @escaping @Sendable (ParleyConnection) async throws -> Action?) {
        Task {
            guard let connection = session.withLock({ $0.connection }) else {
                inbox.post(.commandFailed("Not connected."))
                return
            }
            do {
                if let action = try await work(connection) { inbox.post(action) }
            } catch {
                inbox.post(.commandFailed("\(error)"))
            }
        }
    }

    /// Ends the session; its resume token is revoked, so it logs nobody in
    /// after the program quits.
    /// Logs out and closes; every call waits for the same goodbye (`/quit`
    /// starts it, and the program waits for it before it exits: the server
    /// then says "quit", not "connection lost").
    public func close() async {
        let goodbye = closing.withLock { closing in
            if let closing { return closing }
            let connection = session.withLock { session in
                session.generation += 1
                session.token = nil
                defer { session.connection = nil }
                return session.connection
            }
            let task = Task {
                try? await connection?.logout()
                await connection?.close()
            }
            closing = task
            return task
        }
        await goodbye.value
    }

    private func adopt(_ connection: ParleyConnection, name: String, password: String, token: String?, guest: Bool = false) {
        let generation = session.withLock { session in
            session.connection = connection
            session.name = name
            session.password = password
            session.token = token
            session.guest = guest
            session.generation += 1
            return session.generation
        }
        Task { [inbox] in
            for await event in connection.events {
                inbox.post(.event(event))
            }
            // Only the current connection's end is news; a replaced one's is not.
            if self.session.withLock({ $0.generation == generation }) {
                inbox.post(.connectionLost(reason: "the server closed the connection"))
            }
        }
    }

    private func sendReads() async {
        try? await Task.sleep(for: .seconds(1))
        let reads = unsentReads.withLock { unsent in
            defer { unsent = [:] }
            return unsent
        }
        // Offline, the position is told again the next time it moves.
        guard let connection = session.withLock({ $0.connection }) else { return }
        for (conversation, through) in reads {
            try? await connection.markRead(conversation, through: through)
        }
    }

    private func send(_ id: Int, _ text: String, to conversation: ConversationID) async {
        guard let connection = session.withLock({ $0.connection }) else {
            inbox.post(.sendFailed(id: id, reason: "not connected"))
            return
        }
        do {
            inbox.post(.sent(id: id, try await connection.send(text, to: conversation)))
        } catch {
            inbox.post(.sendFailed(id: id, reason: "\(error)"))
        }
    }

    private func reconnect(attempt: Int, resume: [ConversationID: Int64]) async {
        for seconds in stride(from: reconnectDelay(attempt: attempt), to: 0, by: -1) {
            inbox.post(.reconnectCountdown(attempt: attempt, inSeconds: seconds))
            try? await Task.sleep(for: .seconds(1))
        }
        inbox.post(.reconnectCountdown(attempt: attempt, inSeconds: 0))
        let (name, password, token, guest) = session.withLock { ($0.name, $0.password, $0.token, $0.guest) }
        do {
            // The old connection counts as a session until the server notices
            // it died; one more is within the limit, and taking over would
            // close the account's other devices.
            let (welcome, limits) = guest
                ? try await logInAsGuest(name: name, movingOn: true)
                : try await logIn(name: name, password: password, token: token, register: false, movingOn: true)
            inbox.post(.loggedIn(welcome, limits: limits))
            guard let connection = session.withLock({ $0.connection }) else { return }
            var missed: [ChatMessage] = []
            // A room left meanwhile (from a script, say) has nothing to resume.
            let rooms = Set(welcome.rooms.map(\.name))
            for (conversation, newest) in resume where conversation.directPeer != nil || rooms.contains(conversation) {
                var cursor = newest
                var more = true
                while more {
                    let page = try await connection.history(of: conversation, page: .after(id: cursor, limit: limits.historyPageMax))
                    missed += page.messages
                    cursor = page.messages.last?.id ?? cursor
                    more = page.hasMore && !page.messages.isEmpty
                }
            }
            inbox.post(.caughtUp(missed))
        } catch {
            inbox.post(.reconnectFailed(attempt: attempt, reason: address.sentence(for: error)))
        }
    }
}

import Foundation
import ParleyDomain
import ParleyWire
import ParleyClient
import ParleyTUI
import Synchronization

/// The terminal client without a terminal: the real model, reducer and
/// runtime (reconnecting by itself, resuming with its token, catching up),
/// driven the way `TerminalApp` drives them, with the state kept for
/// inspection instead of drawn.
final class HeadlessClient: Sendable {
    let name: String
    private let inbox = ActionInbox()
    private let runtime: ChatRuntime
    private let state: Mutex<AppState>
    private let running = Atomic(true)

    init(port: Int, options: ParleyConnection.Options, name: String, password: String = "correct horse", register: Bool) async throws {
        self.name = name
        let address = ServerAddress(host: "127.0.0.1", port: port)
        runtime = ChatRuntime(servers: ServerList(address), options: options, inbox: inbox, downloadDirectory: NSTemporaryDirectory())
        let (welcome, limits) = try await runtime.logIn(name: name, password: password, register: register)
        var state = AppState(server: address.description, user: name, theme: "default",
                             size: Size(columns: 100, rows: 30), now: Timestamp.nowMillis(), timeZone: .current)
        let effects = reduce(&state, .loggedIn(welcome, limits: limits))
        self.state = Mutex(state)
        perform(effects)
        // Like TerminalApp's loop: asleep in poll() until the inbox's wake-up
        // pipe has a byte (the timeout only lets `stop` end the thread).
        Thread.detachNewThread { [self] in
            var poller = pollfd(fd: inbox.wakeFD, events: Int16(POLLIN), revents: 0)
            while running.load(ordering: .relaxed) {
                for action in inbox.drain() { dispatch(action) }
                _ = poll(&poller, 1, 100)
            }
        }
    }

    private func dispatch(_ action: Action) {
        perform(state.withLock { state in
            if case .event = action { state.now = Timestamp.nowMillis() }
            return reduce(&state, action)
        })
    }

    private func perform(_ effects: [Effect]) {
        for effect in effects {
            switch effect {
            case .bell, .loadTheme: break
            default: runtime.perform(effect)
            }
        }
    }

    var isOnline: Bool { state.withLock { $0.connection == .online } }

    /// The messages the lobby shows, in order.
    var lobbyMessages: [ChatMessage] {
        state.withLock { state in
            state.rooms.first { $0.id == .lobby }?.entries.compactMap { if case .message(let m) = $0.kind { m } else { nil } } ?? []
        }
    }

    func stop() async {
        running.store(false, ordering: .relaxed)
        await runtime.close()
    }
}

import Foundation
import ParleyClient
import ParleyDomain
import ParleyWire

/// The UI thread: waits in poll() on the terminal and the wake-up pipe,
/// feeds what arrives through the reducer, performs the effects, renders.
/// Nothing wakes it while nothing happens but the minute clock.
public final class TerminalApp {
    private var state: AppState
    private let runtime: ChatRuntime
    private let inbox: ActionInbox
    private let themes: ThemeLibrary
    private var theme: Theme
    private let noColour: Bool
    private let bell: Bool
    private var decoder = KeyDecoder()

    public init(state: AppState, runtime: ChatRuntime, inbox: ActionInbox, themes: ThemeLibrary, theme: Theme,
                noColour: Bool, bell: Bool) {
        self.state = state
        self.runtime = runtime
        self.inbox = inbox
        self.themes = themes
        self.theme = theme
        self.noColour = noColour
        self.bell = bell
    }

    /// Runs until the user quits. Blocks: call it on a thread of its own.
    public func run() {
        let screen = CursesScreen(theme: noColour ? theme.withoutColours : theme)
        defer { screen.end() }
        // After curses: its own SIGWINCH handler would only note the resize
        // for the next read, which nothing wakes while nothing is typed.
        let signals = TerminalSignals()
        state.size = screen.size
        while !state.quitting {
            render(state, on: screen)
            screen.present()
            var fds = [pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0),
                       pollfd(fd: inbox.wakeFD, events: Int16(POLLIN), revents: 0),
                       pollfd(fd: signals.fd, events: Int16(POLLIN), revents: 0)]
            let ready = poll(&fds, 3, millisecondsToNextTick())
            var actions: [Action] = []
            let arrived = signals.drain()
            if arrived.contains(SIGCONT) {
                actions.append(.resize(screen.resume()))
            } else if arrived.contains(SIGWINCH) {
                actions.append(.resize(screen.resizeToTerminal()))
            }
            if ready == 0 {
                actions.append(.tick(now: Timestamp.nowMillis()))
            }
            if fds[0].revents & Int16(POLLHUP | POLLERR | POLLNVAL) != 0 {
                // The terminal is gone: nobody to show anything to.
                actions.append(.key(.ctrl("c")))
            }
            let (inputs, resized) = screen.readInput()
            if resized {
                actions.append(.resize(screen.refreshSize()))
            }
            actions += decoder.decode(inputs)
            actions += inbox.drain()
            for action in actions {
                dispatch(action, screen: screen)
            }
        }
    }

    private func dispatch(_ action: Action, screen: CursesScreen) {
        // Keys are timed too: a pop-up does not open under a typing user.
        state.now = Timestamp.nowMillis()
        for effect in reduce(&state, action) {
            switch effect {
            case .loadTheme(let name):
                do {
                    theme = try themes.load(name)
                    screen.apply(noColour ? theme.withoutColours : theme)
                    dispatch(.themeChanged(name), screen: screen)
                } catch {
                    dispatch(.themeFailed(error.message), screen: screen)
                }
            case .bell:
                if bell { screen.bell() }
            case .redraw:
                screen.redrawAll()
            case .suspend:
                guard TerminalSignals.jobControl else {
                    let key = state.keymap.label(for: .suspend)
                    dispatch(.commandFailed("\(key) does nothing here: no shell's job control would bring Parley back."), screen: screen)
                    continue
                }
                // The terminal as it was before curses, for the shell.
                screen.end()
                TerminalSignals.suspend()
                dispatch(.resize(screen.resume()), screen: screen)
            default:
                runtime.perform(effect)
            }
        }
    }

    /// Until the clock's next minute, or the status line's hint expires.
    private func millisecondsToNextTick() -> Int32 {
        let now = Timestamp.nowMillis()
        var wait = 60_000 - now % 60_000
        if let until = state.status?.until { wait = min(wait, max(0, until - now)) }
        return Int32(wait)
    }
}

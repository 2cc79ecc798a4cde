import Foundation

/// The signals the terminal front end must act on, turned into bytes on a
/// pipe the UI loop polls: a signal may be delivered to any thread, and
/// only the UI thread may touch curses, so the handler only writes the
/// signal's number (write(2) is safe in a handler) and the loop wakes.
public final class TerminalSignals {
    private let pipe = WakePipe("signal")
    /// Read end, for poll().
    public var fd: Int32 { pipe.readFD }

    /// SIGWINCH (resized) and SIGCONT (continued after a stop).
    public init() {
        signalPipeWriteFD = pipe.writeFD
        for signal in [SIGWINCH, SIGCONT] {
            var action = sigaction()
            action.__sigaction_handler.sa_handler = { number in
                var byte = UInt8(truncatingIfNeeded: number)
                _ = write(signalPipeWriteFD, &byte, 1)
            }
            sigemptyset(&action.sa_mask)
            action.sa_flags = SA_RESTART
            sigaction(signal, &action, nil)
        }
    }

    deinit {
        for signal in [SIGWINCH, SIGCONT] { Foundation.signal(signal, SIG_DFL) }
        signalPipeWriteFD = -1
    }

    /// The signals that arrived since the last call, each once.
    public func drain() -> Set<Int32> {
        Set(pipe.drain().map(Int32.init))
    }

    /// Whether a shell's job control can continue this process once
    /// stopped: its parent runs it in a process group of its own in the
    /// same session. Without one (started by `sh -c`, or straight from
    /// ssh), a stopped chat would wait for a SIGCONT nobody sends.
    public static var jobControl: Bool {
        let parent = getppid()
        return getpgid(parent) != getpgrp() && getsid(parent) == getsid(0)
    }

    /// Stops the process as Ctrl+Z does in a cooked terminal (the shell's
    /// job control takes over); returns once it is continued. SIGSTOP
    /// rather than SIGTSTP: here a SIGTSTP the process sent itself was
    /// dropped (a stop from outside was not); `jobControl` is checked first.
    public static func suspend() {
        kill(getpid(), SIGSTOP)
    }
}

/// Where the handlers write; a C signal handler cannot capture context.
nonisolated(unsafe) private var signalPipeWriteFD: Int32 = -1

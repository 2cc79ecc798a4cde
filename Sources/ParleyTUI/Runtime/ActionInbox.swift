import Foundation
import Synchronization

/// Actions from other threads for the UI thread. Posting writes a byte to
/// a pipe, so the UI's poll() wakes exactly when there is something to do.
public final class ActionInbox: Sendable {
    private let queue = Mutex<[Action]>([])
    /// Read end, for poll().
    public let wakeFD: Int32
    private let writeFD: Int32

    public init() {
        var fds: [Int32] = [0, 0]
        precondition(pipe(&fds) == 0, "cannot create the wake-up pipe")
        for fd in fds { _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) }
        wakeFD = fds[0]
        writeFD = fds[1]
    }

    deinit {
        close(wakeFD)
        close(writeFD)
    }

    public func post(_ action: Action) {
        queue.withLock { $0.append(action) }
        var byte: UInt8 = 1
        // A full pipe already holds a wake-up; losing this byte loses nothing.
        _ = Foundation.write(writeFD, &byte, 1)
    }

    /// Everything posted so far, in order.
    public func drain() -> [Action] {
        var sink = [UInt8](repeating: 0, count: 256)
        while Foundation.read(wakeFD, &sink, sink.count) > 0 {}
        return queue.withLock { actions in
            defer { actions = [] }
            return actions
        }
    }
}

import Foundation
import Synchronization

/// Actions from other threads for the UI thread. Posting writes a byte to
/// a pipe, so the UI's poll() wakes exactly when there is something to do.
public final class ActionInbox: Sendable {
    private let queue = Mutex<[Action]>([])
    private let pipe = WakePipe("wake-up")
    /// Read end, for poll().
    public var wakeFD: Int32 { pipe.readFD }

    public init() {}

    public func post(_ action: Action) {
        queue.withLock { $0.append(action) }
        var byte: UInt8 = 1
        // A full pipe already holds a wake-up; losing this byte loses nothing.
        _ = Foundation.write(pipe.writeFD, &byte, 1)
    }

    /// Everything posted so far, in order.
    public func drain() -> [Action] {
        _ = pipe.drain()
        return queue.withLock { actions in
            defer { actions = [] }
            return actions
        }
    }
}

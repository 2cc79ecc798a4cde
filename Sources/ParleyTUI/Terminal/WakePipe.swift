import Foundation

/// A non-blocking pipe whose read end a poll() loop watches: writing a byte
/// (from another thread, or from a signal handler: write(2) is safe there)
/// wakes the loop.
final class WakePipe: Sendable {
    let readFD: Int32
    let writeFD: Int32

    init(_ what: String) {
        var fds: [Int32] = [0, 0]
        precondition(pipe(&fds) == 0, "cannot create the \(what) pipe")
        for fd in fds { _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) }
        readFD = fds[0]
        writeFD = fds[1]
    }

    deinit {
        close(readFD)
        close(writeFD)
    }

    /// Everything written so far; empty when nothing was.
    func drain() -> [UInt8] {
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 256)
        while true {
            let count = read(readFD, &buffer, buffer.count)
            guard count > 0 else { return bytes }
            bytes += buffer.prefix(count)
        }
    }
}

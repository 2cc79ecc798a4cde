import Foundation

/// Each connection is a file descriptor, and distributions start processes
/// with a soft limit of 1024 while allowing far more: like nginx's
/// `worker_rlimit_nofile`, the server raises its own soft limit to the hard
/// one (`ulimit -Hn`) instead of refusing connections past a thousand.
public enum OpenFilesLimit {
    /// Raises the soft limit to the hard one; returns the limit now in force.
    @discardableResult
    public static func raiseToHardLimit() -> Int {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return 0 }
        if limit.rlim_cur < limit.rlim_max {
            var raised = limit
            raised.rlim_cur = limit.rlim_max
            if setrlimit(Int32(RLIMIT_NOFILE.rawValue), &raised) == 0 { limit = raised }
        }
        return Int(clamping: limit.rlim_cur)
    }
}

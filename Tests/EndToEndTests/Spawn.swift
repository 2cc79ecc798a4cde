import Foundation

/// Runs a program to its end with posix_spawn and waitpid. Foundation's
/// Process did not reap tmux's short-lived client here, and hung.
enum Spawn {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// Runs `arguments` (searched on PATH) and returns its exit status and,
    /// when asked, what it wrote to stdout.
    static func run(_ arguments: [String], captureOutput: Bool) throws -> (status: Int32, output: String) {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        var fds: [Int32] = [-1, -1]
        if captureOutput {
            guard pipe(&fds) == 0 else { throw Failure(description: "pipe failed") }
            posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO)
            posix_spawn_file_actions_addclose(&actions, fds[0])
        } else {
            posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0)
        }
        posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0)

        // The child must not inherit what the test process's threads block
        // or ignore (tmux then never exits), nor its other descriptors (a
        // lingering tmux server would hold the test runner's pipes open).
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var empty = sigset_t()
        var all = sigset_t()
        sigemptyset(&empty)
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attributes, &empty)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        let inherited = ((try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? [])
            .compactMap(Int32.init).filter { $0 > 2 && $0 != fds[0] && $0 != fds[1] }
        for fd in inherited where fcntl(fd, F_GETFD) != -1 {
            posix_spawn_file_actions_addclose(&actions, fd)
        }

        var pid: pid_t = 0
        let argv = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        let spawned = posix_spawnp(&pid, arguments[0], &actions, &attributes, argv, environ)
        guard spawned == 0 else { throw Failure(description: "cannot run \(arguments[0]): error \(spawned)") }

        // Every wait has a deadline: a tmux that hangs fails the test, not CI.
        let deadline = ContinuousClock.now + .seconds(30)
        var output = Data()
        if captureOutput {
            close(fds[1])
            var buffer = [UInt8](repeating: 0, count: 65536)
            var poller = pollfd(fd: fds[0], events: Int16(POLLIN), revents: 0)
            while ContinuousClock.now < deadline {
                guard poll(&poller, 1, 100) > 0 else { continue }
                let count = read(fds[0], &buffer, buffer.count)
                if count <= 0 { break }
                output.append(buffer, count: count)
            }
            close(fds[0])
        }
        var status: Int32 = 0
        while true {
            let ended = waitpid(pid, &status, WNOHANG)
            if ended == pid || (ended == -1 && errno != EINTR) { break }
            guard ContinuousClock.now < deadline else {
                kill(pid, SIGKILL)
                while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
                throw Failure(description: "\(arguments.joined(separator: " ")) did not finish within 30 s; killed")
            }
            usleep(2_000)
        }
        return ((status >> 8) & 0xFF, String(decoding: output, as: UTF8.self))
    }
}

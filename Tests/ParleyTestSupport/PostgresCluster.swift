import Foundation
import Synchronization

/// A PostgreSQL cluster of the tests' own, from Debian's binaries: made by
/// initdb in a temporary directory, listening on a free port of 127.0.0.1
/// only, stopped and removed when the test process ends. PostgreSQL
/// refuses to run as root, so as root it runs as the `postgres` user.
/// Each test takes a database of its own (`newDatabase`), as it would a
/// new SQLite file.
public final class PostgresCluster: Sendable {
    /// The cluster of this test process, started on first use. Every step
    /// awaits its program without holding a thread: a test blocked in
    /// `waitUntilExit` would starve the two threads of the concurrency pool
    /// and stall every other test in the process.
    public static func shared() async throws -> PostgresCluster {
        try await starting.value
    }

    private static let starting = Task { try await PostgresCluster.start() }

    public let port: Int
    /// Owner of every database, trusted on loopback (no password).
    public let user = "parley"
    private let directory: String
    private let binaries: String
    private let counter = Counter()

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    private init(port: Int, directory: String, binaries: String) {
        self.port = port
        self.directory = directory
        self.binaries = binaries
    }

    private static func start() async throws -> PostgresCluster {
        guard let binaries = findBinaries() else {
            throw Failure(description: "no PostgreSQL here: install Debian's postgresql (.ci/run does) for the tests that need it")
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("parley-pg-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        if getuid() == 0 {
            try await run("/bin/chown", ["postgres:postgres", directory], asPostgres: false)
        }
        try await run(binaries + "/initdb", [
            "-D", directory + "/data", "-U", "parley", "--auth=trust", "--encoding=UTF8", "--locale=C.UTF-8", "--no-sync",
        ])
        // A port that was free a moment ago; another process may take it
        // first, so a few are tried.
        var lastError: (any Error)?
        for _ in 0..<5 {
            let candidate = try freePort()
            do {
                // fsync off: a test cluster need not survive a power cut.
                // Niced: making dozens of databases at the start of the
                // suite must not starve the servers under test of the CPU
                // (their first hello missed its deadline).
                try await run("/usr/bin/nice", ["-n", "10", binaries + "/pg_ctl",
                    "-D", directory + "/data", "-l", directory + "/log", "-w", "-t", "60", "-o",
                    "-p \(candidate) -k \(directory) -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=1000",
                    "start",
                ])
                atexit { PostgresCluster.stopShared() }
                let cluster = PostgresCluster(port: candidate, directory: directory, binaries: binaries)
                stopping.withLock { $0 = cluster }
                return cluster
            } catch {
                lastError = error
            }
        }
        throw lastError!
    }

    /// The cluster to stop at exit (atexit takes no context).
    private static let stopping = Mutex<PostgresCluster?>(nil)

    /// A new, empty database; its URL for `database_url`.
    public func newDatabase() async throws -> String {
        let name = "parley_\(getpid())_\(counter.next())"
        try await Self.run(binaries + "/createdb", ["-h", "127.0.0.1", "-p", "\(port)", "-U", user, name])
        return url(of: name)
    }

    public func url(of database: String) -> String {
        "postgres://\(user)@127.0.0.1:\(port)/\(database)?sslmode=disable"
    }

    /// Runs `psql` with `sql` on `database` and returns what it printed.
    @discardableResult
    public func psql(_ sql: String, database: String = "postgres") async throws -> String {
        try await Self.run(binaries + "/psql", ["-h", "127.0.0.1", "-p", "\(port)", "-U", user, "-d", database, "-At", "-c", sql])
    }

    private static func stopShared() {
        guard let cluster = stopping.withLock({ $0 }) else { return }
        // At exit nothing else runs: waiting here blocks nobody.
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = ["-c", closeInherited, "bash"] + asPostgres(cluster.binaries + "/pg_ctl")
            + ["-D", cluster.directory + "/data", "-m", "immediate", "-w", "stop"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try? process.run()
        process.waitUntilExit()
        try? FileManager.default.removeItem(atPath: cluster.directory)
    }

    private static func findBinaries() -> String? {
        let root = "/usr/lib/postgresql"
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []
        return versions.compactMap(Int.init).sorted().reversed()
            .map { "\(root)/\($0)/bin" }
            .first { FileManager.default.isExecutableFile(atPath: $0 + "/initdb") }
    }

    private static func freePort() throws -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) == 0 && getsockname(descriptor, $0, &length) == 0 }
        }
        guard bound else { throw Failure(description: "no free port on 127.0.0.1: errno \(errno)") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// Run through bash, which closes every descriptor past stderr first:
    /// Foundation learns that a child ended when a socket it gave the child
    /// closes, and the server pg_ctl leaves running would hold it.
    private static let closeInherited = #"for fd in /proc/$$/fd/*; do n=${fd##*/}; [ "$n" -gt 2 ] && eval "exec $n>&-"; done 2>/dev/null; exec "$@""#

    /// `program` as the `postgres` user when this process is root.
    private static func asPostgres(_ program: String) -> [String] {
        getuid() == 0 ? ["/usr/sbin/runuser", "-u", "postgres", "--", program] : [program]
    }

    /// Runs a PostgreSQL program (as the `postgres` user when root) and
    /// returns its output; throws with what it said when it fails.
    @discardableResult
    private static func run(_ program: String, _ arguments: [String], asPostgres: Bool = true) async throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = ["-c", closeInherited, "bash"] + (asPostgres ? Self.asPostgres(program) : [program]) + arguments
        // A file, not a pipe: the server pg_ctl starts keeps the
        // descriptors it was given, so a pipe would never reach its end.
        let outputPath = FileManager.default.temporaryDirectory.appendingPathComponent("parley-pg-run-\(UUID().uuidString)").path
        FileManager.default.createFile(atPath: outputPath, contents: nil)
        defer { try? FileManager.default.removeItem(atPath: outputPath) }
        let output = try FileHandle(forWritingTo: URL(fileURLWithPath: outputPath))
        process.standardOutput = output
        process.standardError = output
        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            do {
                try process.run()
            } catch {
                process.terminationHandler = nil
                continuation.resume(throwing: error)
            }
        }
        try output.close()
        let text = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
        guard status == 0 else {
            throw Failure(description: "\((program as NSString).lastPathComponent) \(arguments.joined(separator: " ")) failed (\(status)): \(text)")
        }
        return text
    }

    private final class Counter: Sendable {
        private let value = Mutex(0)
        func next() -> Int { value.withLock { $0 += 1; return $0 } }
    }
}

import Foundation
import Synchronization

/// A PostgreSQL cluster of the tests' own, from Debian's binaries: made by
/// initdb in a temporary directory, listening on a free port of 127.0.0.1
/// only, stopped and removed when the test process ends. PostgreSQL
/// refuses to run as root, so as root it runs as the `postgres` user.
/// Each test takes a database of its own (`newDatabase`), as it would a
/// new SQLite file.
public final class PostgresCluster: Sendable {
    /// The cluster of this test process, started on first use.
    public static var shared: PostgresCluster {
        get throws {
            switch started {
            case .success(let cluster): return cluster
            case .failure(let error): throw error
            }
        }
    }

    private static let started = Result { try PostgresCluster() }

    public let port: Int
    /// Owner of every database, trusted on loopback (no password).
    public let user = "parley"
    private let directory: String
    private let binaries: String
    private let counter = Counter()

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    private init() throws {
        guard let binaries = Self.findBinaries() else {
            throw Failure(description: "no PostgreSQL here: install Debian's postgresql (.ci/run does) for the tests that need it")
        }
        self.binaries = binaries
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("parley-pg-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        if getuid() == 0 {
            try Self.run("/bin/chown", ["postgres:postgres", directory], asPostgres: false)
        }
        try Self.run(binaries + "/initdb", [
            "-D", directory + "/data", "-U", user, "--auth=trust", "--encoding=UTF8", "--locale=C.UTF-8", "--no-sync",
        ])
        // A port that was free a moment ago; another process may take it
        // first, so a few are tried.
        var lastError: (any Error)?
        for _ in 0..<5 {
            let candidate = try Self.freePort()
            do {
                // fsync off: a test cluster need not survive a power cut.
                try Self.run(binaries + "/pg_ctl", [
                    "-D", directory + "/data", "-l", directory + "/log", "-w", "-t", "60", "-o",
                    "-p \(candidate) -k \(directory) -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=1000",
                    "start",
                ])
                port = candidate
                atexit { PostgresCluster.stopShared() }
                return
            } catch {
                lastError = error
            }
        }
        throw lastError!
    }

    /// A new, empty database; its URL for `database_url`.
    public func newDatabase() throws -> String {
        let name = "parley_\(getpid())_\(counter.next())"
        try Self.run(binaries + "/createdb", ["-h", "127.0.0.1", "-p", "\(port)", "-U", user, name])
        return url(of: name)
    }

    public func url(of database: String) -> String {
        "postgres://\(user)@127.0.0.1:\(port)/\(database)?sslmode=disable"
    }

    /// Runs `psql` with `sql` on `database` and returns what it printed.
    @discardableResult
    public func psql(_ sql: String, database: String = "postgres") throws -> String {
        try Self.run(binaries + "/psql", ["-h", "127.0.0.1", "-p", "\(port)", "-U", user, "-d", database, "-At", "-c", sql])
    }

    private static func stopShared() {
        guard case .success(let cluster) = started else { return }
        _ = try? run(cluster.binaries + "/pg_ctl", ["-D", cluster.directory + "/data", "-m", "immediate", "-w", "stop"])
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

    /// Runs a PostgreSQL program (as the `postgres` user when root) and
    /// returns its output; throws with what it said when it fails.
    @discardableResult
    private static func run(_ program: String, _ arguments: [String], asPostgres: Bool = true) throws -> String {
        // Through bash, which closes every descriptor past stderr first:
        // Foundation learns that a child ended when a socket it gave the
        // child closes, and the server pg_ctl leaves running would hold it.
        let closeInherited = #"for fd in /proc/$$/fd/*; do n=${fd##*/}; [ "$n" -gt 2 ] && eval "exec $n>&-"; done 2>/dev/null; exec "$@""#
        let command = asPostgres && getuid() == 0 ? ["/usr/sbin/runuser", "-u", "postgres", "--", program] : [program]
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = ["-c", closeInherited, "bash"] + command + arguments
        // A file, not a pipe: the server pg_ctl starts keeps the
        // descriptors it was given, so a pipe would never reach its end.
        let outputPath = FileManager.default.temporaryDirectory.appendingPathComponent("parley-pg-run-\(UUID().uuidString)").path
        FileManager.default.createFile(atPath: outputPath, contents: nil)
        defer { try? FileManager.default.removeItem(atPath: outputPath) }
        let output = try FileHandle(forWritingTo: URL(fileURLWithPath: outputPath))
        process.standardOutput = output
        process.standardError = output
        try process.run()
        process.waitUntilExit()
        try output.close()
        let text = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
        guard process.terminationStatus == 0 else {
            throw Failure(description: "\((program as NSString).lastPathComponent) \(arguments.joined(separator: " ")) failed (\(process.terminationStatus)): \(text)")
        }
        return text
    }

    private final class Counter: Sendable {
        private let value = Mutex(0)
        func next() -> Int { value.withLock { $0 += 1; return $0 } }
    }
}

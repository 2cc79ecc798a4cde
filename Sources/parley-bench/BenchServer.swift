import Foundation

/// The server under test: one this bench started (so its CPU time can be
/// read), or one given by address.
final class BenchServer: Sendable {
    let host: String
    let port: Int
    /// The started process; nil for a server given by address.
    let pid: Int32?
    private let process: Process?
    private let directory: String?

    private init(host: String, port: Int, process: Process?, directory: String?) {
        self.host = host
        self.port = port
        self.process = process
        pid = process?.processIdentifier
        self.directory = directory
    }

    static func start(_ address: String?) throws -> BenchServer {
        if let address {
            let parts = address.split(separator: ":")
            guard parts.count == 2, let port = Int(parts[1]) else {
                throw BenchError("\"\(address)\" is not HOST:PORT")
            }
            return BenchServer(host: String(parts[0]), port: port, process: nil, directory: nil)
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("parley-bench-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let config = directory + "/server.toml"
        try """
            [limits]
            rate_burst = 1000000
            rate_per_second = 1000000
            max_outbound_bytes = 67108864
            [password_hash]
            log_n = 10
            """.write(toFile: config, atomically: true, encoding: .utf8)
        let binary = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
            .deletingLastPathComponent().appendingPathComponent("parley-server").path
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            throw BenchError("no parley-server beside this bench at \(binary); build it, or pass --server HOST:PORT")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["--port", "0", "--data-dir", directory + "/data", "--config", config, "--log-level", "error"]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        var line = ""
        while let byte = try output.fileHandleForReading.read(upToCount: 1), !byte.isEmpty, byte != Data("\n".utf8) {
            line += String(decoding: byte, as: UTF8.self)
        }
        guard let port = line.split(separator: ":").last.flatMap({ Int($0.prefix { $0.isNumber }) }) else {
            process.terminate()
            throw BenchError("parley-server did not start: \(line)")
        }
        return BenchServer(host: "127.0.0.1", port: port, process: process, directory: directory)
    }

    /// User plus system CPU seconds of the started server; nil otherwise.
    var cpuSeconds: Double? { pid.flatMap(CPUTime.seconds(of:)) }

    func stop() {
        guard let process else { return }
        process.terminate()
        process.waitUntilExit()
        if let directory { try? FileManager.default.removeItem(atPath: directory) }
    }
}

struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

enum CPUTime {
    /// User plus system CPU seconds of a process, from /proc.
    static func seconds(of pid: Int32) -> Double? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return nil }
        // Fields after the command name, which may hold spaces: utime and stime are the 12th and 13th.
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 13, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    /// This process's user plus system CPU seconds.
    static var ownSeconds: Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6
            + Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
    }
}

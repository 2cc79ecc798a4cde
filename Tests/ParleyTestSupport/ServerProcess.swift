import Foundation
import ParleyClient
import ParleyTLS

/// The folder of the built binaries, next to the test bundle.
public let buildProductsDirectory: URL = {
    var directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    // The test bundle may be a folder (…/X.xctest/…) or a file.
    while !FileManager.default.fileExists(atPath: directory.appendingPathComponent("parley-server").path),
          directory.path != "/" {
        directory.deleteLastPathComponent()
    }
    return directory
}()

/// The built `parley-server` binary, run as a child process.
public final class ServerProcess: @unchecked Sendable {
    public static let binary = buildProductsDirectory.appendingPathComponent("parley-server")

    public let process = Process()
    private let stdout = Pipe()
    private let stderr = Pipe()
    private let errors: PipeReader
    /// From the listening line; nil in plaintext.
    public private(set) var fingerprint: CertificateFingerprint?

    /// Connection options that trust this server's certificate only.
    public var options: ParleyConnection.Options {
        var options = ParleyConnection.Options()
        options.tls = fingerprint.map { .only($0) }
        return options
    }

    /// Config lines that give a first hello and login a minute: beside the
    /// whole suite (PostgreSQL making the tests' databases among it) a
    /// debug server's first TLS handshake can wait many seconds for the
    /// CPU. The deadlines have tests of their own.
    public static let relaxedDeadlines = "[limits]\nhello_timeout_seconds = 60\nlogin_timeout_seconds = 60\n"

    /// Serving takes `--irc-port 0` unless told otherwise: servers that
    /// tests run side by side must not all want 6697.
    /// The IRC door's port, read from the listening line.
    public private(set) var ircPort: Int?

    public init(_ arguments: [String]) throws {
        process.executableURL = Self.binary
        let serving = arguments.first?.hasPrefix("-") ?? true
        process.arguments = serving && !arguments.contains("--irc-port") ? arguments + ["--irc-port", "0"] : arguments
        process.standardOutput = stdout
        process.standardError = stderr
        errors = PipeReader(stderr)
        try process.run()
    }

    /// Reads stdout until the listening line and returns the port in it; nil
    /// when the first line is another (the server refused to start).
    public func waitForListeningPort(timeout: Duration = .seconds(60)) throws -> Int? {
        let text = try readLine(from: stdout.fileHandleForReading, timeout: timeout)
        guard let range = text.range(of: #"listening on 127\.0\.0\.1:(\d+)"#, options: .regularExpression) else { return nil }
        fingerprint = CertificateFingerprint(foundIn: text)
        if let irc = text.range(of: #"IRC on 127\.0\.0\.1:(\d+)"#, options: .regularExpression) {
            ircPort = Int(text[irc].split(separator: ":").last!)
        }
        return Int(text[range].split(separator: ":").last!)
    }

    /// Waits for the process to end (killing it past `timeout`); returns its
    /// status and what it wrote to stderr.
    public func finish(timeout: Duration = .seconds(30)) -> (status: Int32, stderr: String) {
        let timedOut = (try? process.waitUntilExit(timeout: timeout)) == nil
        let text = (try? errors.text()) ?? "(stderr not closed)"
        return (process.terminationStatus, timedOut ? "timed out and killed; " + text : text)
    }
}

import Foundation

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

    public init(_ arguments: [String]) throws {
        process.executableURL = Self.binary
        process.arguments = arguments
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
    }

    /// Reads stdout until the listening line and returns the port in it.
    public func waitForListeningPort() throws -> Int? {
        var text = ""
        while let chunk = try stdout.fileHandleForReading.read(upToCount: 1), !chunk.isEmpty {
            text += String(decoding: chunk, as: UTF8.self)
            if text.hasSuffix("\n") { break }
        }
        guard let range = text.range(of: #"listening on 127\.0\.0\.1:(\d+)"#, options: .regularExpression) else { return nil }
        return Int(text[range].split(separator: ":").last!)
    }

    /// Waits for the process to end; returns its status and what it wrote to stderr.
    public func finish() -> (status: Int32, stderr: String) {
        process.waitUntilExit()
        let errors = String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        return (process.terminationStatus, errors)
    }
}

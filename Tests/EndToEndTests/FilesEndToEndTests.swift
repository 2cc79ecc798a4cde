import Foundation
import ParleyTestSupport
import Testing

/// A file from one real client to another, through the picker.
@Suite struct FilesEndToEndTests {
    let directory = TestServer.makeDataDirectory()

    @Test func aliceUploadsBobDownloadsThroughThePicker() async throws {
        let tmux = Tmux()
        defer { tmux.kill() }
        let (server, port) = try ServerProcess.started(in: directory)
        let configHome = directory + "/config"
        try FileManager.default.createDirectory(atPath: configHome + "/parley", withIntermediateDirectories: true)
        try "download_dir = \"\(directory)/downloads\"\n".write(toFile: configHome + "/parley/config.toml", atomically: true, encoding: .utf8)
        let original = directory + "/report.txt"
        let bytes = Data((0..<300_000).map { UInt8(($0 % 26) + 97) } + Array("\nend ✓\n".utf8))
        try bytes.write(to: URL(fileURLWithPath: original))
        try await tmux.logIn("alice", "bob", port: port, configHome: configHome)

        try tmux.type("alice", "/upload \(original)")
        try tmux.send("alice", "Enter")
        try await tmux.wait("alice", for: "Shared report.txt (293.0 KiB) in lobby.")
        try await tmux.wait("bob", for: "* alice shared report.txt, 293.0 KiB")

        try tmux.send("bob", "F5")
        try await tmux.wait("bob", for: "Files in lobby")
        try await tmux.wait("bob", for: "text")
        try tmux.send("bob", "Enter")
        try await tmux.wait("bob", for: "Saved report.txt to \(directory)/downloads/report.txt")
        #expect(try Data(contentsOf: URL(fileURLWithPath: directory + "/downloads/report.txt")) == bytes)
        server.process.terminate()
        _ = server.finish()
    }
}

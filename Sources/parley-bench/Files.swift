import ArgumentParser
import Foundation
import ParleyClient
import ParleyDomain
import ParleyWire

struct Files: Scenario {
    static let configuration = CommandConfiguration(
        abstract: "One file up and down: MB/s each way and how much the server's memory grew."
    )

    @OptionGroup var transport: TransportOptions
    @OptionGroup var output: OutputOptions

    @Option(help: "Size of the file in MiB.")
    var mebibytes = 1024

    func measure() async throws -> Measured {
        let bytes = mebibytes * 1024 * 1024
        let server = try await BenchServer.start(nil, transport: transport, settings: ["limits.max_file_bytes": "\(bytes)"])
        defer { server.stop() }
        let work = server.directory! + "/bench-files"
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        let path = work + "/file.bin"
        try write(bytes, to: path)

        let (connection, _) = try await ParleyConnection.open(
            host: server.host, port: server.port, name: "filer", password: "bench-password", register: true,
            options: server.connectionOptions
        )
        let before = server.residentBytes
        let upStart = ContinuousClock.now
        let file = try await connection.upload(file: path, to: .lobby)
        let upSeconds = (ContinuousClock.now - upStart).seconds
        let downStart = ContinuousClock.now
        let downloaded = try await connection.download(file, into: work + "/down")
        let downSeconds = (ContinuousClock.now - downStart).seconds
        let peak = server.peakResidentBytes
        await connection.close()
        let size = (try FileManager.default.attributesOfItem(atPath: downloaded)[.size] as? Int) ?? 0
        guard size == bytes else { throw BenchError("downloaded \(size) bytes of \(bytes)") }
        return Measured(report: FilesReport(
            bytes: bytes, uploadSeconds: upSeconds, downloadSeconds: downSeconds,
            serverBytesBefore: before, serverPeakBytes: peak
        ), settings: server.settings)
    }

    /// Random bytes, one random MiB repeated: nothing on the way compresses
    /// or deduplicates, and it is quick to make.
    private func write(_ count: Int, to path: String) throws {
        let random = try FileHandle(forReadingFrom: URL(fileURLWithPath: "/dev/urandom"))
        let block = try random.read(upToCount: 1 << 20) ?? Data()
        try random.close()
        guard FileManager.default.createFile(atPath: path, contents: nil) else { throw BenchError("cannot create \(path)") }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        var left = count
        while left > 0 {
            try handle.write(contentsOf: block.prefix(left))
            left -= min(left, block.count)
        }
    }
}

struct FilesReport: Report {
    let scenario = "files"
    let bytes: Int
    let uploadSeconds, downloadSeconds: Double
    let serverBytesBefore, serverPeakBytes: Int?
    let uploadMBPerSecond, downloadMBPerSecond: Double
    let serverGrowthBytes: Int?

    init(bytes: Int, uploadSeconds: Double, downloadSeconds: Double, serverBytesBefore: Int?, serverPeakBytes: Int?) {
        (self.bytes, self.uploadSeconds, self.downloadSeconds) = (bytes, uploadSeconds, downloadSeconds)
        (self.serverBytesBefore, self.serverPeakBytes) = (serverBytesBefore, serverPeakBytes)
        uploadMBPerSecond = Double(bytes) / 1e6 / uploadSeconds
        downloadMBPerSecond = Double(bytes) / 1e6 / downloadSeconds
        serverGrowthBytes = serverPeakBytes.flatMap { peak in serverBytesBefore.map { peak - $0 } }
    }

    enum CodingKeys: String, CodingKey {
        case scenario, bytes, uploadSeconds, downloadSeconds, serverBytesBefore, serverPeakBytes
        case uploadMBPerSecond = "uploadMbPerSecond", downloadMBPerSecond = "downloadMbPerSecond", serverGrowthBytes
    }

    var title: String { "files: \(megabytes(bytes)) up and down (hashing on both ends included)" }
    var rows: [(String, String)] {
        [
            ("upload", "\(f(uploadSeconds, 2)) s, \(f(uploadMBPerSecond, 0)) MB/s"),
            ("download", "\(f(downloadSeconds, 2)) s, \(f(downloadMBPerSecond, 0)) MB/s"),
            ("server memory before", serverBytesBefore.map(megabytes) ?? "n/a"),
            ("server memory peak", serverPeakBytes.map(megabytes) ?? "n/a"),
            ("server grew by", serverGrowthBytes.map(megabytes) ?? "n/a"),
        ]
    }
}

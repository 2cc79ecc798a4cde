import Foundation

/// Where file bytes live: `files/ID` under the data directory, and
/// `files/incoming/` for uploads under way. Names users give never become
/// paths here.
public struct FileStorage: Sendable {
    public let directory: String

    public init(dataDirectory: String) {
        directory = dataDirectory + "/files"
    }

    var incoming: String { directory + "/incoming" }

    /// Makes the directories; what an earlier run left half-uploaded goes.
    func prepare() throws {
        let manager = FileManager.default
        try? manager.removeItem(atPath: incoming)
        try manager.createDirectory(atPath: incoming, withIntermediateDirectories: true)
    }

    func path(of id: Int64) -> String { directory + "/\(id)" }

    /// Bytes free for the server's user on the disk that holds the files.
    func freeBytes() -> Int64? {
        var stats = statvfs()
        guard statvfs(directory, &stats) == 0 else { return nil }
        return Int64(stats.f_bavail) * Int64(stats.f_frsize)
    }

    /// A fresh path for an upload's bytes until they are checked.
    func temporaryPath() -> String { incoming + "/" + UUID().uuidString + ".part" }

    /// Moves checked bytes to the file's place.
    func place(_ temporary: String, as id: Int64) throws {
        let target = path(of: id)
        // An id reused after a crash between the move and the commit.
        try? FileManager.default.removeItem(atPath: target)
        try FileManager.default.moveItem(atPath: temporary, toPath: target)
    }

    func discard(_ temporary: String) {
        try? FileManager.default.removeItem(atPath: temporary)
    }
}

import Foundation

/// Where file bytes live: `ID` in the files directory (`files_dir`, by
/// default `files/` in the data directory; one that every node mounts when
/// several share a database), and the node's own `files/incoming/` for
/// uploads under way. Names users give never become paths here.
public struct FileStorage: Sendable {
    public let directory: String
    /// Uploads under way: this node's alone, since each node empties its
    /// own at start.
    let incoming: String

    public init(dataDirectory: String, filesDirectory: String? = nil) {
        directory = filesDirectory ?? dataDirectory + "/files"
        incoming = dataDirectory + "/files/incoming"
    }

    /// Makes the directories; what an earlier run left half-uploaded goes.
    func prepare() throws {
        let manager = FileManager.default
        try? manager.removeItem(atPath: incoming)
        try manager.createDirectory(atPath: incoming, withIntermediateDirectories: true)
        try manager.createDirectory(atPath: directory, withIntermediateDirectories: true)
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

    /// Moves checked bytes to the file's place (copying them when the files
    /// directory is on another file system, as a shared one may be).
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

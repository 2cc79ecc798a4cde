import Foundation

/// The data directory holds private messages, password hashes and private
/// files: only the server's own user may read it. The process creates
/// everything with umask 077 (directories 0700, files 0600), and a
/// directory made by an older version, or by hand, is tightened at start.
enum PrivateDataDirectory {
    static let directoryMode: mode_t = 0o700
    static let fileMode: mode_t = 0o600

    /// Sets the process's umask so that whatever the server creates from
    /// now on (the database, its WAL, uploads) is its own.
    static func restrictNewFiles() {
        umask(0o077)
    }

    /// Takes group and other permissions off `directory` and, when it had
    /// them, off everything under it; returns the paths it changed, for the
    /// log.
    static func tighten(_ directory: String) -> [String] {
        var changed: [String] = []
        func tighten(_ path: String, isDirectory: Bool) {
            var info = stat()
            guard lstat(path, &info) == 0, info.st_mode & S_IFMT != S_IFLNK else { return }
            let wanted = isDirectory ? directoryMode : fileMode
            if info.st_mode & 0o077 != 0 && chmod(path, (info.st_mode & 0o700) | (wanted & 0o700)) == 0 {
                changed.append(path)
            }
        }
        tighten(directory, isDirectory: true)
        // A directory that was private already keeps its contents private:
        // no walk through every stored file at each start.
        guard !changed.isEmpty, let walker = FileManager.default.enumerator(atPath: directory) else { return changed }
        while let relative = walker.nextObject() as? String {
            let path = directory + "/" + relative
            var isDirectory: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
            tighten(path, isDirectory: isDirectory.boolValue)
        }
        return changed
    }
}

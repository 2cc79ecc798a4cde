import Foundation

/// Paths on this machine as people type them.
public enum LocalPath {
    /// `$HOME`, as the shell has it; the password database's entry only
    /// when it is unset (Foundation's NSHomeDirectory ignores `$HOME` here).
    public static var home: String {
        ProcessInfo.processInfo.environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
    }

    /// `~` and `~/x` become the home directory.
    public static func expand(_ path: String, home: String = LocalPath.home) -> String {
        if path == "~" { return home }
        if path.hasPrefix("~/") { return home + path.dropFirst() }
        return path
    }

    /// Why `path` cannot be uploaded, in a sentence that says what to do;
    /// nil when it is a readable file.
    public static func problem(uploading path: String) -> String? {
        var info = stat()
        guard stat(path, &info) == 0 else { return sentence(errno: errno, path: path) }
        if (info.st_mode & S_IFMT) == S_IFDIR { return sentence(errno: EISDIR, path: path) }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            return "\(path) is not a regular file (a device, a pipe or a socket); upload a file."
        }
        guard access(path, R_OK) == 0 else { return sentence(errno: errno, path: path) }
        return nil
    }

    /// A system error on `path` as a sentence with what to do about it.
    public static func sentence(errno code: Int32, path: String) -> String {
        switch code {
        case ENOENT: "There is no file \(path); check the path."
        case EACCES, EPERM: "Parley may not read \(path) (permission denied); check its permissions."
        case ENOTDIR: "A part of \(path) is not a folder; check the path."
        case EISDIR: "\(path) is a folder; only single files can be shared (pack a folder with zip or tar first)."
        case ENOSPC: "The disk holding \(path) is full; free some space and try again."
        case EROFS: "\(path) is on a read-only disk; choose another folder."
        default: "\(path): \(String(cString: strerror(code))); check the path and try again."
        }
    }

    /// What went wrong with a local file, from whatever Foundation threw.
    public static func sentence(for error: any Error, path: String) -> String {
        let underlying = (error as NSError).userInfo[NSUnderlyingErrorKey] as? NSError
        if let posix = error as? POSIXError { return sentence(errno: posix.code.rawValue, path: path) }
        if let code = underlying.flatMap({ $0.domain == NSPOSIXErrorDomain ? Int32($0.code) : nil }) {
            return sentence(errno: code, path: path)
        }
        return "\(path) could not be read or written; check that it exists and that you may use it."
    }

    /// The entries of the directory a typed path is in that continue it,
    /// directories with a `/`, as they would be typed (the `~` kept).
    public static func completions(of typed: String, home: String = LocalPath.home) -> [String] {
        let slash = typed.lastIndex(of: "/")
        let directoryTyped = slash.map { String(typed[...$0]) } ?? ""
        let stem = slash.map { String(typed[typed.index(after: $0)...]) } ?? typed
        let directory = directoryTyped.isEmpty ? "." : expand(directoryTyped, home: home)
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return entries
            .filter { $0.hasPrefix(stem) && (stem.hasPrefix(".") || !$0.hasPrefix(".")) }
            .sorted()
            .map { entry in
                var isDirectory: ObjCBool = false
                FileManager.default.fileExists(atPath: directory + "/" + entry, isDirectory: &isDirectory)
                return directoryTyped + entry + (isDirectory.boolValue ? "/" : "")
            }
    }
}

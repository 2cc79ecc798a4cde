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

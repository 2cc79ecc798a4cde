import Foundation
import ParleyTLS

/// The certificates this user has chosen to trust, one server per line as
/// `HOST:PORT FINGERPRINT`, as ssh's known_hosts: what trust on first use
/// remembers.
public struct KnownServers: Sendable {
    public let path: String

    public init(path: String) {
        self.path = path
    }

    /// `$XDG_CONFIG_HOME/parley/known_servers`.
    public static var standard: KnownServers { KnownServers(path: ClientConfig.directory() + "/known_servers") }

    /// The fingerprint pinned for `server`; nil when there is none.
    public func fingerprint(of server: ServerAddress) throws(ConfigError) -> CertificateFingerprint? {
        try entries().first { $0.server == server.description }?.fingerprint
    }

    /// Pins `fingerprint` for `server`, replacing its earlier pin.
    public func pin(_ fingerprint: CertificateFingerprint, for server: ServerAddress) throws(ConfigError) {
        var lines = try text().split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        lines.removeAll { Self.entry($0)?.server == server.description }
        while lines.last == "" { lines.removeLast() }
        if lines.isEmpty { lines.append("# Servers whose certificates parley trusts: HOST:PORT FINGERPRINT (see parley-server fingerprint).") }
        lines.append("\(server) \(fingerprint)")
        do {
            try FileManager.default.createDirectory(
                atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true
            )
            try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        } catch {
            throw ConfigError(message: "Cannot save the trusted certificate: " + LocalPath.sentence(for: error, path: path))
        }
    }

    private func text() throws(ConfigError) -> String {
        guard FileManager.default.fileExists(atPath: path) else { return "" }
        do {
            return try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ConfigError(message: "Cannot read the trusted certificates: " + LocalPath.sentence(for: error, path: path))
        }
    }

    private func entries() throws(ConfigError) -> [(server: String, fingerprint: CertificateFingerprint)] {
        var found: [(String, CertificateFingerprint)] = []
        for (number, line) in try text().split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            guard let entry = Self.entry(trimmed) else {
                throw ConfigError(message: "\(path), line \(number + 1): expected HOST:PORT FINGERPRINT; fix or remove the line")
            }
            found.append(entry)
        }
        return found
    }

    private static func entry(_ line: String) -> (server: String, fingerprint: CertificateFingerprint)? {
        let fields = line.split(separator: " ", omittingEmptySubsequences: true)
        guard fields.count == 2, let server = ServerAddress(String(fields[0])),
              let fingerprint = CertificateFingerprint(String(fields[1])) else { return nil }
        return (server.description, fingerprint)
    }
}

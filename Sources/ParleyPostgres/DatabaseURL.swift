import Foundation

/// Where a PostgreSQL store is: `postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE`,
/// with `?sslmode=disable|prefer|require` (prefer by default, as libpq).
public struct DatabaseURL: Sendable, Equatable, CustomStringConvertible {
    public enum TLSMode: String, Sendable {
        case disable, prefer, require
    }

    public let user: String
    public let password: String?
    public let host: String
    public let port: Int
    public let database: String
    public let tls: TLSMode

    public struct Invalid: Error, CustomStringConvertible {
        public let description: String
    }

    public init(_ text: String) throws(Invalid) {
        let shape = "expected postgres://USER@HOST:PORT/DATABASE"
        guard let parts = URLComponents(string: text), let scheme = parts.scheme,
              scheme == "postgres" || scheme == "postgresql" else {
            throw Invalid(description: "database_url \(Self.redacted(text)) is not a PostgreSQL URL: \(shape)")
        }
        guard let user = parts.user, !user.isEmpty else {
            throw Invalid(description: "database_url names no user: \(shape)")
        }
        guard let host = parts.host, !host.isEmpty else {
            throw Invalid(description: "database_url names no host: \(shape)")
        }
        let database = String(parts.path.drop { $0 == "/" })
        guard !database.isEmpty, !database.contains("/") else {
            throw Invalid(description: "database_url names no database: \(shape)")
        }
        var tls = TLSMode.prefer
        for item in parts.queryItems ?? [] {
            guard item.name == "sslmode", let mode = item.value.flatMap(TLSMode.init(rawValue:)) else {
                throw Invalid(description: "database_url: unknown option \(item.name)=\(item.value ?? ""); the one known is sslmode=disable|prefer|require")
            }
            tls = mode
        }
        self.user = user
        self.password = parts.password
        self.host = host
        self.port = parts.port ?? 5432
        self.database = database
        self.tls = tls
    }

    /// The URL without its password, for logs and errors.
    public var description: String {
        "postgres://\(user)@\(host):\(port)/\(database)"
    }

    private static func redacted(_ text: String) -> String {
        guard var parts = URLComponents(string: text), parts.password != nil else { return text }
        parts.password = "…"
        return parts.string ?? text
    }
}

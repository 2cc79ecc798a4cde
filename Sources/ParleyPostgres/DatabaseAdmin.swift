import Logging
import NIOSSL
import PostgresNIO

/// What the bench does to a database before each run.
public enum DatabaseAdmin {
    /// Drops everything in the database's `public` schema: every table
    /// Parley made, and its data. The URL's user must own the schema.
    public static func empty(_ url: DatabaseURL) async throws {
        let connection = try await url.connect()
        let logger = DatabaseURL.quiet
        do {
            try await connection.query("DROP SCHEMA public CASCADE", logger: logger)
            try await connection.query("CREATE SCHEMA public", logger: logger)
            try await connection.close()
        } catch {
            try? await connection.close()
            throw PostgresStore.Failure(error)
        }
    }
}

extension DatabaseURL {
    /// A logger that keeps postgres-nio's own messages out: callers say
    /// what failed.
    static let quiet: Logger = {
        var logger = Logger(label: "parley.postgres.connection")
        logger.logLevel = .critical
        return logger
    }()

    /// One connection, outside any pool.
    func connect(timeout: Duration = .seconds(10)) async throws -> PostgresConnection {
        let tls: PostgresConnection.Configuration.TLS = switch self.tls {
        case .disable: .disable
        case .prefer: .prefer(try NIOSSLContext(configuration: .makeClientConfiguration()))
        case .require: .require(try NIOSSLContext(configuration: .makeClientConfiguration()))
        }
        var configuration = PostgresConnection.Configuration(
            host: host, port: port, username: user, password: password, database: database, tls: tls
        )
        configuration.options.connectTimeout = .seconds(timeout.components.seconds)
        return try await PostgresConnection.connect(
            on: PostgresClient.defaultEventLoopGroup.any(), configuration: configuration, id: 0, logger: Self.quiet
        ).get()
    }
}

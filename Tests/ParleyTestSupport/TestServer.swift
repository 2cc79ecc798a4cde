import Foundation
import Logging
import ParleyClient
import ParleyDomain
import ParleyWire
import ParleyServer
import ParleyPostgres
import ParleyStore
import ParleyTLS
import NIOSSL

/// A real server on 127.0.0.1 with an ephemeral port and a temporary data
/// directory, removed when the test is done with it.
public final class TestServer: Sendable {
    public let server: ParleyServer
    public let dataDirectory: String
    public var port: Int { server.port }
    /// The IRC door's port.
    public var ircPort: Int { server.ircPort! }

    /// A cheaper scrypt than production so that suites with dozens of
    /// logins stay quick; the hasher's own tests use the real cost.
    public static func configuration(dataDirectory: String) -> ServerConfiguration {
        var configuration = ServerConfiguration(dataDirectory: dataDirectory)
        configuration.port = 0
        configuration.ircPort = 0
        configuration.passwordCost = .init(logN: 10, blockSize: 8, parallelism: 1)
        configuration.eventLoopThreads = 2
        // Every test client comes from 127.0.0.1; the caps have tests of their own.
        configuration.maxConnectionsPerAddress = configuration.maxConnections
        configuration.registrationsPerAddressPerHour = 100_000
        return configuration
    }

    public static func makeDataDirectory() -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("parley-test-\(UUID().uuidString)").path
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    public static func start(
        dataDirectory: String = makeDataDirectory(),
        _ adjust: (inout ServerConfiguration) -> Void = { _ in },
        adaptStore: (any ChatStore) -> any ChatStore = { $0 }
    ) async throws -> TestServer {
        var configuration = try await TestStore.configuration(dataDirectory: dataDirectory)
        adjust(&configuration)
        var logger = Logger(label: "test-server")
        logger.logLevel = .warning
        let server = try await ParleyServer.start(configuration, logger: logger, adaptStore: adaptStore)
        return TestServer(server: server, dataDirectory: dataDirectory)
    }

    private init(server: ParleyServer, dataDirectory: String) {
        self.server = server
        self.dataDirectory = dataDirectory
    }

    /// Connection options that trust this server's certificate only, and
    /// speak plaintext when it does.
    public var options: ParleyConnection.Options { trusting(.init()) }

    /// `options` with TLS as this server speaks it: a test's own client
    /// settings, never the machine's known servers.
    public func trusting(_ options: ParleyConnection.Options) -> ParleyConnection.Options {
        var options = options
        options.tls = server.fingerprint.map { .only($0) }
        return options
    }

    public func connect(_ options: ParleyConnection.Options = .init()) async throws -> ParleyConnection {
        try await ParleyConnection.connect(host: "127.0.0.1", port: port, options: trusting(options))
    }

    /// A registered, logged-in user whose events are being recorded.
    public func user(_ name: String, password: String = "correct horse", options: ParleyConnection.Options = .init()) async throws -> TestUser {
        let connection = try await connect(options)
        try await connection.register(name: name, password: password)
        let welcome = try await connection.logIn(name: name, password: password)
        return TestUser(connection: connection, welcome: welcome)
    }

    /// Two registered users, online and friends.
    public func friends(_ a: String = "alice", _ b: String = "bob") async throws -> (TestUser, TestUser) {
        let first = try await user(a)
        let second = try await user(b)
        try await first.connection.requestFriend(b)
        try await second.connection.acceptFriend(a)
        return (first, second)
    }

    /// Stops the server, keeping the data directory.
    public func stop() async {
        await server.shutdown()
    }

    /// Stops the server and removes its data.
    public func finish() async {
        await server.shutdown()
        try? FileManager.default.removeItem(atPath: dataDirectory)
    }
}

/// The store test servers keep their data in: SQLite in the data directory,
/// or with `PARLEY_TEST_STORE=postgres` (as `scripts/test` runs the server
/// suite a second time) a PostgreSQL database of the tests' own cluster.
public enum TestStore: String, Sendable {
    case sqlite, postgres

    public static let current = TestStore(rawValue: ProcessInfo.processInfo.environment["PARLEY_TEST_STORE"] ?? "") ?? .sqlite

    /// A test server's configuration on `dataDirectory`, with this store.
    public static func configuration(dataDirectory: String) async throws -> ServerConfiguration {
        var configuration = TestServer.configuration(dataDirectory: dataDirectory)
        if current == .postgres {
            configuration.databaseURL = try await database(for: dataDirectory)
            // Dozens of test servers share one cluster.
            configuration.databaseConnections = 4
        }
        return configuration
    }

    /// The store a test server on `dataDirectory` keeps its data in, for a
    /// test to plant or check data while no server runs.
    public static func open(for dataDirectory: String) async throws -> any ChatStore {
        let configuration = try await configuration(dataDirectory: dataDirectory)
        if let url = configuration.databaseURL { return try await PostgresStore.open(url) }
        return try SQLiteStore(path: configuration.databasePath)
    }

    /// The database of a data directory: made on first use and named in a
    /// file there, so that a server started again on it finds its data.
    private static func database(for dataDirectory: String) async throws -> DatabaseURL {
        let file = dataDirectory + "/database-url"
        if let text = try? String(contentsOfFile: file, encoding: .utf8) {
            return try DatabaseURL(text)
        }
        let text = try await PostgresCluster.shared().newDatabase()
        try FileManager.default.createDirectory(atPath: dataDirectory, withIntermediateDirectories: true)
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        return try DatabaseURL(text)
    }
}

/// A logged-in connection and everything the server pushed to it.
public struct TestUser: Sendable {
    public let connection: ParleyConnection
    public let welcome: Welcome
    public let log: EventLog

    public init(connection: ParleyConnection, welcome: Welcome) {
        self.connection = connection
        self.welcome = welcome
        log = EventLog(connection.events)
    }
}

extension ParleyConnection {
    /// A conversation's whole history, oldest first, read page by page.
    public func wholeHistory(of conversation: ConversationID) async throws -> [ChatMessage] {
        var messages: [ChatMessage] = []
        var more = true
        while more {
            let page = try await history(of: conversation, page: .after(id: messages.last?.id ?? 0, limit: 200))
            messages += page.messages
            more = page.hasMore && !page.messages.isEmpty
        }
        return messages
    }
}

extension ParleyConnection.Options {
    /// Trusting only the self-signed certificate a server keeps in its data
    /// directory (a server process the test restarts on the same data).
    public static func trusting(dataDirectory: String) throws -> ParleyConnection.Options {
        let certificate = try NIOSSLCertificate.fromPEMFile(dataDirectory + "/tls/certificate.pem")[0]
        var options = ParleyConnection.Options()
        options.tls = .only(try CertificateFingerprint(certificate))
        return options
    }
}

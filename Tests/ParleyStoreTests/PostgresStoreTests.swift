import Foundation
import ParleyDomain
import ParleyPostgres
import ParleyStore
import ParleyTestSupport
import Testing

/// What only the PostgreSQL store has: its URL, nodes migrating one
/// database together, a database that is not there.
@Suite struct PostgresStoreTests {
    @Test func aURLNamesUserHostPortDatabaseAndTLS() throws {
        let url = try DatabaseURL("postgres://parley:secret@db.example.org:6543/chat?sslmode=require")
        #expect(url.user == "parley" && url.password == "secret" && url.host == "db.example.org" && url.port == 6543)
        #expect(url.database == "chat" && url.tls == .require)
        #expect(url.description == "postgres://parley@db.example.org:6543/chat", "no password in logs")
        #expect(try DatabaseURL("postgresql://me@localhost/chat").port == 5432)
        #expect(try DatabaseURL("postgresql://me@localhost/chat").tls == .prefer)
    }

    @Test(arguments: [
        ("mysql://me@host/db", "not a PostgreSQL URL"),
        ("postgres://host/db", "names no user"),
        ("postgres://me@host", "names no database"),
        ("postgres://me@host/db?sslmode=maybe", "sslmode=disable|prefer|require"),
        ("postgres://me:hunter2@host/db?x=1", "unknown option x"),
    ])
    func aBadURLSaysWhatIsWrong(_ text: String, _ said: String) {
        #expect(throws: DatabaseURL.Invalid.self) { try DatabaseURL(text) }
        do {
            _ = try DatabaseURL(text)
        } catch {
            #expect(error.description.contains(said), "\(error)")
            #expect(!error.description.contains("hunter2"), "no password in errors")
        }
    }

    @Test func nodesStartingTogetherMigrateOnce() async throws {
        let url = try DatabaseURL(try await PostgresCluster.shared().newDatabase())
        let stores = try await withThrowingTaskGroup(of: PostgresStore.self) { group in
            for _ in 0..<4 { group.addTask { try await PostgresStore.open(url) } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        defer { for store in stores { try? store.close() } }
        #expect(try await stores[0].allRooms().map(\.room.name) == ["lobby"], "one lobby, not four")
        let name = String(url.description.split(separator: "/").last!)
        #expect(try await PostgresCluster.shared().psql("SELECT count(*) FROM schemaMigration", database: name).trimmingCharacters(in: .whitespacesAndNewlines) == "1")
    }

    @Test func aDatabaseThatIsNotThereIsNamedInTheError() async throws {
        let cluster = try await PostgresCluster.shared()
        let url = try DatabaseURL(cluster.url(of: "no_such_database"))
        await #expect {
            try await PostgresStore.open(url, connectTimeout: .seconds(5))
        } throws: { error in
            "\(error)".contains("no_such_database")
        }
    }
}

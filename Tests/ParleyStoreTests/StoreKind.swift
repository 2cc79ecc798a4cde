import Foundation
import ParleyPostgres
import ParleyStore
import ParleyTestSupport
import Testing

/// The stores the store suite runs against: the embedded SQLite one and
/// PostgreSQL (a cluster of the tests' own, a new database per test).
enum StoreKind: String, CaseIterable, CustomTestStringConvertible {
    case sqlite, postgres

    var testDescription: String { rawValue }

    /// Where a new, empty store goes: a file path or a database URL.
    func newPlace() async throws -> String {
        switch self {
        case .sqlite:
            FileManager.default.temporaryDirectory.appendingPathComponent("parley-store-\(UUID().uuidString).sqlite").path
        case .postgres:
            try await PostgresCluster.shared().newDatabase()
        }
    }

    func open(_ place: String) async throws -> any ChatStore {
        switch self {
        case .sqlite: try SQLiteStore(path: place)
        case .postgres: try await PostgresStore.open(try DatabaseURL(place))
        }
    }

    func open() async throws -> any ChatStore {
        try await open(await newPlace())
    }
}

import GRDB

/// Why the disk refused: the causes an operator can act on, told apart so
/// that errors can say what to do.
public enum StorageFault: Sendable, Equatable {
    /// The disk or the database's size limit is full.
    case full
    /// The database or its directory cannot be written.
    case readOnly
    /// The file is not an SQLite database.
    case notADatabase
    /// Reading or writing failed at the system level.
    case failing

    /// The fault behind a store error, if the disk is its cause.
    public init?(_ error: any Error) {
        guard let error = error as? DatabaseError else { return nil }
        switch error.resultCode {
        case .SQLITE_FULL: self = .full
        case .SQLITE_READONLY, .SQLITE_CANTOPEN, .SQLITE_PERM: self = .readOnly
        case .SQLITE_NOTADB, .SQLITE_CORRUPT: self = .notADatabase
        case .SQLITE_IOERR: self = .failing
        default: return nil
        }
    }

    /// What the operator should do about it.
    public var advice: String {
        switch self {
        case .full: "the disk or max_database_bytes is full; free space or raise the limit"
        case .readOnly: "check that the data directory and its files are writable by this user and not on a read-only mount"
        case .notADatabase: "is it a Parley database? Move it away or choose another --data-dir"
        case .failing: "the disk reports errors; check it"
        }
    }
}

import Foundation

/// Wire and store times are milliseconds since the Unix epoch.
public enum Timestamp {
    public static func nowMillis() -> Int64 {
        Int64((Date().timeIntervalSince1970 * 1000).rounded(.down))
    }
}

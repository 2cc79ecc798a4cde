import PostgresNIO

/// A query put together from parts, each value bound as `$n` in turn
/// (`PostgresQuery`'s interpolation numbers binds and cannot be joined).
struct QueryBuilder {
    private var sql = ""
    private var binds = PostgresBindings()

    init(_ sql: String = "") {
        self.sql = sql
    }

    mutating func add(_ text: String) {
        sql += text
    }

    /// `value` as the next bind.
    mutating func bind<Value: PostgresDynamicTypeEncodable>(_ value: Value) {
        binds.append(value)
        sql += "$\(binds.count)"
    }

    var query: PostgresQuery { PostgresQuery(unsafeSQL: sql, binds: binds) }
}

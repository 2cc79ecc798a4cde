import Foundation
import ParleyPostgres
import TOMLKit

/// Reads a TOML configuration file onto a configuration; the command line
/// is applied after it, so flags win.
public enum ConfigurationFile {
    /// Returns the file's `log_level`, which is not a server setting.
    @discardableResult
    public static func apply(path: String, to config: inout ServerConfiguration) throws(ConfigurationError) -> String? {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ConfigurationError(message: "cannot read config file \(path): \(error.localizedDescription)")
        }
        return try apply(text: text, path: path, to: &config)
    }

    @discardableResult
    public static func apply(text: String, path: String, to config: inout ServerConfiguration) throws(ConfigurationError) -> String? {
        let root: TOMLTable
        do {
            root = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            throw ConfigurationError(message: "\(path): line \(error.source.begin.line): \(error.description)")
        } catch {
            throw ConfigurationError(message: "\(path): \(error)")
        }
        var top = SettingsTable(root, section: nil, path: path)
        try top.string("host").map { config.host = $0 }
        try top.int("port").map { config.port = $0 }
        try top.string("data_dir").map { config.dataDirectory = $0 }
        if let url = try top.string("database_url") {
            do {
                config.databaseURL = try DatabaseURL(url)
            } catch {
                throw ConfigurationError(message: "\(path): \(error)")
            }
        }
        try top.int("database_connections").map { config.databaseConnections = $0 }
        try top.string("files_dir").map { config.filesDirectory = $0 }
        try top.int("event_loop_threads").map { config.eventLoopThreads = $0 }
        try top.bool("tls").map { config.tls = $0 }
        try top.string("tls_certificate").map { config.tlsCertificatePath = $0 }
        try top.string("tls_key").map { config.tlsKeyPath = $0 }
        try top.bool("allow_plaintext_on_network").map { config.allowPlaintextOnNetwork = $0 }
        try top.bool("guests").map { config.guestsEnabled = $0 }
        try top.bool("irc").map { config.ircEnabled = $0 }
        try top.int("irc_port").map { config.ircPort = $0 }
        try top.string("irc_server_name").map { config.ircServerName = $0 }
        try top.string("irc_motd").map { config.ircMotd = $0.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) }
        let logLevel = try top.string("log_level")

        if var limits = try top.table("limits") {
            try limits.int("max_frame_bytes").map { config.limits.maxFrameBytes = $0 }
            try limits.int("max_message_chars").map { config.limits.maxMessageCharacters = $0 }
            try limits.int("max_message_bytes").map { config.limits.maxMessageBytes = $0 }
            try limits.int("max_topic_bytes").map { config.limits.maxTopicBytes = $0 }
            try limits.int("max_marks_per_character").map { config.limits.maxMarksPerCharacter = $0 }
            try limits.int("history_on_login").map { config.limits.historyOnLogin = $0 }
            try limits.int("history_page_max").map { config.limits.historyPageMax = $0 }
            try limits.int("rate_burst").map { config.limits.rateBurst = $0 }
            try limits.double("rate_per_second").map { config.limits.ratePerSecond = $0 }
            try limits.double("heartbeat_timeout_seconds").map { config.limits.heartbeatTimeoutSeconds = $0 }
            try limits.int("max_outbound_bytes").map { config.maxOutboundBytes = $0 }
            try limits.int("max_topic_chars").map { config.limits.maxTopicCharacters = $0 }
            try limits.int("max_rooms_per_user").map { config.limits.maxRoomsPerUser = $0 }
            try limits.int("max_file_bytes").map { config.limits.maxFileBytes = Int64($0) }
            try limits.int("max_transfers").map { config.limits.maxTransfers = $0 }
            try limits.int("large_room_members").map { config.limits.largeRoomMembers = $0 }
            try limits.int("max_reply_bytes").map { config.limits.maxReplyBytes = $0 }
            try limits.double("resume_token_hours").map { config.resumeTokenHours = $0 }
            try limits.int("resume_tokens_per_user").map { config.resumeTokensPerUser = $0 }
            try limits.int("max_sessions_per_user").map { config.maxSessionsPerUser = $0 }
            try limits.int("max_database_bytes").map { config.maxDatabaseBytes = Int64($0) }
            try limits.double("coalesce_ms").map { config.coalesceMilliseconds = $0 }
            try limits.double("coalesce_max_ms").map { config.coalesceMaxMilliseconds = $0 }
            try limits.double("hello_timeout_seconds").map { config.helloTimeoutSeconds = $0 }
            try limits.double("login_timeout_seconds").map { config.loginTimeoutSeconds = $0 }
            try limits.int("max_connections").map { config.maxConnections = $0 }
            try limits.int("max_connections_per_address").map { config.maxConnectionsPerAddress = $0 }
            try limits.int("max_frame_bytes_before_login").map { config.maxFrameBytesBeforeLogin = $0 }
            try limits.int("max_malformed_in_a_row").map { config.maxMalformedInARow = $0 }
            try limits.int("failed_logins_before_delay").map { config.failedLoginsBeforeDelay = $0 }
            try limits.int("registrations_per_address_per_hour").map { config.registrationsPerAddressPerHour = $0 }
            try limits.int("rooms_created_per_user_per_day").map { config.roomsCreatedPerUserPerDay = $0 }
            try limits.int("max_upload_bytes_per_user_per_day").map { config.maxUploadBytesPerUserPerDay = Int64($0) }
            try limits.int("max_upload_bytes_per_user").map { config.maxUploadBytesPerUser = Int64($0) }
            try limits.int("max_files_bytes").map { config.maxFilesBytes = Int64($0) }
            try limits.int("min_free_disk_bytes").map { config.minFreeDiskBytes = Int64($0) }
            try limits.double("room_idle_days").map { config.roomIdleDays = $0 }
            try limits.double("friend_request_cooldown_hours").map { config.friendRequestCooldownHours = $0 }
            try limits.double("failed_login_delay_max_seconds").map { config.failedLoginDelayMaxSeconds = $0 }
            try limits.rejectUnknown()
        }
        if var hash = try top.table("password_hash") {
            try hash.int("log_n").map { config.passwordCost.logN = $0 }
            try hash.int("block_size").map { config.passwordCost.blockSize = $0 }
            try hash.int("parallelism").map { config.passwordCost.parallelism = $0 }
            try hash.rejectUnknown()
        }
        if var robot = try top.table("robot") {
            try robot.bool("enabled").map { config.robotEnabled = $0 }
            try robot.rejectUnknown()
        }
        try top.rejectUnknown()
        return logLevel
    }
}

/// Reads typed settings from one TOML table and remembers which keys it
/// read, so a misspelt setting is an error instead of silently ignored.
private struct SettingsTable {
    let table: TOMLTable
    let section: String?
    let path: String
    var read: Set<String> = []

    init(_ table: TOMLTable, section: String?, path: String) {
        self.table = table
        self.section = section
        self.path = path
    }

    private func name(_ key: String) -> String {
        section.map { "\($0).\(key)" } ?? key
    }

    private mutating func value<T>(_ key: String, _ kind: String, _ get: (TOMLValueConvertible) -> T?) throws(ConfigurationError) -> T? {
        read.insert(key)
        guard let raw = table[key] else { return nil }
        guard let value = get(raw) else {
            throw ConfigurationError(message: "\(path): \(name(key)) must be \(kind)")
        }
        return value
    }

    mutating func string(_ key: String) throws(ConfigurationError) -> String? { try value(key, "a string") { $0.string } }
    mutating func bool(_ key: String) throws(ConfigurationError) -> Bool? { try value(key, "true or false") { $0.bool } }
    mutating func int(_ key: String) throws(ConfigurationError) -> Int? { try value(key, "a whole number") { $0.int } }
    mutating func double(_ key: String) throws(ConfigurationError) -> Double? {
        try value(key, "a number") { $0.double ?? $0.int.map(Double.init) }
    }
    mutating func table(_ key: String) throws(ConfigurationError) -> SettingsTable? {
        try value(key, "a table ([\(key)])") { $0.table }.map { SettingsTable($0, section: name(key), path: path) }
    }

    func rejectUnknown() throws(ConfigurationError) {
        if let unknown = table.keys.sorted().first(where: { !read.contains($0) }) {
            throw ConfigurationError(message: "\(path): unknown setting \(name(unknown))")
        }
    }
}

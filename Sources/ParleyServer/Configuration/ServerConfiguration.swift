import ParleyDomain
import ParleyPostgres
import ParleyWire

/// Everything an operator can set. Defaults suit one machine and humans
/// typing; every limit is named here and in the README.
public struct ServerConfiguration: Sendable {
    public var host = "127.0.0.1"
    public var port = 7070
    public var dataDirectory: String
    /// TLS on the port, with `tlsCertificatePath` and `tlsKeyPath` (a PEM
    /// chain and its key), else with a self-signed certificate made in the
    /// data directory. Plaintext listens only on loopback, unless
    /// `allowPlaintextOnNetwork` (a TLS proxy in front, say).
    public var tls = true
    public var tlsCertificatePath: String?
    public var tlsKeyPath: String?
    public var allowPlaintextOnNetwork = false
    public var limits = ServerLimits()
    /// People without an account may log in as guests under a name no
    /// account has, limited to rooms that let guests in (the lobby when
    /// this is on), with no friends, files or private chats.
    public var guestsEnabled = false
    /// The IRC door: irssi, WeeChat and other IRC clients log in to their
    /// Parley accounts on `ircPort` (0 picks a free one), with the same TLS
    /// settings as the Parley port.
    public var ircEnabled = true
    public var ircPort = 6697
    /// How the server names itself to IRC clients; it must hold a dot, so
    /// that no nick can be mistaken for it.
    public var ircServerName = "irc.parley"
    /// The IRC door's message of the day, line by line.
    public var ircMotd = [
        "Welcome to Parley through its IRC door.",
        "Your nick is your Parley account; channels are Parley's rooms, #lobby first.",
        "\"/msg parley help\" does what IRC has no command for: friends, files, rooms with a topic.",
    ]
    /// Bytes queued for one slow reader before its connection is closed.
    public var maxOutboundBytes = 4 * 1024 * 1024
    public var passwordCost = PasswordHasher.Cost.interactive
    /// The robot answers `@robot` in every room.
    public var robotEnabled = true
    /// How long a resume token logs its user in again.
    public var resumeTokenHours = 30.0 * 24
    /// Tokens kept per user (one per password login); older ones are revoked.
    public var resumeTokensPerUser = 20
    /// Places one account may be logged in at once, scripts included.
    public var maxSessionsPerUser = 10
    /// Events to one client are gathered this long, then written at once:
    /// fewer system calls in a busy room for a delay nobody sees.
    public var coalesceMilliseconds = 4.0
    /// When writing takes an event loop more than a quarter of its time, the
    /// gathering grows, up to this long: fewer, larger writes under load.
    public var coalesceMaxMilliseconds = 16.0
    /// A PostgreSQL database (`postgres://USER@HOST:PORT/DB`) that every
    /// node shares; nil keeps SQLite in the data directory.
    public var databaseURL: DatabaseURL?
    /// Where shared files' bytes are kept; nil: `files/` in the data
    /// directory. Nodes on one database mount one directory here.
    public var filesDirectory: String?
    /// Connections to PostgreSQL one node holds at most.
    public var databaseConnections = 10
    /// The database file grows no bigger (0: as big as the disk allows);
    /// past it, writes are refused with `storage.full` while reads go on.
    public var maxDatabaseBytes: Int64 = 0
    /// Event-loop threads; 0 means one per core.
    public var eventLoopThreads = 0
    /// A connection sends its hello within this long, and logs in within
    /// `loginTimeoutSeconds` of connecting, or it is closed: connections
    /// that never log in cannot pile up.
    public var helloTimeoutSeconds = 10.0
    public var loginTimeoutSeconds = 30.0
    /// Connections held at once, in all and from one address; past them a
    /// new connection is told `server.full` and closed.
    public var maxConnections = 10_000
    public var maxConnectionsPerAddress = 20
    /// The largest frame taken before logging in (a login is a few hundred
    /// bytes); `limits.max_frame_bytes` after.
    public var maxFrameBytesBeforeLogin = 4096
    /// Frames in a row that cannot be read before the connection is closed.
    public var maxMalformedInARow = 10
    /// Failed logins for one account, or from one address, before each
    /// further try must wait (1 s, then doubling up to the most).
    public var failedLoginsBeforeDelay = 5
    public var failedLoginDelayMaxSeconds = 300.0
    /// Accounts registered from one address within an hour.
    public var registrationsPerAddressPerHour = 10
    /// Rooms one user may create within a day.
    public var roomsCreatedPerUserPerDay = 20
    /// Bytes of files one user may upload in 24 hours, and keep in all;
    /// bytes of files the server keeps in all (0: no limit); bytes that must
    /// stay free on the disk of the files, below which uploads are refused.
    public var maxUploadBytesPerUserPerDay: Int64 = 1 << 30
    public var maxUploadBytesPerUser: Int64 = 10 << 30
    public var maxFilesBytes: Int64 = 0
    public var minFreeDiskBytes: Int64 = 1 << 30
    /// A declined friend request may be asked again after this long.
    public var friendRequestCooldownHours = 24.0
    /// A room with no members and no message for this many days is removed
    /// (0: never).
    public var roomIdleDays = 90.0

    public init(dataDirectory: String) {
        self.dataDirectory = dataDirectory
    }

    public var databasePath: String { dataDirectory + "/parley.sqlite" }
    /// Where the self-signed certificate and its key are kept.
    public var tlsDirectory: String { dataDirectory + "/tls" }

    /// Whether `host` is this machine only: plaintext there crosses no network.
    public var listensOnLoopbackOnly: Bool {
        host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }

    /// Refuses settings that cannot work, naming the setting.
    public func validate() throws(ConfigurationError) {
        func require(_ ok: Bool, _ setting: String, _ rule: String) throws(ConfigurationError) {
            if !ok { throw ConfigurationError(message: "\(setting) \(rule)") }
        }
        try require((0...65535).contains(port), "port", "must be from 0 to 65535")
        try require((0...65535).contains(ircPort), "irc_port", "must be from 0 to 65535")
        try require(!ircEnabled || ircPort == 0 || ircPort != port, "irc_port", "must differ from port (\(port))")
        try require(
            ircServerName.contains(".") && !ircServerName.contains(" ") && !ircServerName.isEmpty, "irc_server_name",
            "must hold a dot and no spaces (irc.example.org), so that no nick can be taken for it"
        )
        try require(ircMotd.allSatisfy { !$0.contains("\n") && !$0.contains("\r") }, "irc_motd", "holds lines without line breaks")
        try require(
            (tlsCertificatePath == nil) == (tlsKeyPath == nil), "tls_certificate and tls_key", "must be given together"
        )
        try require(
            tls || listensOnLoopbackOnly || allowPlaintextOnNetwork, "tls = false",
            "would send passwords and messages in clear on \(host): set tls = true, or listen on 127.0.0.1, "
                + "or set allow_plaintext_on_network = true if something in front of the server encrypts"
        )
        try require((1...1000).contains(databaseConnections), "database_connections", "must be from 1 to 1000")
        try require(limits.maxFrameBytes >= 1024, "limits.max_frame_bytes", "must be at least 1024")
        try require(limits.maxMessageCharacters >= 1, "limits.max_message_chars", "must be at least 1")
        // A message of max_message_chars must fit in one frame, even when
        // every character takes 4 bytes of UTF-8 (or 6 as a JSON escape).
        try require(
            limits.maxMessageCharacters * 6 + 1024 <= limits.maxFrameBytes,
            "limits.max_message_chars", "× 6 + 1024 must fit in limits.max_frame_bytes (\(limits.maxFrameBytes))"
        )
        try require(limits.historyOnLogin >= 0, "limits.history_on_login", "must be 0 or more")
        try require(limits.historyPageMax >= 1, "limits.history_page_max", "must be at least 1")
        try require(limits.rateBurst >= 1, "limits.rate_burst", "must be at least 1")
        try require(limits.ratePerSecond > 0 && limits.ratePerSecond.isFinite, "limits.rate_per_second", "must be a positive number")
        try require(
            limits.heartbeatTimeoutSeconds > 0 && limits.heartbeatTimeoutSeconds.isFinite,
            "limits.heartbeat_timeout_seconds", "must be a positive number"
        )
        try require(limits.maxTopicCharacters >= 1, "limits.max_topic_chars", "must be at least 1")
        try require(limits.maxMessageBytes >= limits.maxMessageCharacters, "limits.max_message_bytes", "must be at least max_message_chars")
        try require(limits.maxTopicBytes >= limits.maxTopicCharacters, "limits.max_topic_bytes", "must be at least max_topic_chars")
        try require(limits.maxMarksPerCharacter >= 1, "limits.max_marks_per_character", "must be at least 1")
        try require(limits.maxRoomsPerUser >= 1, "limits.max_rooms_per_user", "must be at least 1 (the lobby)")
        try require(limits.maxFileBytes >= 0, "limits.max_file_bytes", "must be 0 or more")
        try require(limits.maxTransfers >= 1, "limits.max_transfers", "must be at least 1")
        try require(limits.largeRoomMembers >= 0, "limits.large_room_members", "must be 0 or more")
        try require(resumeTokenHours >= 0 && resumeTokenHours.isFinite, "limits.resume_token_hours", "must be 0 (no tokens) or more")
        try require(coalesceMilliseconds >= 0 && coalesceMilliseconds <= 1000, "limits.coalesce_ms", "must be from 0 to 1000")
        try require(
            coalesceMaxMilliseconds >= coalesceMilliseconds && coalesceMaxMilliseconds <= 1000,
            "limits.coalesce_max_ms", "must be from coalesce_ms to 1000"
        )
        try require(maxDatabaseBytes >= 0, "limits.max_database_bytes", "must be 0 (no limit) or more")
        try require(resumeTokensPerUser >= 1, "limits.resume_tokens_per_user", "must be at least 1")
        try require(maxSessionsPerUser >= 1, "limits.max_sessions_per_user", "must be at least 1")
        try require(maxOutboundBytes >= 64 * 1024, "limits.max_outbound_bytes", "must be at least 65536")
        // A reply alone must never look like a reader that fell behind.
        try require(
            (16 * 1024...maxOutboundBytes / 4).contains(limits.maxReplyBytes), "limits.max_reply_bytes",
            "must be from 16384 to a quarter of max_outbound_bytes (\(maxOutboundBytes / 4))"
        )
        try require((10...24).contains(passwordCost.logN), "password_hash.log_n", "must be from 10 to 24")
        try require((1...32).contains(passwordCost.blockSize), "password_hash.block_size", "must be from 1 to 32")
        try require((1...16).contains(passwordCost.parallelism), "password_hash.parallelism", "must be from 1 to 16")
        try require(eventLoopThreads >= 0, "event_loop_threads", "must be 0 (one per core) or more")
        try require(helloTimeoutSeconds > 0 && helloTimeoutSeconds.isFinite, "limits.hello_timeout_seconds", "must be a positive number")
        try require(
            loginTimeoutSeconds >= helloTimeoutSeconds && loginTimeoutSeconds.isFinite,
            "limits.login_timeout_seconds", "must be at least hello_timeout_seconds"
        )
        try require(maxConnections >= 1, "limits.max_connections", "must be at least 1")
        try require(
            (1...maxConnections).contains(maxConnectionsPerAddress), "limits.max_connections_per_address",
            "must be from 1 to max_connections"
        )
        try require(
            (1024...limits.maxFrameBytes).contains(maxFrameBytesBeforeLogin), "limits.max_frame_bytes_before_login",
            "must be from 1024 to max_frame_bytes"
        )
        try require(maxMalformedInARow >= 1, "limits.max_malformed_in_a_row", "must be at least 1")
        try require(failedLoginsBeforeDelay >= 1, "limits.failed_logins_before_delay", "must be at least 1")
        try require(registrationsPerAddressPerHour >= 1, "limits.registrations_per_address_per_hour", "must be at least 1")
        try require(roomsCreatedPerUserPerDay >= 1, "limits.rooms_created_per_user_per_day", "must be at least 1")
        try require(maxUploadBytesPerUserPerDay >= 0, "limits.max_upload_bytes_per_user_per_day", "must be 0 (no limit) or more")
        try require(maxUploadBytesPerUser >= 0, "limits.max_upload_bytes_per_user", "must be 0 (no limit) or more")
        try require(maxFilesBytes >= 0, "limits.max_files_bytes", "must be 0 (no limit) or more")
        try require(minFreeDiskBytes >= 0, "limits.min_free_disk_bytes", "must be 0 or more")
        try require(roomIdleDays >= 0 && roomIdleDays.isFinite, "limits.room_idle_days", "must be 0 (never) or more")
        try require(
            friendRequestCooldownHours >= 0 && friendRequestCooldownHours.isFinite, "limits.friend_request_cooldown_hours", "must be 0 or more"
        )
        try require(
            failedLoginDelayMaxSeconds >= 1 && failedLoginDelayMaxSeconds.isFinite,
            "limits.failed_login_delay_max_seconds", "must be at least 1"
        )
    }
}

public struct ConfigurationError: Error, CustomStringConvertible, Sendable {
    public let message: String
    public var description: String { message }
}

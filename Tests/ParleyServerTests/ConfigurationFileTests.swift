import ParleyServer
import Testing

@Suite struct ConfigurationFileTests {
    func apply(_ text: String) throws(ConfigurationError) -> ServerConfiguration {
        var configuration = ServerConfiguration(dataDirectory: "/default")
        try ConfigurationFile.apply(text: text, path: "test.toml", to: &configuration)
        return configuration
    }

    @Test func everySettingIsRead() throws {
        let configuration = try apply("""
            host = "0.0.0.0"
            port = 7171
            data_dir = "/srv/parley"
            event_loop_threads = 3
            log_level = "debug"
            [limits]
            max_frame_bytes = 131072
            max_message_chars = 8000
            history_on_login = 20
            history_page_max = 100
            rate_burst = 40
            rate_per_second = 2.5
            heartbeat_timeout_seconds = 30
            max_outbound_bytes = 1048576
            max_reply_bytes = 200000
            max_topic_chars = 80
            max_rooms_per_user = 10
            max_file_bytes = 1073741824
            max_transfers = 2
            large_room_members = 1000
            resume_token_hours = 24
            resume_tokens_per_user = 3
            max_database_bytes = 1048576
            coalesce_ms = 2.5
            coalesce_max_ms = 10
            [robot]
            enabled = false
            [password_hash]
            log_n = 16
            block_size = 8
            parallelism = 2
            """)
        #expect(configuration.host == "0.0.0.0" && configuration.port == 7171)
        #expect(configuration.dataDirectory == "/srv/parley" && configuration.eventLoopThreads == 3)
        #expect(configuration.limits.maxFrameBytes == 131072 && configuration.limits.maxMessageCharacters == 8000)
        #expect(configuration.limits.historyOnLogin == 20 && configuration.limits.historyPageMax == 100)
        #expect(configuration.limits.rateBurst == 40 && configuration.limits.ratePerSecond == 2.5)
        #expect(configuration.limits.heartbeatTimeoutSeconds == 30 && configuration.maxOutboundBytes == 1048576)
        #expect(configuration.limits.maxReplyBytes == 200000)
        #expect(configuration.limits.maxTopicCharacters == 80 && configuration.limits.maxRoomsPerUser == 10)
        #expect(configuration.limits.maxFileBytes == 1 << 30 && configuration.limits.maxTransfers == 2)
        #expect(configuration.limits.largeRoomMembers == 1000)
        #expect(configuration.resumeTokenHours == 24 && configuration.resumeTokensPerUser == 3)
        #expect(configuration.maxDatabaseBytes == 1 << 20 && configuration.coalesceMilliseconds == 2.5)
        #expect(configuration.coalesceMaxMilliseconds == 10)
        #expect(!configuration.robotEnabled)
        #expect(configuration.passwordCost == .init(logN: 16, blockSize: 8, parallelism: 2))
        #expect(throws: Never.self) { try configuration.validate() }
    }

    @Test func mistakesNameTheSetting() {
        #expect(throws: ConfigurationError.self) { try apply("prot = 7070") }
        #expect(throws: ConfigurationError.self) { try apply("port = \"seventy\"") }
        #expect(throws: ConfigurationError.self) { try apply("[limits]\nrate = 3") }
        #expect(throws: ConfigurationError.self) { try apply("port = ") }
        let error = #expect(throws: ConfigurationError.self) { try apply("[limits]\nmax_frame_bytes = \"big\"") }
        #expect(error?.message == "test.toml: limits.max_frame_bytes must be a whole number")
    }

    @Test func impossibleLimitsAreRefused() throws {
        var configuration = try apply("[limits]\nmax_message_chars = 20000")
        #expect(throws: ConfigurationError.self) { try configuration.validate() }
        configuration = try apply("[limits]\nrate_per_second = 0")
        #expect(throws: ConfigurationError.self) { try configuration.validate() }
        configuration = try apply("[limits]\nresume_tokens_per_user = 0")
        #expect(throws: ConfigurationError.self) { try configuration.validate() }
        // Gathering may grow under load, never shrink below its usual wait.
        configuration = try apply("[limits]\ncoalesce_ms = 8\ncoalesce_max_ms = 4")
        #expect(throws: ConfigurationError.self) { try configuration.validate() }
    }

    // The settings of nodes on PostgreSQL.

    @Test func theDatabaseItsConnectionsAndTheFilesDirectoryAreRead() throws {
        let configuration = try apply("""
            database_url = "postgres://parley@db.example.org:6543/chat"
            database_connections = 25
            files_dir = "/mnt/shared/parley-files"
            """)
        #expect(configuration.databaseURL?.description == "postgres://parley@db.example.org:6543/chat")
        #expect(configuration.databaseConnections == 25)
        #expect(configuration.filesDirectory == "/mnt/shared/parley-files")
        #expect(try apply("").databaseURL == nil, "SQLite unless told")
    }

    @Test(arguments: [
        (#"database_url = "mysql://x@y/z""#, "not a PostgreSQL URL"),
        (#"database_url = "postgres://db.example.org/chat""#, "names no user"),
        ("database_connections = 0", "database_connections"),
    ])
    func aBadURLOrPoolSizeIsNamed(_ text: String, _ said: String) {
        #expect {
            try apply(text).validate()
        } throws: { error in
            "\(error)".contains(said)
        }
    }
}

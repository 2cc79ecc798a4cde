import Logging
import ParleyDomain
import PostgresNIO

/// The PostgreSQL schema, one migration per step, as for SQLite (the same
/// tables and columns, so that data moves between the two); a migration
/// once shipped never changes. Unquoted names fold to lower case in
/// PostgreSQL, which every query here relies on; "user" is a keyword there
/// and so always quoted.
enum PostgresSchema {
    struct Migration {
        let name: String
        let statements: [String]
    }

    static let migrations: [Migration] = [
        Migration(name: "v1: as SQLite's v1 to v13", statements: [
            """
            CREATE TABLE "user" (
                id bigserial PRIMARY KEY,
                name text NOT NULL,
                nameKey text NOT NULL UNIQUE,
                skeleton text,
                passwordHash text NOT NULL,
                createdAt bigint NOT NULL,
                isGuest boolean NOT NULL DEFAULT false
            )
            """,
            #"CREATE INDEX user_by_skeleton ON "user" (skeleton)"#,
            // Rooms and private chats are both conversations; a private
            // one belongs to one pair, lower id first.
            """
            CREATE TABLE conversation (
                id bigserial PRIMARY KEY,
                kind text NOT NULL CHECK (kind IN ('room', 'direct')),
                name text,
                nameKey text UNIQUE,
                topic text,
                openTopic boolean NOT NULL DEFAULT false,
                allowGuests boolean NOT NULL DEFAULT false,
                memberCount bigint NOT NULL DEFAULT 0,
                createdBy bigint REFERENCES "user",
                createdAt bigint NOT NULL,
                userA bigint REFERENCES "user",
                userB bigint REFERENCES "user",
                UNIQUE (userA, userB)
            )
            """,
            """
            CREATE TABLE file (
                id bigserial PRIMARY KEY,
                conversationId bigint NOT NULL REFERENCES conversation,
                uploaderId bigint NOT NULL REFERENCES "user",
                name text NOT NULL,
                size bigint NOT NULL,
                sha256 text NOT NULL,
                type text NOT NULL,
                createdAt bigint NOT NULL
            )
            """,
            "CREATE INDEX file_by_conversation ON file (conversationId, id)",
            "CREATE INDEX file_by_uploader ON file (uploaderId, createdAt)",
            """
            CREATE TABLE message (
                id bigserial PRIMARY KEY,
                conversationId bigint NOT NULL REFERENCES conversation,
                senderId bigint NOT NULL REFERENCES "user",
                kind text NOT NULL DEFAULT 'text',
                body text NOT NULL,
                createdAt bigint NOT NULL,
                deliveredAt bigint,
                fileId bigint REFERENCES file
            )
            """,
            "CREATE INDEX message_by_conversation ON message (conversationId, id)",
            "CREATE INDEX message_by_conversation_time ON message (conversationId, createdAt)",
            // Room messages count as delivered when stored: this index holds
            // only private ones still waiting.
            "CREATE INDEX message_undelivered ON message (conversationId, id) WHERE deliveredAt IS NULL",
            // Trigrams find any run of three characters, in any case, CJK
            // included, as SQLite's trigram index does.
            "CREATE EXTENSION IF NOT EXISTS pg_trgm",
            "CREATE INDEX message_search ON message USING gin (body gin_trgm_ops)",
            """
            CREATE TABLE membership (
                conversationId bigint NOT NULL REFERENCES conversation,
                userId bigint NOT NULL REFERENCES "user",
                joinedAt bigint NOT NULL,
                PRIMARY KEY (conversationId, userId)
            )
            """,
            "CREATE INDEX membership_by_user ON membership (userId)",
            // Every login reads member counts: kept beside the rows.
            """
            CREATE FUNCTION membership_counted() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF TG_OP = 'INSERT' THEN
                    UPDATE conversation SET memberCount = memberCount + 1 WHERE id = NEW.conversationId;
                ELSE
                    UPDATE conversation SET memberCount = memberCount - 1 WHERE id = OLD.conversationId;
                END IF;
                RETURN NULL;
            END $$
            """,
            "CREATE TRIGGER membership_counted AFTER INSERT OR DELETE ON membership FOR EACH ROW EXECUTE FUNCTION membership_counted()",
            """
            CREATE TABLE friendship (
                userA bigint NOT NULL REFERENCES "user",
                userB bigint NOT NULL REFERENCES "user",
                since bigint NOT NULL,
                PRIMARY KEY (userA, userB),
                CHECK (userA < userB)
            )
            """,
            "CREATE INDEX friendship_by_b ON friendship (userB)",
            """
            CREATE TABLE friendRequest (
                fromId bigint NOT NULL REFERENCES "user",
                toId bigint NOT NULL REFERENCES "user",
                createdAt bigint NOT NULL,
                PRIMARY KEY (fromId, toId)
            )
            """,
            "CREATE INDEX friendRequest_to ON friendRequest (toId)",
            """
            CREATE TABLE block (
                blockerId bigint NOT NULL REFERENCES "user",
                blockedId bigint NOT NULL REFERENCES "user",
                createdAt bigint NOT NULL,
                PRIMARY KEY (blockerId, blockedId)
            )
            """,
            "CREATE INDEX block_by_blocked ON block (blockedId)",
            // Only a token's SHA-256 is kept: a copy of the database logs nobody in.
            """
            CREATE TABLE resumeToken (
                hash text PRIMARY KEY,
                userId bigint NOT NULL REFERENCES "user" ON DELETE CASCADE,
                createdAt bigint NOT NULL,
                expiresAt bigint NOT NULL,
                serial bigserial
            )
            """,
            "CREATE INDEX resumeToken_by_user ON resumeToken (userId, createdAt)",
            "CREATE INDEX resumeToken_by_expiry ON resumeToken (expiresAt)",
            """
            CREATE TABLE readPosition (
                userId bigint NOT NULL REFERENCES "user" ON DELETE CASCADE,
                conversationId bigint NOT NULL REFERENCES conversation ON DELETE CASCADE,
                messageId bigint NOT NULL,
                PRIMARY KEY (userId, conversationId)
            )
            """,
            "INSERT INTO conversation (kind, name, nameKey, topic, createdAt) VALUES ('room', 'lobby', 'lobby', '', \(Timestamp.nowMillis()))",
            // The robot signs its answers like any sender; "!" is no hash.
            """
            INSERT INTO "user" (name, nameKey, passwordHash, createdAt)
            VALUES ('\(ProtocolConstants.robotName)', '\(ProtocolConstants.robotName)', '!', \(Timestamp.nowMillis()))
            """,
        ]),
    ]

    /// Applies the migrations not yet applied, in one transaction, one
    /// node at a time (several may start together on one database).
    static func migrate(_ client: PostgresClient, logger: Logger) async throws {
        try await client.withTransaction(logger: logger) { connection in
            // Any constant: the lock only keeps two nodes from migrating at once.
            try await connection.query("SELECT pg_advisory_xact_lock(7070)", logger: logger)
            try await connection.query(
                "CREATE TABLE IF NOT EXISTS schemaMigration (name text PRIMARY KEY, appliedAt timestamptz NOT NULL DEFAULT now())",
                logger: logger
            )
            for migration in migrations {
                let done = try await connection.query("SELECT 1 FROM schemaMigration WHERE name = \(migration.name)", logger: logger)
                    .collect()
                guard done.isEmpty else { continue }
                for statement in migration.statements {
                    try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
                try await connection.query("INSERT INTO schemaMigration (name) VALUES (\(migration.name))", logger: logger)
            }
        }
    }
}

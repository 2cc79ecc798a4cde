import GRDB
import ParleyDomain

/// The schema, one migration per step; a migration once shipped never changes.
enum Schema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: users, rooms, messages") { db in
            try db.create(table: "user") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("name", .text).notNull()
                t.column("nameKey", .text).notNull().unique()
                t.column("passwordHash", .text).notNull()
                t.column("createdAt", .integer).notNull()
            }
            // Rooms and private chats are both conversations, so messages
            // (and later files) hang off one table whatever their kind.
            try db.create(table: "conversation") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("kind", .text).notNull().check { ["room", "direct"].contains($0) }
                t.column("name", .text)
                t.column("nameKey", .text).unique()
                t.column("topic", .text)
                t.column("createdBy", .integer).references("user")
                t.column("createdAt", .integer).notNull()
            }
            try db.create(table: "message") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("conversationId", .integer).notNull().references("conversation")
                t.column("senderId", .integer).notNull().references("user")
                t.column("kind", .text).notNull().defaults(to: "text")
                t.column("body", .text).notNull()
                t.column("createdAt", .integer).notNull()
            }
            // Serves "latest N", "before id" and "after id" of one conversation.
            try db.create(index: "message_by_conversation", on: "message", columns: ["conversationId", "id"])
            try db.execute(
                sql: "INSERT INTO conversation (kind, name, nameKey, createdAt) VALUES ('room', 'lobby', 'lobby', ?)",
                arguments: [Timestamp.nowMillis()]
            )
        }
        migrator.registerMigration("v2: friends and private conversations") { db in
            // A friendship is stored once, lower user id first.
            try db.create(table: "friendship") { t in
                t.column("userA", .integer).notNull().references("user")
                t.column("userB", .integer).notNull().references("user")
                t.column("since", .integer).notNull()
                t.primaryKey(["userA", "userB"])
                t.check(sql: "userA < userB")
            }
            try db.create(table: "friendRequest") { t in
                t.column("fromId", .integer).notNull().references("user")
                t.column("toId", .integer).notNull().references("user")
                t.column("createdAt", .integer).notNull()
                t.primaryKey(["fromId", "toId"])
            }
            try db.create(index: "friendRequest_to", on: "friendRequest", columns: ["toId"])
            // A private conversation belongs to one pair, lower id first.
            try db.alter(table: "conversation") { t in
                t.add(column: "userA", .integer).references("user")
                t.add(column: "userB", .integer).references("user")
            }
            try db.create(index: "conversation_pair", on: "conversation", columns: ["userA", "userB"], unique: true)
            // When a private message reached its recipient; NULL: not yet.
            // Room messages count as delivered when stored, so the index of
            // undelivered messages holds only private ones still waiting.
            try db.alter(table: "message") { t in
                t.add(column: "deliveredAt", .integer)
            }
            try db.execute(sql: "UPDATE message SET deliveredAt = createdAt")
            try db.execute(sql: "CREATE INDEX message_undelivered ON message(conversationId, id) WHERE deliveredAt IS NULL")
        }
        migrator.registerMigration("v3: rooms and the robot") { db in
            try db.create(table: "membership") { t in
                t.column("conversationId", .integer).notNull().references("conversation")
                t.column("userId", .integer).notNull().references("user")
                t.column("joinedAt", .integer).notNull()
                t.primaryKey(["conversationId", "userId"])
            }
            // A user's rooms, read at every login.
            try db.create(index: "membership_by_user", on: "membership", columns: ["userId"])
            try db.alter(table: "conversation") { t in
                t.add(column: "openTopic", .boolean).notNull().defaults(to: false)
            }
            try db.execute(sql: "UPDATE conversation SET topic = '' WHERE kind = 'room' AND topic IS NULL")
            try db.execute(sql: """
                INSERT INTO membership (conversationId, userId, joinedAt)
                SELECT c.id, u.id, u.createdAt FROM conversation c, user u WHERE c.kind = 'room' AND c.nameKey = 'lobby'
                """)
            // The robot signs its answers like any sender. Its name is
            // reserved and "!" is no password hash, so nobody logs in as it.
            try db.execute(
                sql: "INSERT INTO user (name, nameKey, passwordHash, createdAt) VALUES (?, ?, '!', ?)",
                arguments: [ProtocolConstants.robotName, ProtocolConstants.robotName, Timestamp.nowMillis()]
            )
        }
        migrator.registerMigration("v4: files") { db in
            try db.create(table: "file") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("conversationId", .integer).notNull().references("conversation")
                t.column("uploaderId", .integer).notNull().references("user")
                t.column("name", .text).notNull()
                t.column("size", .integer).notNull()
                t.column("sha256", .text).notNull()
                t.column("type", .text).notNull()
                t.column("createdAt", .integer).notNull()
            }
            // A conversation's files, newest first.
            try db.create(index: "file_by_conversation", on: "file", columns: ["conversationId", "id"])
            // The message that announces a file.
            try db.alter(table: "message") { t in
                t.add(column: "fileId", .integer).references("file")
            }
        }
        migrator.registerMigration("v5: resume tokens; indexes for many users") { db in
            // Only a token's SHA-256 is kept: a copy of the database logs nobody in.
            try db.create(table: "resumeToken") { t in
                t.primaryKey("hash", .text)
                t.column("userId", .integer).notNull().references("user", onDelete: .cascade)
                t.column("createdAt", .integer).notNull()
                t.column("expiresAt", .integer).notNull()
            }
            try db.create(index: "resumeToken_by_user", on: "resumeToken", columns: ["userId", "createdAt"])
            try db.create(index: "resumeToken_by_expiry", on: "resumeToken", columns: ["expiresAt"])
            // A user's friends from either side without reading every user.
            try db.create(index: "friendship_by_b", on: "friendship", columns: ["userB"])
        }
        migrator.registerMigration("v6: member counts") { db in
            // Counting a room's members reads every membership row, and every
            // login needs the counts: 10,000 logins to a lobby of 10,000 would
            // read 100 million rows. The triggers keep the count beside the rows.
            try db.alter(table: "conversation") { t in
                t.add(column: "memberCount", .integer).notNull().defaults(to: 0)
            }
            try db.execute(sql: """
                UPDATE conversation SET memberCount = (
                    SELECT COUNT(*) FROM membership m WHERE m.conversationId = conversation.id
                );
                CREATE TRIGGER membership_counted_in AFTER INSERT ON membership BEGIN
                    UPDATE conversation SET memberCount = memberCount + 1 WHERE id = NEW.conversationId;
                END;
                CREATE TRIGGER membership_counted_out AFTER DELETE ON membership BEGIN
                    UPDATE conversation SET memberCount = memberCount - 1 WHERE id = OLD.conversationId;
                END;
                """)
        }
        migrator.registerMigration("v7: a user's uploads by time") { db in
            // Upload quotas sum a user's files, in all and for the last day.
            try db.create(index: "file_by_uploader", on: "file", columns: ["uploaderId", "createdAt"])
        }
        migrator.registerMigration("v8: blocks") { db in
            try db.create(table: "block") { t in
                t.column("blockerId", .integer).notNull().references("user")
                t.column("blockedId", .integer).notNull().references("user")
                t.column("createdAt", .integer).notNull()
                t.primaryKey(["blockerId", "blockedId"])
            }
            // friendLink looks a pair up from either side.
            try db.create(index: "block_by_blocked", on: "block", columns: ["blockedId"])
        }
        migrator.registerMigration("v9: name skeletons") { db in
            // Filled by the server at start for the rows before this
            // (the skeleton is the domain's rule, not the schema's).
            try db.alter(table: "user") { t in
                t.add(column: "skeleton", .text)
            }
            try db.create(index: "user_by_skeleton", on: "user", columns: ["skeleton"])
        }
        migrator.registerMigration("v10: read positions") { db in
            // The newest message a user has read in a conversation, shared
            // by every session of the user.
            try db.create(table: "readPosition", options: .withoutRowID) { t in
                t.column("userId", .integer).notNull().references("user", onDelete: .cascade)
                t.column("conversationId", .integer).notNull().references("conversation", onDelete: .cascade)
                t.column("messageId", .integer).notNull()
                t.primaryKey(["userId", "conversationId"])
            }
        }
        migrator.registerMigration("v11: search") { db in
            // Trigrams find any run of three characters, so words of every
            // script match, CJK included (which has no spaces to split
            // words on). The index holds no copy of the text (content is
            // the message table); the triggers keep it in step.
            // Search orders by id, not by rank, so no per-message sizes are
            // kept; and merging segments is left to FTS5's crisis merge,
            // rather than a share of it in every message's commit
            // (docs/BENCHMARKS.md, Search).
            try db.execute(sql: """
                CREATE VIRTUAL TABLE messageSearch USING fts5(body, content = 'message', content_rowid = 'id', tokenize = 'trigram', columnsize = 0);
                INSERT INTO messageSearch (messageSearch, rank) VALUES ('automerge', 0);
                INSERT INTO messageSearch (messageSearch) VALUES ('rebuild');
                CREATE TRIGGER message_searchable_in AFTER INSERT ON message BEGIN
                    INSERT INTO messageSearch (rowid, body) VALUES (NEW.id, NEW.body);
                END;
                CREATE TRIGGER message_searchable_out AFTER DELETE ON message BEGIN
                    INSERT INTO messageSearch (messageSearch, rowid, body) VALUES ('delete', OLD.id, OLD.body);
                END;
                CREATE TRIGGER message_searchable_changed AFTER UPDATE OF body ON message BEGIN
                    INSERT INTO messageSearch (messageSearch, rowid, body) VALUES ('delete', OLD.id, OLD.body);
                    INSERT INTO messageSearch (rowid, body) VALUES (NEW.id, NEW.body);
                END;
                """)
        }
        migrator.registerMigration("v12: guests") { db in
            // A guest is a user row made at login without a password, kept
            // while the guest is here; its messages keep its name after it
            // leaves, while its key and skeleton are freed.
            try db.alter(table: "user") { t in
                t.add(column: "isGuest", .boolean).notNull().defaults(to: false)
            }
            // A room lets guests in only when its creator says so; the
            // lobby follows the server's `guests` setting.
            try db.alter(table: "conversation") { t in
                t.add(column: "allowGuests", .boolean).notNull().defaults(to: false)
            }
        }
        migrator.registerMigration("v13: messages by time") { db in
            // IRC's chathistory names places in a conversation by time.
            try db.create(index: "message_by_conversation_time", on: "message", columns: ["conversationId", "createdAt"])
        }
        return migrator
    }
}

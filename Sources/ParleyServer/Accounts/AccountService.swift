import NIOPosix
import ParleyProtocol
import ParleyStore

/// Registration and password checks. Hashing is slow on purpose, so it runs
/// on a thread pool, never on an event loop.
public struct AccountService: Sendable {
    let store: any ChatStore
    let hasher: PasswordHasher
    let hashingPool: NIOThreadPool

    public func register(name: String, password: String) async throws -> StoredUser {
        let key = try NameRules.validate(name)
        try PasswordRules.validate(password)
        if try await store.user(nameKey: key) != nil {
            throw Self.taken(name)
        }
        let hasher = self.hasher
        let hash = try await hashingPool.runIfActive { try hasher.hash(password) }
        do {
            return try await store.createUser(name: name, nameKey: key, passwordHash: hash, at: Timestamp.nowMillis())
        } catch StoreError.nameTaken {
            // Two registrations raced past the check above.
            throw Self.taken(name)
        }
    }

    public func authenticate(name: String, password: String) async throws -> StoredUser {
        let key = try NameRules.validate(name)
        guard let user = try await store.user(nameKey: key) else {
            throw ProtocolError(.authNoSuchUser, "There is no account named \"\(name)\"; register it first.")
        }
        let hasher = self.hasher
        let matches = try await hashingPool.runIfActive { hasher.verify(password, against: user.passwordHash) }
        guard matches else {
            throw ProtocolError(.authBadPassword, "Wrong password for \"\(user.name)\".")
        }
        return user
    }

    private static func taken(_ name: String) -> ProtocolError {
        ProtocolError(.nameTaken, "The name \"\(name)\" is taken (names are unique ignoring case).")
    }
}

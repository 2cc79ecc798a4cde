import Crypto
import Logging
import NIOPosix
import ParleyDomain
import ParleyStore

/// Registration, password checks and resume tokens. Hashing a password is
/// slow on purpose, so it runs on a thread pool, never on an event loop; a
/// token is 256 random bits, so one fast SHA-256 is enough to keep only a
/// hash of it.
public struct AccountService: Sendable {
    let store: any ChatStore
    let hasher: PasswordHasher
    let hashingPool: NIOThreadPool
    /// 0: no tokens are issued.
    var tokenLifetimeMillis: Int64 = 0
    var tokensPerUser = 20
    let throttle: LoginThrottle
    let registrations: WindowCounter
    /// Password hashing, a few at a time, addresses taking turns.
    let checks: FairQueue
    /// What a login to a name nobody has is checked against.
    let unknownUserHash: String
    let logger: Logger
    /// `guests`: people without an account may come in as guests.
    var guestsEnabled = false

    /// A new account; at most `registrations.limit` an hour from one address.
    public func register(name: String, password: String, from address: String) async throws -> StoredUser {
        let key = try NameRules.validate(name)
        try PasswordRules.validate(password)
        let skeleton = try await claim(name, key: key, from: address)
        let (hasher, pool) = (self.hasher, hashingPool)
        let hash = try await checks.run(for: address) { try await pool.runIfActive { try hasher.hash(password) } }
        do {
            return try await store.createUser(name: name, nameKey: key, skeleton: skeleton, passwordHash: hash, at: Timestamp.nowMillis())
        } catch StoreError.nameTaken {
            // Two registrations raced past the check above.
            throw Self.taken(name)
        }
    }

    /// A guest under `name`, for someone without an account: refused when
    /// the server takes no guests, and under a name that is an account's,
    /// looks like one, or is reserved. Guests count towards
    /// `registrations_per_address_per_hour`.
    public func admitGuest(name: String, from address: String) async throws -> StoredUser {
        guard guestsEnabled else { throw DomainError.guestsOff }
        let key = try NameRules.validate(name)
        let skeleton = try await claim(name, key: key, from: address)
        do {
            return try await store.createGuest(name: name, nameKey: key, skeleton: skeleton, at: Timestamp.nowMillis())
        } catch StoreError.nameTaken {
            throw Self.taken(name)
        }
    }

    /// The skeleton of a valid name (`key` its key) that nobody has or
    /// resembles, with a registration counted for `address` (only names
    /// about to be taken count: scripts register-or-log-in).
    private func claim(_ name: String, key: String, from address: String) async throws -> String {
        if try await store.user(nameKey: key) != nil {
            throw Self.taken(name)
        }
        let skeleton = NameRules.skeleton(for: name)
        if let lookalike = try await store.user(skeleton: skeleton) {
            throw DomainError.nameConfusable(name: name, existing: lookalike.name)
        }
        guard registrations.take(address, now: Double(Timestamp.nowMillis()) / 1000) else {
            throw DomainError.tooManyRegistrations(max: registrations.limit)
        }
        return skeleton
    }

    /// The guest left for good: its name is free again.
    public func release(guest: StoredUser) async throws {
        try await store.releaseGuest(guest)
    }

    /// The account `name` if `password` is its own. A name nobody has is
    /// checked against a hash of the same cost, so that the answer and the
    /// time it takes are the same as for a wrong password. Failures slow
    /// down further tries for the account and from `address`.
    public func authenticate(name: String, password: String, from address: String) async throws -> StoredUser {
        let key = try NameRules.validate(name)
        let now = Double(Timestamp.nowMillis()) / 1000
        let wait = throttle.wait(account: key, address: address, now: now)
        guard wait == 0 else { throw DomainError.loginThrottled(seconds: wait) }
        let user = try await store.user(nameKey: key)
        let (hasher, stored) = (self.hasher, user?.passwordHash ?? unknownUserHash)
        let pool = hashingPool
        let matches = try await checks.run(for: address) { try await pool.runIfActive { hasher.verify(password, against: stored) } }
        guard let user, matches else {
            throttle.failed(account: key, address: address, now: Double(Timestamp.nowMillis()) / 1000)
            logger.notice("failed login", metadata: ["name": "\(name)", "address": "\(address)"])
            throw DomainError.badPassword(name: name)
        }
        throttle.succeeded(account: key)
        return user
    }

    /// A new token for `user`, or nil when tokens are turned off.
    public func issueToken(for user: StoredUser) async throws -> String? {
        guard tokenLifetimeMillis > 0 else { return nil }
        var generator = SystemRandomNumberGenerator()
        let token = Hex.string((0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) })
        let now = Timestamp.nowMillis()
        try await store.addResumeToken(
            hash: Self.hash(token), for: user, at: now, expiresAt: now + tokenLifetimeMillis, keepingNewest: tokensPerUser
        )
        return token
    }

    public func resume(name: String, token: String) async throws -> StoredUser {
        let key = try NameRules.validate(name)
        guard let user = try await store.user(resumeToken: Self.hash(token), nameKey: key, at: Timestamp.nowMillis()) else {
            throw DomainError.tokenInvalid
        }
        return user
    }

    public func revoke(token: String) async throws {
        try await store.removeResumeToken(hash: Self.hash(token))
    }

    /// Sets a new password once the old one is checked (as a login is,
    /// throttled); every token but `kept` (the asking session's) is
    /// revoked, so a stolen one stops working.
    public func changePassword(
        of user: StoredUser, from old: String, to new: String, at address: String, keeping kept: String?
    ) async throws {
        _ = try await authenticate(name: user.name, password: old, from: address)
        try PasswordRules.validate(new)
        let (hasher, pool) = (self.hasher, hashingPool)
        let hash = try await checks.run(for: address) { try await pool.runIfActive { try hasher.hash(new) } }
        try await store.setPasswordHash(hash, of: user)
        try await store.removeResumeTokens(of: user, keeping: kept.map(Self.hash))
    }

    /// Revokes every token of the account: each device must log in with
    /// the password again.
    public func logOutEverywhere(_ user: StoredUser) async throws {
        try await store.removeResumeTokens(of: user, keeping: nil)
    }

    private static func hash(_ token: String) -> String {
        Hex.string(SHA256.hash(data: Array(token.utf8)))
    }

    private static func taken(_ name: String) -> DomainError {
        .nameTaken(name: name)
    }
}

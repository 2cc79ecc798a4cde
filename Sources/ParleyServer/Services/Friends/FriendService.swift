import ParleyDomain
import ParleyStore
import Synchronization

/// Friend requests, friendships, and friends' presence.
public struct FriendService: Sendable {
    let store: any ChatStore
    let hub: Hub
    /// Who declined whom when: a declined request is not repeated for
    /// `cooldownSeconds` (kept in memory: a restart forgets).
    let declined = Declined()
    var cooldownSeconds = 86_400.0

    final class Declined: Sendable {
        private let times = Mutex<[String: Double]>([:])

        func record(_ pair: String, at now: Double, forgettingBefore old: Double) {
            times.withLock { times in
                if times.count > 100_000 { times = times.filter { $0.value >= old } }
                times[pair] = now
            }
        }

        func time(of pair: String) -> Double? {
            times.withLock { $0[pair] }
        }
    }

    /// Asks `name` to be friends; a request that crosses theirs makes
    /// friends at once.
    public func request(from user: StoredUser, to name: String) async throws {
        let other = try await someoneElse(name, than: user)
        guard !user.isGuest, !other.isGuest else { throw DomainError.notForGuests(.friends) }
        switch try await store.friendLink(user, other) {
        case .blocked(by: user.id):
            throw DomainError.blocking(name: other.name)
        case .blocked:
            throw DomainError.blockedBy(name: other.name)
        case .friends:
            throw DomainError.alreadyFriends(name: other.name)
        case .requested(by: user.id):
            throw DomainError.requestPending(name: other.name)
        case .requested:
            try await befriend(user, other)
        case .strangers:
            let now = Double(Timestamp.nowMillis()) / 1000
            if let when = declined.time(of: "\(user.id)>\(other.id)"), now - when < cooldownSeconds {
                throw DomainError.requestDeclinedRecently(name: other.name, hours: Int((cooldownSeconds / 3600).rounded(.up)))
            }
            try await store.addFriendRequest(from: user, to: other, at: Timestamp.nowMillis())
            hub.deliver(.friendRequest(from: user.name), to: [key(other)])
        }
    }

    public func accept(from name: String, by user: StoredUser) async throws {
        let other = try await someoneElse(name, than: user)
        guard try await store.friendLink(user, other) == .requested(by: other.id) else {
            throw DomainError.noFriendRequest(name: other.name)
        }
        try await befriend(user, other)
    }

    public func decline(from name: String, by user: StoredUser) async throws {
        let other = try await someoneElse(name, than: user)
        guard try await store.removeFriendRequest(from: other, to: user) else {
            throw DomainError.noFriendRequest(name: other.name)
        }
        let now = Double(Timestamp.nowMillis()) / 1000
        declined.record("\(other.id)>\(user.id)", at: now, forgettingBefore: now - cooldownSeconds)
        hub.deliver(.friendDeclined(name: user.name), to: [key(other)])
    }

    public func remove(_ name: String, by user: StoredUser) async throws {
        let other = try await someoneElse(name, than: user)
        guard try await store.unfriend(user, other) else {
            throw DomainError.notFriends(name: other.name)
        }
        hub.deliver(.friendRemoved(name: other.name), to: [key(user)])
        hub.deliver(.friendRemoved(name: user.name), to: [key(other)])
    }

    /// `user` stops `name`'s requests and private messages: a friendship
    /// ends (both are told), requests either way are dropped.
    public func block(_ name: String, by user: StoredUser) async throws {
        let other = try await someoneElse(name, than: user)
        if try await store.block(other, by: user, at: Timestamp.nowMillis()) {
            hub.deliver(.friendRemoved(name: other.name), to: [key(user)])
            hub.deliver(.friendRemoved(name: user.name), to: [key(other)])
        }
    }

    public func unblock(_ name: String, by user: StoredUser) async throws {
        let other = try await someoneElse(name, than: user)
        guard try await store.unblock(other, by: user) else { throw DomainError.notBlocking(name: other.name) }
    }

    public func list(for user: StoredUser) async throws -> FriendList {
        list(of: try await store.friendships(of: user))
    }

    func list(of friendships: Friendships) -> FriendList {
        FriendList(
            friends: friendships.friends.map { Friend(name: $0.name, online: hub.isOnline(key: key($0))) },
            incoming: friendships.incoming.map(\.name),
            outgoing: friendships.outgoing.map(\.name),
            blocked: friendships.blocked.map(\.name)
        )
    }

    /// Tells the user's friends that the user came or went.
    public func announce(_ user: StoredUser, online: Bool) async throws {
        announce(user, online: online, to: try await store.friends(of: user))
    }

    func announce(_ user: StoredUser, online: Bool, to friends: [StoredUser]) {
        hub.deliver(online ? .friendOnline(name: user.name) : .friendOffline(name: user.name), to: friends.map(key))
    }

    /// Whether two users are friends, for private messages.
    public func areFriends(_ a: StoredUser, _ b: StoredUser) async throws -> Bool {
        try await store.friendLink(a, b) == .friends
    }

    /// The user called `name`, who must not be `user`.
    func someoneElse(_ name: String, than user: StoredUser) async throws -> StoredUser {
        let key = NameRules.key(for: name)
        guard key != ProtocolConstants.robotName, let other = try await store.user(nameKey: key) else {
            throw DomainError.noSuchUser(name: name)
        }
        guard other.id != user.id else {
            throw DomainError.befriendingSelf
        }
        return other
    }

    private func befriend(_ a: StoredUser, _ b: StoredUser) async throws {
        try await store.befriend(a, b, at: Timestamp.nowMillis())
        hub.deliver(.friendAdded(Friend(name: b.name, online: hub.isOnline(key: key(b)))), to: [key(a)])
        hub.deliver(.friendAdded(Friend(name: a.name, online: hub.isOnline(key: key(a)))), to: [key(b)])
    }

    private func key(_ user: StoredUser) -> String {
        NameRules.key(for: user.name)
    }
}

import ParleyDomain
import ParleyStore

/// What a user is shown on logging in. Everything is read in one
/// transaction: in a reconnect storm each login's trips to the database,
/// not its bytes, are what the server spends.
struct WelcomeService: Sendable {
    let store: any ChatStore
    let rooms: RoomService
    let friends: FriendService

    /// `rooms` are the user's, in which the user is present already, so that
    /// a message committed meanwhile comes as an event or in the history.
    func welcome(for user: StoredUser, in rooms: [StoredConversation], token: String?) async throws -> (Welcome, Friendships) {
        let stored = try await store.welcome(of: user, in: rooms, size: self.rooms.viewSize)
        let welcome = Welcome(
            user: user.name,
            rooms: stored.rooms.map(self.rooms.snapshot(of:)),
            friends: friends.list(of: stored.friendships),
            away: stored.away.map { $0.message.addressed(to: .direct($0.from)) },
            token: token
        )
        return (welcome, stored.friendships)
    }
}

import ParleyDomain
import ParleyStore

/// What a user is shown on logging in. Everything is read in one
/// transaction: in a reconnect storm each login's trips to the database,
/// not its bytes, are what the server spends.
struct WelcomeService: Sendable {
    let store: any ChatStore
    let rooms: RoomService
    let friends: FriendService
    let chat: ChatService

    /// `rooms` are the user's, in which the user is present already, so that
    /// a message committed meanwhile comes as an event or in the history.
    /// `takingAway`: the session takes delivery of the private messages
    /// that wait (a quiet one does not: it would leave them unread).
    func welcome(
        for user: StoredUser, in rooms: [StoredConversation], token: String?, takingAway: Bool
    ) async throws -> (Welcome, Friendships) {
        let limits = chat.limits
        let stored = try await store.welcome(
            of: user, in: rooms, size: self.rooms.viewSize, waitingAtMost: limits.historyPageMax
        )
        // One budget for the whole welcome: the waiting messages first (they
        // are delivered once), then each room's newest, the lobby first.
        let away = takingAway ? chat.waitingBatch(stored.away) : (messages: [], more: false)
        var left = limits.maxReplyBytes - away.messages.reduce(0) { $0 + ReplyBudget.cost(of: $1) }
        let snapshots = stored.rooms.map(self.rooms.snapshot(of:)).map { snapshot in
            var snapshot = snapshot
            let (kept, cut) = ReplyBudget(bytes: left).last(snapshot.history, atLeastOne: false, cost: ReplyBudget.cost(of:))
            left -= kept.reduce(0) { $0 + ReplyBudget.cost(of: $1) }
            snapshot.history = kept
            snapshot.hasMore = snapshot.hasMore || cut
            return snapshot
        }
        let welcome = Welcome(
            user: user.name, rooms: snapshots, friends: friends.list(of: stored.friendships),
            away: away.messages, awayMore: away.more, token: token, read: stored.read
        )
        return (welcome, stored.friendships)
    }
}

/// Why the chat refused something: a stable code and the parameters a door
/// needs to say it in its own words (docs/PROTOCOL.md lists the codes).
/// Services and rules throw these; no sentence is written here, because
/// each front door has its own words and its own commands to suggest.
public enum DomainError: Error, Hashable, Sendable {
    /// No such account, or the wrong password: one refusal for both, so
    /// that nobody learns which names exist by trying them.
    case badPassword(name: String)
    /// Too many failed logins for the account or from the address; the
    /// next try is taken in `seconds`.
    case loginThrottled(seconds: Int)
    /// The account has `max` sessions already (`max_sessions_per_user`)
    /// and this login did not ask to take over.
    case tooManySessions(name: String, max: Int)
    case tokenInvalid
    /// `max` accounts were registered from this address within the hour.
    case tooManyRegistrations(max: Int)
    case loginRequired
    case alreadyLoggedIn

    case nameEmpty
    case nameTooLong(characters: Int, max: Int)
    case nameTooManyBytes(bytes: Int, max: Int)
    case nameInvalid(NameFault)
    case nameReserved(name: String)
    case nameTaken(name: String)

    case passwordTooShort(min: Int)
    case passwordTooLong(maxBytes: Int)

    case messageEmpty
    case messageTooLong(characters: Int, max: Int)
    case messageTooManyBytes(bytes: Int, max: Int)
    case messageMarksStacked(max: Int)
    /// A control character other than line break and tab.
    case messageInvalid(scalar: UInt32)

    case noSuchUser(name: String)
    case befriendingSelf
    case alreadyFriends(name: String)
    case requestPending(name: String)
    case noFriendRequest(name: String)
    /// `name` declined this user's request less than `hours` ago.
    case requestDeclinedRecently(name: String, hours: Int)
    case notFriends(name: String)
    /// `name` looks like `existing`'s name (same skeleton).
    case nameConfusable(name: String, existing: String)
    /// `name` blocked this user: no requests, no private messages.
    case blockedBy(name: String)
    /// This user blocked `name`, and must unblock before asking.
    case blocking(name: String)
    case notBlocking(name: String)

    case roomNotFound(name: String)
    case roomExists(name: String)
    /// `name` looks like the existing room `existing` (same skeleton).
    case roomConfusable(name: String, existing: String)
    case notMember(room: String)
    case alreadyMember(room: String)
    case lobbyCannotBeLeft
    case tooManyRooms(count: Int, max: Int)
    /// `max` rooms were created by this user within the day.
    case tooManyRoomsCreated(max: Int)
    case topicTooLong(characters: Int, max: Int)
    case topicTooManyBytes(bytes: Int, max: Int)
    case topicMarksStacked(max: Int)
    case topicInvalid(scalar: UInt32)
    case topicForbidden(room: String)

    case fileSizeNegative
    case fileTooLarge(size: Int64, max: Int64)
    /// The upload would take the user past a quota: `perDay` for the last
    /// 24 hours, else in all.
    case uploadQuota(perDay: Bool, max: Int64)
    case fileHashInvalid
    case fileNotFound(id: Int64)
    case fileOffsetOutside(offset: Int64, size: Int64)

    case historyPageSize(asked: Int, max: Int)
    /// A search with no words in it.
    case searchEmpty
    case searchTooLong(characters: Int, max: Int)
    case searchTooManyWords(max: Int)
    /// Control characters in a search.
    case searchInvalid
    /// A search page of `asked` hits, not between 1 and `max`.
    case searchPageSize(asked: Int, max: Int)

    /// The storage is full: nothing was saved; reading still works.
    case storageFull
    /// The storage refuses writes (read-only, failing).
    case storageUnavailable

    /// The user logged in elsewhere with take-over; this session ends.
    case sessionReplaced

    /// Logging in without an account, on a server without guests.
    case guestsOff
    /// A guest asked for what only accounts have.
    case notForGuests(GuestLimit)
    /// A guest asked to join a room that does not let guests in.
    case roomClosedToGuests(room: String)
    /// Only a room's creator lets guests in or keeps them out.
    case guestsForbidden(room: String)
    /// The lobby lets guests in when the server does.
    case guestsFollowServer

    /// What a guest may not have.
    public enum GuestLimit: Hashable, Sendable {
        case friends
        case files
        case privateMessages
    }

    /// What about a name breaks the rules.
    public enum NameFault: Hashable, Sendable {
        case combiningMarkFirst
        case control(scalar: UInt32)
        case whiteSpace
        case character(String)
        /// More combining marks on one character than a name may stack.
        case marksStacked(max: Int)
    }

    public var code: ErrorCode {
        switch self {
        case .badPassword: .authBadPassword
        case .loginThrottled: .authThrottled
        case .tooManySessions: .authTooManySessions
        case .tokenInvalid: .authTokenInvalid
        case .tooManyRegistrations, .tooManyRoomsCreated, .requestDeclinedRecently: .rateLimited
        case .loginRequired: .authRequired
        case .alreadyLoggedIn: .authAlreadyLoggedIn
        case .nameEmpty: .nameEmpty
        case .nameTooLong, .nameTooManyBytes: .nameTooLong
        case .nameInvalid: .nameInvalid
        case .nameReserved: .nameReserved
        case .nameTaken, .nameConfusable: .nameTaken
        case .passwordTooShort: .passwordTooShort
        case .passwordTooLong: .passwordTooLong
        case .messageEmpty: .messageEmpty
        case .messageTooLong, .messageTooManyBytes: .messageTooLong
        case .messageMarksStacked: .messageInvalid
        case .messageInvalid: .messageInvalid
        case .noSuchUser: .friendNoSuchUser
        case .befriendingSelf: .friendSelf
        case .alreadyFriends: .friendAlready
        case .requestPending: .friendPending
        case .noFriendRequest: .friendNoRequest
        case .notFriends: .friendNotFriends
        case .blockedBy, .blocking: .friendBlocked
        case .notBlocking: .friendNotBlocked
        case .roomNotFound: .roomNotFound
        case .roomExists, .roomConfusable: .roomExists
        case .notMember: .roomNotMember
        case .alreadyMember: .roomAlreadyMember
        case .lobbyCannotBeLeft: .roomCannotLeave
        case .tooManyRooms: .roomTooMany
        case .topicTooLong, .topicTooManyBytes: .topicTooLong
        case .topicMarksStacked: .topicInvalid
        case .topicInvalid: .topicInvalid
        case .topicForbidden: .topicForbidden
        case .fileSizeNegative, .fileHashInvalid: .fileInvalid
        case .fileTooLarge: .fileTooLarge
        case .uploadQuota: .fileQuota
        case .fileNotFound: .fileNotFound
        case .fileOffsetOutside: .fileBadOffset
        case .historyPageSize: .historyInvalid
        case .searchEmpty, .searchTooLong, .searchTooManyWords, .searchInvalid, .searchPageSize: .searchInvalid
        case .storageFull: .storageFull
        case .storageUnavailable: .storageUnavailable
        case .sessionReplaced: .sessionReplaced
        case .guestsOff: .guestOff
        case .notForGuests: .guestNotAllowed
        case .roomClosedToGuests: .roomClosedToGuests
        case .guestsForbidden: .roomGuestsForbidden
        case .guestsFollowServer: .roomLobbyGuests
        }
    }
}

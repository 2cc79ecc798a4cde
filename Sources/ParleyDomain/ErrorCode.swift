/// A stable, machine-readable error code such as `auth.bad_password`.
///
/// Codes never change meaning once published; clients switch on them, people
/// read the sentence that travels beside them.
public struct ErrorCode: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public var description: String { rawValue }

    public static let authBadPassword = ErrorCode(rawValue: "auth.bad_password")
    /// Too many failed logins; the sentence says how long to wait.
    public static let authThrottled = ErrorCode(rawValue: "auth.throttled")
    /// The account is logged in at `max_sessions_per_user` places already.
    public static let authTooManySessions = ErrorCode(rawValue: "auth.too_many_sessions")
    public static let authRequired = ErrorCode(rawValue: "auth.required")
    public static let authAlreadyLoggedIn = ErrorCode(rawValue: "auth.already_logged_in")
    /// The server's storage is full: nothing was saved; reading still works.
    public static let storageFull = ErrorCode(rawValue: "storage.full")
    /// The server cannot write its storage (read-only, failing disk).
    public static let storageUnavailable = ErrorCode(rawValue: "storage.unavailable")
    /// A resume token that is unknown, expired or revoked.
    public static let authTokenInvalid = ErrorCode(rawValue: "auth.token_invalid")

    public static let nameEmpty = ErrorCode(rawValue: "name.empty")
    public static let nameTooLong = ErrorCode(rawValue: "name.too_long")
    public static let nameInvalid = ErrorCode(rawValue: "name.invalid")
    public static let nameReserved = ErrorCode(rawValue: "name.reserved")
    public static let nameTaken = ErrorCode(rawValue: "name.taken")

    public static let passwordTooShort = ErrorCode(rawValue: "password.too_short")
    public static let passwordTooLong = ErrorCode(rawValue: "password.too_long")

    public static let messageEmpty = ErrorCode(rawValue: "message.empty")
    public static let messageTooLong = ErrorCode(rawValue: "message.too_long")
    public static let messageInvalid = ErrorCode(rawValue: "message.invalid")

    public static let friendNoSuchUser = ErrorCode(rawValue: "friend.no_such_user")
    public static let friendSelf = ErrorCode(rawValue: "friend.self")
    public static let friendAlready = ErrorCode(rawValue: "friend.already")
    public static let friendPending = ErrorCode(rawValue: "friend.pending")
    public static let friendNoRequest = ErrorCode(rawValue: "friend.no_request")
    public static let friendNotFriends = ErrorCode(rawValue: "friend.not_friends")
    /// One of the two blocked the other.
    public static let friendBlocked = ErrorCode(rawValue: "friend.blocked")
    public static let friendNotBlocked = ErrorCode(rawValue: "friend.not_blocked")

    public static let roomNotFound = ErrorCode(rawValue: "room.not_found")
    public static let roomExists = ErrorCode(rawValue: "room.exists")
    public static let roomNotMember = ErrorCode(rawValue: "room.not_member")
    public static let roomAlreadyMember = ErrorCode(rawValue: "room.already_member")
    public static let roomCannotLeave = ErrorCode(rawValue: "room.cannot_leave")
    public static let roomTooMany = ErrorCode(rawValue: "room.too_many")
    public static let topicTooLong = ErrorCode(rawValue: "topic.too_long")
    public static let topicInvalid = ErrorCode(rawValue: "topic.invalid")
    public static let topicForbidden = ErrorCode(rawValue: "topic.forbidden")

    public static let fileTooLarge = ErrorCode(rawValue: "file.too_large")
    /// The upload would take its uploader past a quota.
    public static let fileQuota = ErrorCode(rawValue: "file.quota")
    public static let fileInvalid = ErrorCode(rawValue: "file.invalid")
    public static let fileHashMismatch = ErrorCode(rawValue: "file.hash_mismatch")
    public static let fileNotFound = ErrorCode(rawValue: "file.not_found")
    public static let fileBadOffset = ErrorCode(rawValue: "file.bad_offset")
    public static let fileStorage = ErrorCode(rawValue: "file.storage")
    public static let transferUnknown = ErrorCode(rawValue: "transfer.unknown")
    public static let transferTooMany = ErrorCode(rawValue: "transfer.too_many")
    public static let transferOverflow = ErrorCode(rawValue: "transfer.overflow")

    public static let historyInvalid = ErrorCode(rawValue: "history.invalid")
    /// A search without words, too long, or asking for too many hits.
    public static let searchInvalid = ErrorCode(rawValue: "search.invalid")

    public static let frameTooLarge = ErrorCode(rawValue: "frame.too_large")
    public static let frameMalformed = ErrorCode(rawValue: "frame.malformed")
    public static let frameInvalidUTF8 = ErrorCode(rawValue: "frame.invalid_utf8")
    public static let frameUnknownKind = ErrorCode(rawValue: "frame.unknown_kind")
    public static let requestUnknownType = ErrorCode(rawValue: "request.unknown_type")
    public static let requestInvalid = ErrorCode(rawValue: "request.invalid")

    public static let helloRequired = ErrorCode(rawValue: "hello.required")
    public static let helloUnsupportedVersion = ErrorCode(rawValue: "hello.unsupported_version")

    public static let rateLimited = ErrorCode(rawValue: "rate.limited")
    public static let serverInternal = ErrorCode(rawValue: "server.internal")
    public static let serverShuttingDown = ErrorCode(rawValue: "server.shutting_down")
    /// The server holds as many connections as it takes, in all or from
    /// this address.
    public static let serverFull = ErrorCode(rawValue: "server.full")

    public static let sessionReplaced = ErrorCode(rawValue: "session.replaced")
    /// Guests are off on this server (`guests = false`).
    public static let guestOff = ErrorCode(rawValue: "guest.off")
    /// Guests have no friends, files or private chats.
    public static let guestNotAllowed = ErrorCode(rawValue: "guest.not_allowed")
    public static let roomClosedToGuests = ErrorCode(rawValue: "room.closed_to_guests")
    /// Only a room's creator decides whether guests may join it.
    public static let roomGuestsForbidden = ErrorCode(rawValue: "room.guests_forbidden")
    /// The lobby takes guests when the server does (`guests`).
    public static let roomLobbyGuests = ErrorCode(rawValue: "room.lobby_guests")
    /// The account this session was logged in to was deleted (by its owner).
    public static let accountDeleted = ErrorCode(rawValue: "account.deleted")
    public static let sessionTimedOut = ErrorCode(rawValue: "session.timed_out")
    public static let sessionTooSlow = ErrorCode(rawValue: "session.too_slow")
}

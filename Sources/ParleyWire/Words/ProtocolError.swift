import ParleyDomain

/// An error as it crosses the Parley wire: a stable code and a sentence
/// for people.
public struct ProtocolError: Error, Hashable, Sendable, Codable, CustomStringConvertible {
    public let code: ErrorCode
    public let message: String

    public init(_ code: ErrorCode, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(message) (\(code))" }
}

extension ProtocolError {
    /// A domain refusal in the Parley door's words. Parley clients show the
    /// sentence as it is, so it says what went wrong and what to do, but
    /// names no client's commands: scripts and other clients read it too.
    public init(_ error: DomainError) {
        self.init(error.code, Self.sentence(for: error))
    }

    static func sentence(for error: DomainError) -> String {
        switch error {
        case .badPassword(let name): "Wrong name or password for \"\(name)\" (or no such account); check both, or register."
        case .loginThrottled(let seconds):
            "Too many failed logins for this account or from your address; try again in \(seconds) second\(seconds == 1 ? "" : "s")."
        case .tooManySessions(let name, let max):
            "\"\(name)\" is logged in at \(max) places already, the most this server allows; log out of one, or log in with take-over to close the others."
        case .tokenInvalid: "That resume token is unknown, expired or revoked; log in with the password."
        case .tooManyRegistrations(let max): "At most \(max) accounts are registered from one address in an hour; try again later."
        case .tooManyRoomsCreated(let max): "You created \(max) rooms today, the most this server allows; try again tomorrow."
        case .loginRequired: "Log in first."
        case .alreadyLoggedIn: "This connection is already logged in."
        case .nameEmpty: "A name cannot be empty."
        case .nameTooLong(let characters, let max): "A name is at most \(max) characters; this one has \(characters)."
        case .nameTooManyBytes(let bytes, let max): "A name is at most \(max) bytes of UTF-8; this one has \(bytes)."
        case .nameInvalid(let fault): "A name cannot contain \(fault.words); use letters, digits, _ and -."
        case .nameReserved(let name): "The name \"\(name)\" is reserved."
        case .nameTaken(let name): "The name \"\(name)\" is taken (names are unique ignoring case)."
        case .nameConfusable(let name, let existing):
            "The name \"\(name)\" looks too much like \"\(existing)\", which is taken; choose one that looks different."
        case .passwordTooShort(let min): "A password needs at least \(min) characters."
        case .passwordTooLong(let maxBytes): "A password is at most \(maxBytes) bytes long."
        case .messageEmpty: "A message needs some text besides white space."
        case .messageTooLong(let characters, let max): "A message is at most \(max) characters; this one has \(characters)."
        case .messageTooManyBytes(let bytes, let max): "A message is at most \(max) bytes of UTF-8; this one has \(bytes)."
        case .messageMarksStacked(let max): "A message may stack at most \(max) accents or other combining marks on one character."
        case .messageInvalid(let scalar): "A message cannot contain the control character \(Unicode.Scalar.codePoint(scalar))."
        case .noSuchUser(let name): "There is no user named \"\(name)\"."
        case .befriendingSelf: "That is you."
        case .alreadyFriends(let name): "You and \(name) are friends already."
        case .requestPending(let name): "You asked \(name) already; the request is waiting for an answer."
        case .noFriendRequest(let name): "\(name) has not asked to be your friend."
        case .requestDeclinedRecently(let name, let hours): "\(name) declined your request; you may ask again \(hours) hours after that."
        case .notFriends(let name): "You and \(name) are not friends; private messages are for friends, so ask \(name) to be one first."
        case .blockedBy(let name): "\(name) does not take friend requests or private messages from you."
        case .blocking(let name): "You blocked \(name); unblock them first."
        case .notBlocking(let name): "You have not blocked \(name)."
        case .roomNotFound(let name): "There is no room \"\(name)\"; the room list shows those that exist, or create it."
        case .roomExists(let name): "A room \"\(name)\" exists already; join it to go in."
        case .roomConfusable(let name, let existing):
            "\"\(name)\" looks too much like the room \"\(existing)\"; join that one, or choose a name that looks different."
        case .notMember(let room): "You are not in \(room); join it first."
        case .alreadyMember(let room): "You are in \(room) already."
        case .lobbyCannotBeLeft: "Everybody stays in the lobby; it is where people find each other."
        case .tooManyRooms(let count, _): "You are in \(count) rooms, the most this server allows; leave one first."
        case .topicTooLong(let characters, let max): "A topic is at most \(max) characters; this one has \(characters)."
        case .topicTooManyBytes(let bytes, let max): "A topic is at most \(max) bytes of UTF-8; this one has \(bytes)."
        case .topicMarksStacked(let max): "A topic may stack at most \(max) accents or other combining marks on one character."
        case .topicInvalid(let scalar): "A topic is one line without control or invisible formatting characters; it has \(Unicode.Scalar.codePoint(scalar))."
        case .topicForbidden(let room): "Only the creator of \(room) may change its topic."
        case .fileSizeNegative: "A file's size cannot be negative."
        case .fileTooLarge(let size, let max): "This file has \(size) bytes; the server takes files up to \(max) bytes (\(ByteCount.text(max)))."
        case .uploadQuota(let perDay, let max):
            perDay
                ? "This upload would take you past \(ByteCount.text(max)) uploaded in a day; try again later, or share a smaller file."
                : "This upload would take you past the \(ByteCount.text(max)) of files you may keep here; ask the operator for room."
        case .fileHashInvalid: "sha256 must be the file's SHA-256 as 64 hex digits."
        case .fileNotFound(let id): "There is no file \(id) that you can see."
        case .fileOffsetOutside(let offset, let size): "The offset \(offset) is outside the file's \(size) bytes."
        case .historyPageSize(let asked, let max): "A history page holds 1 to \(max) messages; you asked for \(asked)."
        case .searchEmpty: "Say what to search for: one word or more."
        case .searchTooLong(let characters, let max): "A search is at most \(max) characters; this one has \(characters)."
        case .searchTooManyWords(let max): "A search finds messages with up to \(max) words; leave some out."
        case .searchInvalid: "A search cannot hold control characters."
        case .searchPageSize(let asked, let max): "A search page holds 1 to \(max) hits; you asked for \(asked)."
        case .storageFull: "The server's storage is full, so nothing was saved; reading still works. Tell its operator."
        case .storageUnavailable: "The server cannot write to its storage right now, so nothing was saved; reading still works. Tell its operator."
        case .sessionReplaced: "You logged in elsewhere; this session is closed."
        case .guestsOff: "This server takes no guests: log in to an account, or register one."
        case .notForGuests(let limit): "Guests have no \(limit.words); register an account to have them."
        case .guestsForbidden(let room): "Only the creator of \(room) decides whether guests may join it."
        case .guestsFollowServer: "The lobby takes guests when the server does; its operator sets that (guests in the config)."
        case .roomClosedToGuests(let room): "\(room) does not let guests in (its creator decides); register an account to join it."
        }
    }
}

extension DomainError.GuestLimit {
    var words: String {
        switch self {
        case .friends: "friends"
        case .files: "files"
        case .privateMessages: "private messages"
        }
    }
}

extension DomainError.NameFault {
    var words: String {
        switch self {
        case .combiningMarkFirst: "a combining mark at its start"
        case .control(let scalar): "control characters (\(Unicode.Scalar.codePoint(scalar)))"
        case .whiteSpace: "spaces or other white space"
        case .character(let character): "\"\(character)\""
        case .marksStacked(let max): "more than \(max) combining marks on one character"
        }
    }
}

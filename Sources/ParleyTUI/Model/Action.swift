import ParleyClient
import ParleyDomain
import ParleyWire

/// Everything that can happen to the front end.
public enum Action: Sendable {
    case key(Key)
    /// A bracketed paste: one piece of text, however many lines.
    case paste(String)
    case resize(Size)
    case tick(now: Int64)
    /// `canTakeOver`: refused at the server's limit of sessions per
    /// account; logging in with take-over would close the others.
    case loginFailed(String, canTakeOver: Bool = false)
    case loggedIn(Welcome, limits: ServerLimits)
    /// Messages fetched after a reconnect, newer than what the view had.
    case caughtUp([ChatMessage])
    /// More private messages that waited, after the welcome's `away`.
    case awayArrived([ChatMessage])
    case olderLoaded(HistorySlice)
    /// A room created or joined.
    case joined(RoomSnapshot)
    case left(ConversationID)
    /// A room joined in another session of the account.
    case roomFetched(RoomSnapshot)
    /// The server's room list; `show` opens the pop-up.
    case roomsListed([RoomInfo], show: Bool)
    /// A conversation's files, for the picker.
    case filesListed(ConversationID, [FileInfo])
    /// Hits for `text`; `appended`: a further page of the same search.
    case searchAnswered(String, SearchPage, appended: Bool)
    case searchFailed(String, reason: String)
    /// The history around message `around` of a conversation, for a jump.
    case aroundLoaded(ConversationID, around: Int64, [ChatMessage], hasOlder: Bool)
    case transferProgress(id: Int, TransferReading)
    /// A transfer ended; `sentence` says how, `failed` whether it did not work.
    case transferEnded(id: Int, sentence: String, failed: Bool)
    /// Local paths that continue `typed`, for Tab after /upload.
    case pathCompletions(typed: String, [String])
    case event(Event)
    /// A friend action of yours went through; the list as it is now.
    case friendsChanged(FriendAction, name: String, FriendList)
    /// The server took line `id` of the outbox as this message.
    case sent(id: Int, ChatMessage)
    /// The server refused line `id`, or it could not be sent; why, in words.
    case sendFailed(id: Int, reason: String)
    case connectionLost(reason: String)
    case reconnectCountdown(attempt: Int, inSeconds: Int)
    case reconnectFailed(attempt: Int, reason: String)
    /// A command the server refused, in words.
    case commandFailed(String)
    /// Something worth a line in the status bar.
    case notice(String)
    /// `/passwd` went through, or was refused with this sentence.
    case passwordChanged
    case passwordChangeFailed(String)
    case themeChanged(String)
    case themeFailed(String)
}

/// What the reducer asks the outside world to do.
public enum Effect: Hashable, Sendable {
    case logIn(name: String, password: String, register: Bool, takeOver: Bool = false)
    /// Joins as a guest under `name`: no account, no password.
    case logInAsGuest(name: String)
    /// Sends outbox line `id`; lines leave one after another, in order.
    case send(id: Int, text: String, to: ConversationID)
    case changePassword(old: String, new: String)
    case loadOlder(ConversationID, before: Int64)
    /// The welcome's `away` messages up to this id are shown: the server
    /// may count them delivered.
    case awayReceived(through: Int64)
    /// The conversation is read up to this message here; the server keeps
    /// the position for every session of the account.
    case markRead(ConversationID, through: Int64)
    /// Waits out the back-off for `attempt`, reconnects, logs in again and
    /// fetches what each conversation got after the newest id shown.
    case reconnect(attempt: Int, resume: [ConversationID: Int64])
    case friend(FriendAction, name: String)
    case createRoom(name: String, topic: String, openTopic: Bool)
    case join(String)
    case leave(String)
    case listRooms(show: Bool)
    case setTopic(String, of: ConversationID)
    case setGuests(Bool, in: ConversationID)
    case upload(id: Int, path: String, to: ConversationID)
    case download(id: Int, FileInfo)
    case cancelTransfer(id: Int)
    case listFiles(ConversationID)
    /// Hits for the words of `text`, older than `before` when given.
    case search(String, before: Int64?)
    /// The history on both sides of a message.
    case loadAround(ConversationID, message: Int64)
    /// A room the account joined elsewhere, to list here too.
    case fetchRoom(ConversationID)
    case completePath(String)
    case loadTheme(String)
    case bell
    /// Ctrl+L: repaint every cell of the terminal.
    case redraw
    /// Ctrl+Z: give the terminal back and stop, as full-screen programs do.
    case suspend
    case quit
}

public enum FriendAction: String, Hashable, Sendable, CaseIterable {
    case add, accept, decline, remove, block, unblock
}

import Logging
import NIOCore
import NIOPosix
import ParleyDomain
import ParleyStore
import ParleyWire

/// What every session of one server shares.
struct SessionServices: Sendable {
    let accounts: AccountService
    let deletion: AccountDeletion
    let chat: ChatService
    let friends: FriendService
    let rooms: RoomService
    let welcomes: WelcomeService
    let files: FileService
    /// Reads and writes file bytes, so that disks never block an event loop.
    let fileIO: NIOThreadPool
    let hub: Hub
    let limits: ServerLimits
    /// Where sessions gather events to write them together.
    let coalescers: WriteCoalescers
    /// How this door's sessions write events.
    let format: EventFormat
    let helloFrame: ByteBuffer
    /// Connections held, in all and per address, for every door.
    let connections: ConnectionCounter
    /// How long a connection may take to say hello, and to log in.
    let helloTimeout: TimeAmount
    let loginTimeout: TimeAmount
    let logger: Logger
    /// What ended sessions leave to do; shutdown waits for it.
    let afterSession = AfterSession()

    /// Takes a session of `user` out of the hub; when that took the user
    /// offline, friends hear so.
    func detach(_ user: StoredUser, outlet: any SessionSink, departure: Departure) {
        let wentOffline = hub.detach(outlet, key: NameRules.key(for: user.name), reason: departure)
        logger.info("left", metadata: ["user": "\(user.name)", "reason": "\(departure.words)"])
        if wentOffline {
            let (friends, accounts, logger) = (self.friends, self.accounts, self.logger)
            afterSession.run {
                if user.isGuest {
                    // Gone when it leaves: its name is free again, its messages stay.
                    do {
                        try await accounts.release(guest: user)
                    } catch {
                        logger.error("cannot release a guest's name", metadata: ["guest": "\(user.name)", "error": "\(error)"])
                    }
                } else {
                    try? await friends.announce(user, online: false)
                }
            }
        }
    }

    /// A message stored as waiting reached a session live: it was delivered
    /// like any message to someone online. In the background: the session
    /// has written it already.
    func markDelivered(_ message: ChatMessage) {
        let (chat, logger) = (self.chat, self.logger)
        afterSession.run {
            do {
                try await chat.markDelivered([message])
            } catch {
                logger.error("cannot mark a message delivered", metadata: ["error": "\(error)"])
            }
        }
    }
}

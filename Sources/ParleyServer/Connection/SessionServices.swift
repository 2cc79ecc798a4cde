import Logging
import NIOCore
import ParleyProtocol

/// What every session of one server shares.
struct SessionServices: Sendable {
    let accounts: AccountService
    let chat: ChatService
    let friends: FriendService
    let rooms: RoomService
    let hub: Hub
    let limits: ServerLimits
    let helloFrame: ByteBuffer
    let logger: Logger
}

import Logging
import NIOCore
import NIOPosix
import ParleyDomain
import ParleyWire

/// What every session of one server shares.
struct SessionServices: Sendable {
    let accounts: AccountService
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
    let logger: Logger
}

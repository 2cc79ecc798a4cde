import ParleyDomain
import NIOCore

/// Binary frames carry file bytes: `u32 transfer | bytes`.
public struct Chunk: Sendable, Equatable {
    public static let headerBytes = 4
    public var transfer: UInt32
    public var bytes: ByteBuffer

    public init(transfer: UInt32, bytes: ByteBuffer) {
        self.transfer = transfer
        self.bytes = bytes
    }

    /// The chunk in a binary frame of a fresh buffer.
    public func frame(allocator: ByteBufferAllocator = .init()) -> ByteBuffer {
        var buffer = allocator.buffer(capacity: Frame.headerBytes + Self.headerBytes + bytes.readableBytes)
        buffer.writeInteger(UInt32(1 + Self.headerBytes + bytes.readableBytes))
        buffer.writeInteger(FrameKind.binary.rawValue)
        buffer.writeInteger(transfer)
        buffer.writeImmutableBuffer(bytes)
        return buffer
    }

    /// The chunk of a binary frame; nil when it is too short to name a transfer.
    public init?(_ frame: Frame) {
        var payload = frame.payload
        guard frame.kind == FrameKind.binary.rawValue, let transfer = payload.readInteger(as: UInt32.self) else { return nil }
        self.init(transfer: transfer, bytes: payload)
    }
}

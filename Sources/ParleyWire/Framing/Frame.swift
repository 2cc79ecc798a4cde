import ParleyDomain
import NIOCore

/// What a frame's payload holds.
public enum FrameKind: UInt8, Sendable {
    /// One wire message as a UTF-8 JSON object.
    case json = 1
    /// Raw bytes (file chunks), so binary data never travels as base64.
    case binary = 2
}

/// One frame: `u32 length (big-endian) | u8 kind | payload`, where the
/// length counts the kind byte and the payload.
public struct Frame: Sendable, Equatable {
    public static let headerBytes = 5

    public var kind: UInt8
    public var payload: ByteBuffer

    public init(kind: UInt8, payload: ByteBuffer) {
        self.kind = kind
        self.payload = payload
    }

    /// Writes a frame into a fresh buffer.
    public static func encode(kind: FrameKind, payload: some Collection<UInt8>, allocator: ByteBufferAllocator = .init()) -> ByteBuffer {
        var buffer = allocator.buffer(capacity: headerBytes + payload.count)
        buffer.writeInteger(UInt32(payload.count + 1))
        buffer.writeInteger(kind.rawValue)
        buffer.writeBytes(payload)
        return buffer
    }
}

public enum FrameError: Error, Equatable, Sendable {
    case tooLarge(length: Int, limit: Int)
    case emptyFrame

    public var protocolError: ProtocolError {
        switch self {
        case .tooLarge(let length, let limit):
            ProtocolError(.frameTooLarge, "A frame of \(length) bytes is over the limit of \(limit) bytes; closing the connection.")
        case .emptyFrame:
            ProtocolError(.frameMalformed, "A frame of length 0 has no kind byte; closing the connection.")
        }
    }
}

/// Cuts a byte stream into frames, however the bytes were split or glued
/// by the network. It reads a length before trusting it: a length past the
/// limit is an error before a single payload byte is buffered.
public struct FrameParser: Sendable {
    public let maxFrameBytes: Int

    public init(maxFrameBytes: Int) {
        self.maxFrameBytes = maxFrameBytes
    }

    /// The next whole frame at the front of `buffer`, consuming it; nil when
    /// more bytes are needed.
    public func nextFrame(from buffer: inout ByteBuffer) throws(FrameError) -> Frame? {
        guard let length = buffer.getInteger(at: buffer.readerIndex, as: UInt32.self) else { return nil }
        let bodyLength = Int(length)
        if bodyLength > maxFrameBytes { throw .tooLarge(length: bodyLength, limit: maxFrameBytes) }
        if bodyLength == 0 { throw .emptyFrame }
        guard buffer.readableBytes >= 4 + bodyLength else { return nil }
        buffer.moveReaderIndex(forwardBy: 4)
        let kind: UInt8 = buffer.readInteger()!
        let payload = buffer.readSlice(length: bodyLength - 1)!
        return Frame(kind: kind, payload: payload)
    }
}

/// The largest frame a connection takes now: the server's is small until
/// the peer has logged in. Used on the connection's event loop only.
public final class FrameLimit {
    public var bytes: Int

    public init(bytes: Int) {
        self.bytes = bytes
    }
}

/// `FrameParser` in a channel pipeline.
public struct FrameDecoder: ByteToMessageDecoder {
    public typealias InboundOut = Frame
    private let limit: FrameLimit

    public init(limit: FrameLimit) {
        self.limit = limit
    }

    public init(maxFrameBytes: Int) {
        self.init(limit: FrameLimit(bytes: maxFrameBytes))
    }

    public mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let frame = try FrameParser(maxFrameBytes: limit.bytes).nextFrame(from: &buffer) else { return .needMoreData }
        context.fireChannelRead(Self.wrapInboundOut(frame))
        return .continue
    }

    public mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        try decode(context: context, buffer: &buffer)
    }
}

import NIOCore

/// What the IRC door reads: a line, or why a line cannot be read.
enum IRCInput: Equatable {
    case line(String)
    /// Longer than a line with tags may be; its bytes were dropped.
    case tooLong
    case notUTF8
}

/// Cuts the byte stream at LF (a CR before it is dropped). A line longer
/// than `maxLineBytes` is not kept while it arrives: its bytes are dropped
/// up to its end, and it is reported once, so a peer cannot make the
/// server hold an endless line.
struct IRCLineDecoder: ByteToMessageDecoder {
    typealias InboundOut = IRCInput

    let maxLineBytes: Int
    private var discarding = false

    init(maxLineBytes: Int) {
        self.maxLineBytes = maxLineBytes
    }

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let newline = buffer.readableBytesView.firstIndex(of: UInt8(ascii: "\n")) else {
            if buffer.readableBytes > maxLineBytes {
                if !discarding { context.fireChannelRead(wrapInboundOut(.tooLong)) }
                discarding = true
                buffer.moveReaderIndex(forwardBy: buffer.readableBytes)
            }
            return .needMoreData
        }
        var line = buffer.readSlice(length: newline - buffer.readerIndex)!
        buffer.moveReaderIndex(forwardBy: 1)
        if discarding {
            discarding = false
            return .continue
        }
        if line.readableBytesView.last == UInt8(ascii: "\r") { line.moveWriterIndex(to: line.writerIndex - 1) }
        guard line.readableBytes <= maxLineBytes else {
            context.fireChannelRead(wrapInboundOut(.tooLong))
            return .continue
        }
        if let text = String(validating: line.readableBytesView, as: UTF8.self) {
            context.fireChannelRead(wrapInboundOut(.line(text)))
        } else {
            context.fireChannelRead(wrapInboundOut(.notUTF8))
        }
        return .continue
    }

    mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        // A last line without its LF is not a command.
        buffer.moveReaderIndex(forwardBy: buffer.readableBytes)
        return .needMoreData
    }
}

import NIOCore
import ParleyDomain
import ParleyWire

/// One fuzzing input, run through what the server and the client do with
/// bytes from the network: the frame parser (fed in pieces whose sizes come
/// from the input, so frames are split and glued), then both message
/// decoders and the rules that check what they decoded. A crash, a broken
/// precondition or a decode → encode → decode that changes the message is a
/// finding.
enum FuzzInput {
    static let maxFrameBytes = 4096

    static func run(_ bytes: UnsafeRawBufferPointer) {
        guard let first = bytes.first else { return }
        // The first byte sets how the rest is cut into network reads.
        let step = Int(first % 64) + 1
        let stream = bytes.dropFirst()
        let parser = FrameParser(maxFrameBytes: maxFrameBytes)
        var buffer = ByteBuffer()
        var start = stream.startIndex
        while start < stream.endIndex {
            let end = min(start + step, stream.endIndex)
            buffer.writeBytes(stream[start..<end])
            start = end
            do {
                while let frame = try parser.nextFrame(from: &buffer) {
                    check(frame)
                }
            } catch {
                // A broken frame closes the connection: nothing more is read.
                _ = error.protocolError
                return
            }
            buffer.discardReadBytes()
        }
    }

    private static func check(_ frame: Frame) {
        if let chunk = Chunk(frame) {
            precondition(chunk.bytes.readableBytes == frame.payload.readableBytes - Chunk.headerBytes)
            return
        }
        if case .success(let message) = WireCodec.decodeClientMessage(frame) {
            precondition(roundTrip(message) == message, "client message changed on a round trip: \(message)")
            checkRules(message)
        }
        if let message = try? WireCodec.decodeServerMessage(frame) {
            let again = try? WireCodec.decodeServerMessage(Frame(kind: FrameKind.json.rawValue, payload: sliceOfFrame(WireCodec.encode(message))))
            precondition(again == message, "server message changed on a round trip: \(message)")
        }
    }

    private static func roundTrip(_ message: ClientMessage) -> ClientMessage? {
        let frame = Frame(kind: FrameKind.json.rawValue, payload: sliceOfFrame(WireCodec.encode(message)))
        return try? WireCodec.decodeClientMessage(frame).get()
    }

    /// The payload of an encoded frame.
    private static func sliceOfFrame(_ encoded: ByteBuffer) -> ByteBuffer {
        var encoded = encoded
        var buffer = ByteBuffer()
        buffer.writeBuffer(&encoded)
        return try! FrameParser(maxFrameBytes: .max).nextFrame(from: &buffer)!.payload
    }

    /// What the server checks once a request decoded.
    private static func checkRules(_ message: ClientMessage) {
        guard case .request(_, let request) = message else { return }
        switch request {
        case .register(let name, let password), .logIn(let name, let password, _, _):
            _ = try? NameRules.validate(name)
            _ = try? PasswordRules.validate(password)
        case .search(let query):
            _ = try? SearchRules.words(of: query.text)
            _ = SearchRules.snippet(of: query.text, matching: [query.from ?? "a"])
        case .send(_, let text):
            _ = try? MessageRules.validate(text, within: ServerLimits().messageBudget)
        case .setTopic(_, let topic):
            _ = try? TopicRules.validate(topic, within: ServerLimits().topicBudget)
        case .upload(_, let name, _, _):
            precondition(!FileNameRules.clean(name).isEmpty)
        case .createRoom(let name, _, _), .join(let name), .friendRequest(let name):
            _ = try? NameRules.validate(name)
            _ = Mentions.contains(name, in: name)
        default:
            break
        }
    }
}

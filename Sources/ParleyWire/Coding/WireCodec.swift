import ParleyDomain
import Foundation
import NIOCore

/// Turns wire messages into frames and frame payloads back into messages.
public enum WireCodec {
    public static func encode(_ message: ServerMessage) -> ByteBuffer {
        encodeJSON(message)
    }

    public static func encode(_ message: ClientMessage) -> ByteBuffer {
        encodeJSON(message)
    }

    /// A client message from a JSON frame, or the error to answer with.
    public static func decodeClientMessage(_ frame: Frame) -> Result<ClientMessage, WireDecodingFailure> {
        guard frame.kind == FrameKind.json.rawValue else {
            return .failure(WireDecodingFailure(
                requestID: nil,
                error: ProtocolError(.frameUnknownKind, "A frame of kind \(frame.kind) is not expected here; send kind 1 (JSON).")
            ))
        }
        guard String(validating: frame.payload.readableBytesView, as: UTF8.self) != nil else {
            return .failure(WireDecodingFailure(
                requestID: nil,
                error: ProtocolError(.frameInvalidUTF8, "The frame's payload is not valid UTF-8.")
            ))
        }
        do {
            return .success(try JSONDecoder().decode(ClientMessage.self, from: Data(frame.payload.readableBytesView)))
        } catch let failure as WireDecodingFailure {
            return .failure(failure)
        } catch {
            return .failure(WireDecodingFailure(
                requestID: nil,
                error: ProtocolError(.frameMalformed, "The frame's payload is not a JSON object with a \"type\".")
            ))
        }
    }

    public static func decodeServerMessage(_ frame: Frame) throws -> ServerMessage {
        try JSONDecoder().decode(ServerMessage.self, from: Data(frame.payload.readableBytesView))
    }

    private static func encodeJSON(_ value: some Encodable) -> ByteBuffer {
        if let bytes = try? StreamingJSONEncoder().encode(value) {
            return Frame.encode(kind: .json, payload: bytes)
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        // Every wire message is a tree of strings, numbers and booleans:
        // encoding one cannot fail.
        let data = try! encoder.encode(value)
        return Frame.encode(kind: .json, payload: data)
    }
}

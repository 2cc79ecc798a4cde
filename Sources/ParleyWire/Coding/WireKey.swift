import ParleyDomain

/// JSON object keys of wire messages; a string literal is a key.
struct WireKey: CodingKey, ExpressibleByStringLiteral {
    let stringValue: String
    var intValue: Int? { nil }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
    init(stringLiteral value: String) { stringValue = value }
}

/// Why a frame's payload could not be read as a message, with the request id
/// when one was found, so the error reply can echo it.
public struct WireDecodingFailure: Error, Hashable, Sendable {
    public let requestID: UInt32?
    public let error: ProtocolError
    public init(requestID: UInt32?, error: ProtocolError) {
        self.requestID = requestID
        self.error = error
    }
}

extension DecodingError {
    /// A sentence that names the field at fault, for `request.invalid`.
    var sentence: String {
        switch self {
        case .keyNotFound(let key, _):
            "The field \"\(key.stringValue)\" is missing."
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
            if let field = context.codingPath.last?.stringValue {
                "The field \"\(field)\" has the wrong type or value."
            } else {
                "The payload is not a JSON object of a known shape."
            }
        @unknown default:
            "The payload could not be read."
        }
    }
}

/// The shape of every message that carries one name: `{"type":…,"name":…}`.
func encodeNamed(_ type: String, _ name: String, into container: inout KeyedEncodingContainer<WireKey>) throws {
    try container.encode(type, forKey: "type")
    try container.encode(name, forKey: "name")
}

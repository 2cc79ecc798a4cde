import Foundation
import ParleyDomain
@testable import ParleyWire
import Testing

@Suite struct StreamingJSONEncoderTests {
    /// The JSON as Foundation reads it, to compare two encodings by meaning.
    func parsed(_ bytes: [UInt8]) throws -> NSObject {
        try #require(try JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed]) as? NSObject)
    }

    func foundation(_ value: some Encodable) throws -> [UInt8] {
        Array(try JSONEncoder().encode(value))
    }

    @Test(arguments: WireCodecTests.serverMessages)
    func serverMessagesMeanWhatFoundationsMean(_ message: ServerMessage) throws {
        let streamed = try StreamingJSONEncoder().encode(message)
        #expect(try parsed(streamed) == parsed(try foundation(message)))
    }

    @Test(arguments: WireCodecTests.clientMessages)
    func clientMessagesMeanWhatFoundationsMean(_ message: ClientMessage) throws {
        let streamed = try StreamingJSONEncoder().encode(message)
        #expect(try parsed(streamed) == parsed(try foundation(message)))
    }

    @Test func theTypeComesFirst() throws {
        let event = try StreamingJSONEncoder().encode(ServerMessage.event(.message(WireCodecTests.message)))
        #expect(String(decoding: event, as: UTF8.self).hasPrefix("{\"type\":\"message\""))
    }

    @Test func everyCharacterThatNeedsEscapingIsEscaped() throws {
        let awkward = (0..<0x20).map { String(UnicodeScalar(UInt8($0))) }.joined() + "\"\\/ é 👋🏽 \u{7F} end"
        let bytes = try StreamingJSONEncoder().encode([awkward, "", "plain"])
        #expect(try JSONDecoder().decode([String].self, from: Data(bytes)) == [awkward, "", "plain"])
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(text.contains("\\n") && text.contains("\\u0000") && text.contains("\\u001f") && text.contains("\\\""))
        #expect(!text.unicodeScalars.contains { $0.value < 0x20 })
    }

    @Test func numbersKeepTheirValue() throws {
        struct Numbers: Codable, Equatable {
            var whole = 30.0
            var half = 0.25
            var tiny = -1.5e-7
            var huge = 1e300
            var lowest = Int64.min
            var highest = UInt64.max
            var small: Int8 = -8
            var single: Float = 0.5
        }
        let bytes = try StreamingJSONEncoder().encode(Numbers())
        #expect(try JSONDecoder().decode(Numbers.self, from: Data(bytes)) == Numbers())
        #expect(String(decoding: bytes, as: UTF8.self).contains("\"whole\":30,"))
        #expect(throws: EncodingError.self) { try StreamingJSONEncoder().encode([Double.nan]) }
        #expect(throws: EncodingError.self) { try StreamingJSONEncoder().encode(["x": -Double.infinity]) }
    }

    /// Nested containers and a super-encoder, filled one after another.
    struct Nested: Encodable {
        func encode(to encoder: any Encoder) throws {
            var outer = encoder.container(keyedBy: WireKey.self)
            var inner = outer.nestedContainer(keyedBy: WireKey.self, forKey: "inner")
            try inner.encode(1, forKey: "a")
            var list = inner.nestedUnkeyedContainer(forKey: "list")
            try list.encode("x")
            try list.encodeNil()
            var deeper = list.nestedContainer(keyedBy: WireKey.self)
            try deeper.encode(true, forKey: "b")
            try outer.encode(Optional<Int>.none, forKey: "none")
            try [2, 3].encode(to: outer.superEncoder(forKey: "super"))
            try outer.encode(Empty(), forKey: "empty")
        }
    }

    struct Empty: Encodable {
        func encode(to encoder: any Encoder) throws {}
    }

    @Test func containersCloseWhenTheirParentGoesOn() throws {
        let bytes = try StreamingJSONEncoder().encode(Nested())
        #expect(String(decoding: bytes, as: UTF8.self)
            == #"{"inner":{"a":1,"list":["x",null,{"b":true}]},"none":null,"super":[2,3],"empty":{}}"#)
    }

    /// Writes into its first nested container after opening a second.
    struct Interleaved: Encodable {
        func encode(to encoder: any Encoder) throws {
            var outer = encoder.container(keyedBy: WireKey.self)
            var first = outer.nestedContainer(keyedBy: WireKey.self, forKey: "first")
            _ = outer.nestedContainer(keyedBy: WireKey.self, forKey: "second")
            try first.encode(1, forKey: "late")
        }
    }

    @Test func writingIntoAFinishedContainerThrows() {
        #expect(throws: EncodingError.self) { try StreamingJSONEncoder().encode(Interleaved()) }
    }

    @Test func foundationsOwnFormsAreLeftToFoundation() {
        #expect(throws: EncodingError.self) { try StreamingJSONEncoder().encode(["bytes": Data([1, 2])]) }
        #expect(throws: EncodingError.self) { try StreamingJSONEncoder().encode([URL(string: "https://example.com")!]) }
    }
}

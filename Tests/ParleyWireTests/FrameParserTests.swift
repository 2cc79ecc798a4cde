import NIOCore
import ParleyDomain
import ParleyWire
import Testing

@Suite struct FrameParserTests {
    let parser = FrameParser(maxFrameBytes: 1024)

    func frames(_ payloads: [String]) -> [UInt8] {
        payloads.flatMap { Array(Frame.encode(kind: .json, payload: Array($0.utf8)).readableBytesView) }
    }

    func drain(_ buffer: inout ByteBuffer) throws -> [String] {
        var out: [String] = []
        while let frame = try parser.nextFrame(from: &buffer) {
            #expect(frame.kind == FrameKind.json.rawValue)
            out.append(String(buffer: frame.payload))
        }
        return out
    }

    @Test func aStreamFedOneByteAtATimeYieldsEachFrameOnce() throws {
        let payloads = ["{\"type\":\"pong\"}", "héllo 🌍 世界", String(repeating: "x", count: 900)]
        var buffer = ByteBuffer()
        var seen: [String] = []
        for byte in frames(payloads) {
            buffer.writeInteger(byte)
            seen += try drain(&buffer)
        }
        #expect(seen == payloads)
        #expect(buffer.readableBytes == 0)
    }

    @Test func ahundredFramesInOneBufferAllComeOutInOrder() throws {
        let payloads = (0..<100).map { "frame \($0)" }
        var buffer = ByteBuffer(bytes: frames(payloads))
        #expect(try drain(&buffer) == payloads)
    }

    @Test func aTruncatedFrameWaitsForTheRest() throws {
        let bytes = frames(["complete", "cut short"])
        var buffer = ByteBuffer(bytes: bytes.dropLast(3))
        #expect(try drain(&buffer) == ["complete"])
        #expect(buffer.readableBytes > 0)
        buffer.writeBytes(bytes.suffix(3))
        #expect(try drain(&buffer) == ["cut short"])
    }

    @Test func aTruncatedHeaderWaitsForTheRest() throws {
        var buffer = ByteBuffer(bytes: [0, 0])
        #expect(try parser.nextFrame(from: &buffer) == nil)
    }

    @Test func aLengthPastTheLimitFailsBeforeThePayloadArrives() {
        var buffer = ByteBuffer()
        buffer.writeInteger(UInt32(1025))
        #expect(throws: FrameError.tooLarge(length: 1025, limit: 1024)) {
            try parser.nextFrame(from: &buffer)
        }
    }

    @Test func aFrameExactlyAtTheLimitPasses() throws {
        var buffer = ByteBuffer(bytes: frames([String(repeating: "a", count: 1023)]))
        #expect(try drain(&buffer).first?.count == 1023)
    }

    @Test func aZeroLengthFrameIsMalformed() {
        var buffer = ByteBuffer(bytes: [0, 0, 0, 0])
        #expect(throws: FrameError.emptyFrame) { try parser.nextFrame(from: &buffer) }
    }

    @Test func garbageBytesAreRefusedNotTrusted() {
        // "GET / HTTP/1.1" read as a length is about 1.2 GB.
        var buffer = ByteBuffer(string: "GET / HTTP/1.1\r\n\r\n")
        #expect(throws: FrameError.self) { try parser.nextFrame(from: &buffer) }
    }
}

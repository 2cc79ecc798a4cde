import Foundation
@testable import parley_fuzz
import ParleyDomain
import ParleyWire
import Testing

/// The committed fuzzing corpora run on every test run, so that an input
/// that once crashed stays fixed: the frame corpus through the parser and
/// decoders, the session corpus through a real session, the IRC corpus
/// through the IRC door's line parser.
@Suite(.serialized) struct FuzzCorpusTests {
    static let fuzz = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../fuzz").standardized

    static func inputs(_ corpus: String) throws -> [(name: String, bytes: Data)] {
        let directory = fuzz.appendingPathComponent(corpus)
        return try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted().map {
            ($0, try Data(contentsOf: directory.appendingPathComponent($0)))
        }
    }

    @Test func theFrameCorpusReplays() throws {
        let inputs = try Self.inputs("corpus")
        #expect(inputs.count > 40)
        for input in inputs { input.bytes.withUnsafeBytes(FuzzInput.run) }
    }

    @Test func theIRCCorpusReplays() throws {
        let inputs = try Self.inputs("irc-corpus")
        #expect(inputs.count >= 10)
        for input in inputs { input.bytes.withUnsafeBytes(IRCFuzz.run) }
    }

    @Test func theSessionCorpusReplaysThroughARealSession() async throws {
        let inputs = try Self.inputs("session-corpus")
        #expect(inputs.count > 40)
        var said: [String: [ServerMessage]] = [:]
        for input in inputs {
            said[input.name] = await SessionFuzz.messages(for: Array(input.bytes))
            #expect(said[input.name]?.first.map { if case .hello = $0 { true } else { false } } == true, "\(input.name): the server's hello first")
        }
        // The harness really drives a session: what each seed asks for happens.
        func has(_ name: String, _ match: (ServerMessage) -> Bool) -> Bool { said[name]?.contains(where: match) == true }
        #expect(has("ungreeted-before-hello") { if case .reply(_, .error(let e)) = $0 { e.code == .helloRequired } else { false } })
        #expect(has("ungreeted-register-login-send") { if case .reply(_, .sent) = $0 { true } else { false } })
        #expect(has("room-life") { if case .reply(_, .room) = $0 { true } else { false } })
        #expect(has("upload-download") { if case .event(.uploadDone) = $0 { true } else { false } })
        #expect(has("upload-download") { if case .reply(_, .downloadReady) = $0 { true } else { false } })
        #expect(has("upload-overflow") { if case .event(.uploadFailed(_, let e)) = $0 { e.code == .transferOverflow } else { false } })
        #expect(has("rate-flood") { if case .reply(_, .error(let e)) = $0 { e.code == .rateLimited } else { false } })
        #expect(has("huge-length") { if case .event(.closing(let e)) = $0 { e.code == .frameTooLarge } else { false } })
    }
}

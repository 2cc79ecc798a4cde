import Foundation
import ParleyIRC
import Testing
@testable import ParleyServer

/// The IRC door's registration, step by step, without a socket.
@Suite struct IRCRegistrationTests {
    func line(_ text: String) -> IRCMessage { try! IRCMessage.parse(Substring(text)) }

    func feed(_ machine: inout IRCRegistration, _ lines: [String]) -> [IRCRegistration.Action] {
        lines.flatMap { machine.receive(line($0)) }
    }

    func plain(_ name: String, _ password: String) -> String {
        Data("\(name)\0\(name)\0\(password)".utf8).base64EncodedString()
    }

    @Test func saslThenCapEndLogsInAsTheProvenAccount() {
        var machine = IRCRegistration()
        var actions = feed(&machine, ["CAP LS 302", "NICK alice", "USER alice 0 * :Alice", "CAP REQ :sasl server-time"])
        #expect(actions.contains { if case .reply("CAP", let p) = $0 { p[1] == "LS" && p[2].contains("sasl=PLAIN") } else { false } })
        #expect(actions.last == .reply("CAP", ["alice", "ACK", "sasl server-time"]))
        // Negotiating: NICK and USER alone do not finish registration.
        #expect(!actions.contains { if case .logIn = $0 { true } else { false } })
        #expect(feed(&machine, ["AUTHENTICATE PLAIN"]) == [.reply("AUTHENTICATE", ["+"])])
        #expect(feed(&machine, ["AUTHENTICATE \(plain("alice", "secret pw"))"]) == [.checkSASL(name: "alice", password: "secret pw")])
        actions = machine.saslSucceeded(account: "alice")
        let numerics: [Numeric?] = actions.map { if case .numeric(let n, _) = $0 { n } else { nil } }
        #expect(numerics == [.loggedIn, .saslSuccess])
        #expect(feed(&machine, ["CAP END"]) == [.logIn(.authenticated(account: "alice", nick: "alice"))])
        #expect(machine.capabilities == [.sasl, .serverTime])
    }

    @Test func aPayloadOfFourHundredBytesWaitsForTheRest() {
        var machine = IRCRegistration()
        _ = feed(&machine, ["CAP REQ sasl", "AUTHENTICATE PLAIN"])
        let payload = plain("alice", String(repeating: "p", count: 400))
        let pieces = stride(from: 0, to: payload.count, by: 400).map { start in
            String(payload.dropFirst(start).prefix(400))
        }
        #expect(pieces.count == 2)
        #expect(feed(&machine, ["AUTHENTICATE \(pieces[0])"]).isEmpty)
        #expect(feed(&machine, ["AUTHENTICATE \(pieces[1])"]) == [.checkSASL(name: "alice", password: String(repeating: "p", count: 400))])
    }

    @Test func capLSGivesValuesOnlyToVersion302() {
        var old = IRCRegistration()
        #expect(feed(&old, ["CAP LS"]).first == .reply("CAP", ["*", "LS", Capability.allCases.map(\.rawValue).joined(separator: " ")]))
        var modern = IRCRegistration()
        let listed = feed(&modern, ["CAP LS 302"])
        #expect(listed.first.map { if case .reply(_, let parameters) = $0 { parameters.last?.contains("sasl=PLAIN") == true } else { false } } == true)
    }

    @Test func saslRefusalsSayWhy() {
        var machine = IRCRegistration()
        // Without asking for the capability first, as irctest's SASL cases do: let through.
        #expect(feed(&machine, ["AUTHENTICATE PLAIN"]) == [.reply("AUTHENTICATE", ["+"])])
        _ = feed(&machine, ["AUTHENTICATE *"])
        _ = feed(&machine, ["CAP REQ :sasl"])
        let mechanisms = feed(&machine, ["AUTHENTICATE EXTERNAL"])
        #expect(mechanisms.first == .numeric(.saslMechanisms, ["PLAIN", "are available SASL mechanisms"]))
        _ = feed(&machine, ["AUTHENTICATE PLAIN"])
        #expect(feed(&machine, ["AUTHENTICATE not-base64!"]).first.map { if case .numeric(.saslFail, _) = $0 { true } else { false } } == true)
        _ = feed(&machine, ["AUTHENTICATE PLAIN"])
        #expect(feed(&machine, ["AUTHENTICATE *"]) == [.numeric(.saslAborted, ["SASL authentication aborted"])])
        _ = feed(&machine, ["AUTHENTICATE PLAIN", "AUTHENTICATE \(plain("alice", "x"))"])
        #expect(machine.saslFailed(because: "wrong password") == [.numeric(.saslFail, ["SASL authentication failed: wrong password"])])
    }

    @Test func passLogsInByTheNickOrByAccountColonPassword() {
        var machine = IRCRegistration()
        #expect(feed(&machine, ["PASS hunter22", "NICK bob", "USER bob 0 * :Bob"]) == [.logIn(.password(name: "bob", password: "hunter22", nick: "bob"))])
        var other = IRCRegistration()
        #expect(feed(&other, ["PASS carol:pass:word", "NICK c", "USER c 0 * c"]) == [.logIn(.password(name: "carol", password: "pass:word", nick: "c"))])
    }

    @Test func withoutSASLOrPASSRegistrationIsRefusedWithTheWayToLogIn() {
        var machine = IRCRegistration()
        let actions = feed(&machine, ["NICK bob", "USER bob 0 * :Bob"])
        #expect(actions.count == 2)
        #expect(actions.first.map { if case .numeric(.passwordMismatch, _) = $0 { true } else { false } } == true)
        #expect(actions.last.map { if case .close(let reason) = $0 { reason.contains("SASL") } else { false } } == true)
    }

    @Test func commandsBeforeRegistrationAndBadNicks() {
        var machine = IRCRegistration()
        #expect(feed(&machine, ["JOIN #lobby"]).first.map { if case .numeric(.notRegistered, _) = $0 { true } else { false } } == true)
        #expect(feed(&machine, ["NICK"]) == [.numeric(.noNicknameGiven, ["No nickname given"])])
        #expect(feed(&machine, ["NICK a,b"]).first.map { if case .numeric(.erroneousNickname, let p) = $0 { p[0] == "a,b" } else { false } } == true)
        #expect(feed(&machine, ["NICK robot"]).first.map { if case .numeric(.erroneousNickname, _) = $0 { true } else { false } } == true)
        #expect(feed(&machine, ["USER x"]) == [.numeric(.needMoreParameters, ["USER", "Not enough parameters"])])
    }

    @Test func unknownCapabilitiesAreRefusedWholeAndTagsAreFixedOnceRegistered() {
        var machine = IRCRegistration()
        #expect(feed(&machine, ["CAP REQ :server-time no-such-cap"]) == [.reply("CAP", ["*", "NAK", "server-time no-such-cap"])])
        #expect(machine.capabilities.isEmpty)
        _ = feed(&machine, ["PASS pw", "NICK bob", "USER bob 0 * b", "CAP END"])
        // After registration: echo-message may change, the tags may not.
        #expect(feed(&machine, ["CAP REQ echo-message"]) == [.reply("CAP", ["bob", "ACK", "echo-message"])])
        #expect(feed(&machine, ["CAP REQ server-time"]) == [.reply("CAP", ["bob", "NAK", "server-time"])])
        #expect(feed(&machine, ["CAP LIST"]) == [.reply("CAP", ["bob", "LIST", "echo-message"])])
    }
}

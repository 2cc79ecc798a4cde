import Foundation
import ParleyDomain
import ParleyIRC

/// An IRC connection's registration as a value: capability negotiation,
/// SASL PLAIN, PASS, NICK and USER, in whatever order clients send them.
/// It takes each line (and the outcome of a SASL check) and returns what
/// to say and do; the session handler does it.
struct IRCRegistration {
    enum Action: Equatable {
        /// A numeric from the server to the client (nick or `*` first).
        case numeric(Numeric, [String])
        /// A line from the server, its command and parameters as given (CAP, AUTHENTICATE).
        case reply(String, [String])
        /// Check a SASL PLAIN login; the outcome comes back through
        /// `saslSucceeded` or `saslFailed`.
        case checkSASL(name: String, password: String)
        /// Registration is complete: log in by the account SASL proved, or
        /// with the PASS password.
        case logIn(Login)
        /// Tell the client why in an ERROR line, then close.
        case close(String)
    }

    enum Login: Equatable {
        /// SASL proved the account; `nick` is what the client asked for.
        case authenticated(account: String, nick: String)
        case password(name: String, password: String, nick: String)
        /// No account: a guest under the nick (the server takes guests).
        case guest(nick: String)
    }

    private enum SASL: Equatable {
        case idle
        case awaitingPayload(String)
        case checking
        case succeeded(account: String)
    }

    private(set) var capabilities: Set<Capability> = []
    private var negotiating = false
    private(set) var nick: String?
    private var userGiven = false
    private var password: String?
    private var sasl = SASL.idle
    private(set) var finished = false
    /// `guests`: a client without SASL or PASS comes in as a guest.
    let guests: Bool

    init(guests: Bool = false) {
        self.guests = guests
    }

    /// SASL PLAIN payloads come in pieces of this many base64 bytes.
    static let saslPieceBytes = 400
    /// An account name, a password of `passwordMaxBytes` and two NULs, in base64.
    static let maxSASLBytes = (ProtocolConstants.nameMaxBytes * 2 + ProtocolConstants.passwordMaxBytes + 2) * 4 / 3 + 4

    var target: String { nick ?? "*" }

    mutating func receive(_ message: IRCMessage) -> [Action] {
        let parameters = message.parameters
        switch message.command {
        case "CAP": return capability(parameters)
        case "AUTHENTICATE": return authenticate(parameters)
        case "PASS":
            guard let given = parameters.first else { return [.numeric(.needMoreParameters, ["PASS", "Not enough parameters"])] }
            password = given
            return []
        case "NICK":
            guard let given = parameters.first, !given.isEmpty else { return [.numeric(.noNicknameGiven, ["No nickname given"])] }
            do throws(DomainError) {
                try NameRules.validate(given)
            } catch {
                return [.numeric(.erroneousNickname, [given, IRCDoorWords.sentence(error)])]
            }
            nick = given
            return completion()
        case "USER":
            guard parameters.count >= 4 else { return [.numeric(.needMoreParameters, ["USER", "Not enough parameters"])] }
            userGiven = true
            return completion()
        default:
            return [.numeric(.notRegistered, ["You have not registered: send NICK and USER (and log in with SASL or PASS)"])]
        }
    }

    // MARK: CAP

    private mutating func capability(_ parameters: [String]) -> [Action] {
        guard let sub = parameters.first?.uppercased() else {
            return [.numeric(.needMoreParameters, ["CAP", "Not enough parameters"])]
        }
        switch sub {
        case "LS":
            negotiating = true
            // Values (sasl=PLAIN) only for clients of version 302 and later, as IRCv3.2 says.
            let withValues = parameters.count > 1 && (Int(parameters[1]) ?? 0) >= 302
            let names = Capability.allCases.map { withValues ? $0.advertised : $0.rawValue }
            return [.reply("CAP", [target, "LS", names.joined(separator: " ")])]
        case "LIST":
            return [.reply("CAP", [target, "LIST", capabilities.map(\.rawValue).sorted().joined(separator: " ")])]
        case "REQ":
            negotiating = true
            let asked = (parameters.count > 1 ? parameters[1] : "").split(separator: " ").map(String.init)
            var granted = capabilities
            for name in asked {
                let removing = name.hasPrefix("-")
                guard let capability = Capability(rawValue: removing ? String(name.dropFirst()) : name) else {
                    return [.reply("CAP", [target, "NAK", asked.joined(separator: " ")])]
                }
                if removing { granted.remove(capability) } else { granted.insert(capability) }
            }
            // A session's tags are fixed once it is registered: its events
            // are encoded with the sessions that asked for the same.
            if finished, TagProfile(granted) != TagProfile(capabilities) {
                return [.reply("CAP", [target, "NAK", asked.joined(separator: " ")])]
            }
            capabilities = granted
            return [.reply("CAP", [target, "ACK", asked.joined(separator: " ")])]
        case "END":
            negotiating = false
            return finished ? [] : completion()
        default:
            return [.numeric(.invalidCapCommand, [sub, "Unknown CAP subcommand: use LS, LIST, REQ or END"])]
        }
    }

    // MARK: SASL

    private mutating func authenticate(_ parameters: [String]) -> [Action] {
        guard let argument = parameters.first else {
            return [.numeric(.needMoreParameters, ["AUTHENTICATE", "Not enough parameters"])]
        }
        if argument == "*" {
            guard sasl != .idle else { return [.numeric(.saslFail, ["SASL authentication failed: none under way"])] }
            if case .succeeded = sasl { return [.numeric(.saslAlready, ["You have already authenticated using SASL"])] }
            sasl = .idle
            return [.numeric(.saslAborted, ["SASL authentication aborted"])]
        }
        switch sasl {
        case .succeeded:
            return [.numeric(.saslAlready, ["You have already authenticated using SASL"])]
        case .checking:
            return [.numeric(.saslFail, ["SASL authentication failed: a check is under way"])]
        case .idle:
            // A client that authenticates without asking for the sasl
            // capability first is let through: what it means is plain.
            guard argument.uppercased() == "PLAIN" else {
                return [.numeric(.saslMechanisms, ["PLAIN", "are available SASL mechanisms"]), .numeric(.saslFail, ["SASL authentication failed"])]
            }
            sasl = .awaitingPayload("")
            return [.reply("AUTHENTICATE", ["+"])]
        case .awaitingPayload(let sofar):
            let payload = sofar + (argument == "+" ? "" : argument)
            guard payload.utf8.count <= Self.maxSASLBytes else {
                sasl = .idle
                return [.numeric(.saslTooLong, ["SASL message too long"])]
            }
            // A piece of exactly 400 bytes says more is coming.
            if argument.utf8.count == Self.saslPieceBytes {
                sasl = .awaitingPayload(payload)
                return []
            }
            guard let data = Data(base64Encoded: payload) else {
                sasl = .idle
                return [.numeric(.saslFail, ["SASL authentication failed: the payload is not base64"])]
            }
            let fields = data.split(separator: 0, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
            guard fields.count == 3, !fields[1].isEmpty else {
                sasl = .idle
                return [.numeric(.saslFail, ["SASL authentication failed: PLAIN takes authzid, authcid and password separated by NUL"])]
            }
            sasl = .checking
            return [.checkSASL(name: fields[1], password: fields[2])]
        }
    }

    mutating func saslSucceeded(account: String) -> [Action] {
        sasl = .succeeded(account: account)
        return [
            .numeric(.loggedIn, [nick.map { IRCNames.mask($0) } ?? "*", account, "You are now logged in as \(account)"]),
            .numeric(.saslSuccess, ["SASL authentication successful"]),
        ] + completion()
    }

    mutating func saslFailed(because reason: String) -> [Action] {
        sasl = .idle
        return [.numeric(.saslFail, ["SASL authentication failed: \(reason)"])]
    }

    // MARK: Completing

    /// Once NICK, USER and the end of negotiation are in (and no SASL check
    /// is under way): log in, or say why not.
    private mutating func completion() -> [Action] {
        guard !finished, let nick, userGiven, !negotiating, sasl != .checking else { return [] }
        if case .awaitingPayload = sasl { return [] }
        finished = true
        if case .succeeded(let account) = sasl { return [.logIn(.authenticated(account: account, nick: nick))] }
        if let password {
            // `PASS account:password`, as bouncers take it, or the nick's own.
            if let colon = password.firstIndex(of: ":"), colon > password.startIndex {
                return [.logIn(.password(name: String(password[..<colon]), password: String(password[password.index(after: colon)...]), nick: nick))]
            }
            return [.logIn(.password(name: nick, password: password, nick: nick))]
        }
        if guests { return [.logIn(.guest(nick: nick))] }
        return [
            .numeric(.passwordMismatch, ["Password required: log in to your Parley account with SASL PLAIN, or PASS"]),
            .close("A Parley account is needed: log in with SASL PLAIN (or PASS) as your account"),
        ]
    }

    /// The login with the password was refused: registration may be tried
    /// again on this connection only by reconnecting.
    mutating func loginFailed() {
        finished = true
    }

    /// The guest's nick is taken (or not allowed): another NICK tries again.
    mutating func guestNickRefused() {
        finished = false
        nick = nil
    }
}

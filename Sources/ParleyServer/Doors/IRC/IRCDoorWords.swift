import Logging
import ParleyDomain
import ParleyIRC
import ParleyStore
import ParleyWire

/// Refusals in the IRC door's words: the numeric of the modern client
/// protocol that says why where there is one, else an IRCv3 standard reply
/// (`FAIL COMMAND CODE`) with Parley's code. The sentence is the one
/// every door shares: it names no client's commands.
enum IRCDoorWords {
    static func sentence(_ error: DomainError) -> String {
        ProtocolError(error).message
    }

    /// What to tell the client whose `command` about `target` failed with
    /// `error`, as parameters after the client's nick (a numeric) or as a
    /// whole FAIL line.
    enum Refusal: Equatable {
        case numeric(Numeric, [String])
        case fail(command: String, code: String, context: [String], text: String)
    }

    static func refusal(_ error: any Error, command: String, target: String?, logger: Logger) -> Refusal {
        guard let domain = error as? DomainError else {
            logger.error("IRC command failed", metadata: ["command": "\(command)", "error": "\(error)"])
            let code: ErrorCode = switch StorageFault(error) {
            case .full?: .storageFull
            case .readOnly?, .failing?, .notADatabase?: .storageUnavailable
            case nil: .serverInternal
            }
            let text = code == .serverInternal
                ? "The server could not do that because of an internal error; it has been logged."
                : ProtocolError(code == .storageFull ? .storageFull : .storageUnavailable).message
            return .fail(command: command, code: standardCode(code), context: [], text: text)
        }
        let text = sentence(domain)
        let target = target ?? "*"
        switch domain {
        case .roomNotFound: return .numeric(.noSuchChannel, [target, text])
        case .noSuchUser: return .numeric(.noSuchNick, [target, text])
        case .notMember:
            return command == "PRIVMSG" || command == "NOTICE"
                ? .numeric(.cannotSendToChannel, [target, text]) : .numeric(.notOnChannel, [target, text])
        case .notFriends, .blockedBy, .blocking: return .numeric(.cannotSendToUser, [target, text])
        case .tooManyRooms: return .numeric(.tooManyChannels, [target, text])
        case .topicForbidden: return .numeric(.channelOperatorPrivilegesNeeded, [target, text])
        case .messageEmpty: return .numeric(.noTextToSend, [text])
        case .badPassword, .tokenInvalid: return .numeric(.passwordMismatch, [text])
        default:
            return .fail(command: command, code: standardCode(domain.code), context: target == "*" ? [] : [target], text: text)
        }
    }

    /// `room.not_found` as a standard reply's code: `ROOM_NOT_FOUND`.
    static func standardCode(_ code: ErrorCode) -> String {
        code.rawValue.uppercased().map { $0 == "." ? "_" : $0 }.reduce(into: "") { $0.append($1) }
    }
}

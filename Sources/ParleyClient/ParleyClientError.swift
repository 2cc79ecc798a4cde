import NIOCore
import NIOPosix
import ParleyDomain
import ParleyWire

public enum ParleyClientError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The connection could not be made; `reason` says why and what to try.
    case cannotConnect(address: String, reason: String)
    /// The server answered the request with an error.
    case rejected(ProtocolError)
    /// The connection ended; `reason` is the server's when it gave one.
    case disconnected(reason: String)
    /// The server said something this client does not understand.
    case incompatibleServer(String)
    /// A file on this machine could not be read or written.
    case localFile(String)
    /// The server's certificate was refused; the sentence says what to check.
    case untrusted(server: String, ServerTrust.Refusal)

    /// The server could not be reached or the connection broke: trying
    /// again later may work, unlike after a refusal.
    public var isConnectionFailure: Bool {
        switch self {
        case .cannotConnect, .disconnected: true
        default: false
        }
    }

    public var description: String {
        switch self {
        case .cannotConnect(let address, let reason): "cannot connect to \(address): \(reason)"
        case .rejected(let error): error.message
        case .disconnected(let reason): "disconnected: \(reason)"
        case .incompatibleServer(let detail): "the server speaks another protocol: \(detail)"
        case .localFile(let sentence): sentence
        case .untrusted(let server, let refusal): refusal.sentence(server: server)
        }
    }

    /// The server's error code, when the server refused.
    public var code: ErrorCode? {
        if case .rejected(let error) = self { return error.code }
        return nil
    }

    static func connectFailure(host: String, port: Int, _ error: any Error) -> ParleyClientError {
        let address = "\(host):\(port)"
        let errno: CInt? = switch error {
        case let io as IOError: io.errnoCode
        case let connection as NIOConnectionError:
            connection.connectionErrors.compactMap { ($0.error as? IOError)?.errnoCode }.first
        default: nil
        }
        let reason = switch errno {
        case ECONNREFUSED?: "connection refused — is parley-server running?"
        case ENETUNREACH?, EHOSTUNREACH?: "network unreachable — check the address."
        default:
            if error is ChannelError, case .connectTimeout = error as! ChannelError {
                "timed out — is the address right and the server reachable?"
            } else if let connection = error as? NIOConnectionError, connection.dnsAError != nil || connection.dnsAAAAError != nil,
                      connection.connectionErrors.isEmpty {
                "cannot resolve the host name — check --server."
            } else {
                "\(error)"
            }
        }
        return .cannotConnect(address: address, reason: reason)
    }
}

extension ServerTrust.Refusal {
    func sentence(server: String) -> String {
        switch self {
        case .unknown(let presented):
            """
            \(server) presents a certificate that no authority this machine trusts has signed; its fingerprint is
              \(presented)
            Ask the server's operator for what `parley-server fingerprint` prints there. If it is the same, \
            run again with --trust-fingerprint \(presented) (it is then remembered).
            """
        case .changed(let pinned, let presented, let file):
            """
            THE CERTIFICATE OF \(server) HAS CHANGED — not connecting.
              trusted until now: \(pinned)
              presented now:     \(presented)
            Someone may be intercepting the connection, or the server has a new certificate. Ask its operator; \
            if the new fingerprint is right, remove the line for \(server) from \(file), or run with --trust-fingerprint.
            """
        case .notTheOneGiven(let given, let presented):
            "\(server) presents the certificate \(presented), not the \(given) given with --trust-fingerprint; not connecting."
        case .unreadable(let reason):
            "cannot check the certificate of \(server): \(reason)"
        }
    }
}

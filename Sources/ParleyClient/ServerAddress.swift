/// Where to connect and as whom.
public struct ServerAddress: Hashable, Sendable, CustomStringConvertible {
    public var host: String
    public var port: Int
    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// "HOST:PORT", "HOST" (port 7070) or "[::1]:PORT".
    public init?(_ text: String) {
        var host = Substring(text)
        var port = 7070
        if text.hasPrefix("["), let close = text.firstIndex(of: "]") {
            host = text[text.index(after: text.startIndex)..<close]
            let rest = text[text.index(after: close)...]
            if rest.hasPrefix(":") {
                guard let p = Int(rest.dropFirst()) else { return nil }
                port = p
            } else if !rest.isEmpty { return nil }
        } else if let colon = text.lastIndex(of: ":") {
            guard let p = Int(text[text.index(after: colon)...]) else { return nil }
            host = text[..<colon]
            port = p
        }
        guard !host.isEmpty, (1...65535).contains(port) else { return nil }
        self.host = String(host)
        self.port = port
    }

    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }

    /// The host when it is a name, not an address: what TLS sends as the
    /// server's name and checks a certificate's names against.
    var hostName: String? {
        host.contains(":") || host.allSatisfy({ $0.isNumber || $0 == "." }) ? nil : host
    }
}

extension ServerAddress {

    /// What to tell a person about a failed login or connection.
    public func sentence(for error: any Error) -> String {
        guard let error = error as? ParleyClientError else { return "\(error)" }
        switch error.code {
        case .authBadPassword?:
            return "Wrong name or password on \(self). New here? Press Ctrl+R to register."
        case .nameTaken?:
            return "That name is taken; choose another."
        default:
            return error.description
        }
    }
}

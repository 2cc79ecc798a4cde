import NIOCore
import ParleyProtocol
import Synchronization

/// An event encoded once for every recipient that speaks the same wire
/// format: the bytes are shared, never copied per connection.
public struct OutboundEvent: Sendable {
    public let event: Event
    public let frame: ByteBuffer
}

/// Where the hub delivers to: one logged-in connection, whatever its codec.
public protocol SessionSink: AnyObject, Sendable {
    func deliver(_ event: OutboundEvent)
    func close(because error: ProtocolError)
}

/// The single owner of who is online. Presence changes and every fan-out
/// go through it; it knows domain events, not the wire format, which comes
/// in as the `encode` function.
public final class Hub: Sendable {
    public enum AttachOutcome: Sendable {
        /// `replaced`: the user was online elsewhere and moved here.
        case attached(online: [String], replaced: Bool)
        case alreadyOnline
    }

    private struct Entry {
        let name: String
        let sink: any SessionSink
    }

    private let online = Mutex<[String: Entry]>([:])
    private let encode: @Sendable (Event) -> ByteBuffer

    public init(encode: @escaping @Sendable (Event) -> ByteBuffer) {
        self.encode = encode
    }

    /// Marks a user online through `sink`. With `takeOver`, a session the
    /// user already has is told why and closed; the user never appears to
    /// leave, so nobody else hears about it.
    public func attach(_ sink: any SessionSink, name: String, key: String, takeOver: Bool) -> AttachOutcome {
        let (replaced, names): ((any SessionSink)?, [String]?) = online.withLock { online in
            let previous = online[key]?.sink
            if previous != nil && !takeOver { return (nil, nil) }
            online[key] = Entry(name: name, sink: sink)
            return (previous, online.values.map(\.name))
        }
        guard let names else { return .alreadyOnline }
        if let replaced {
            replaced.close(because: ProtocolError(.sessionReplaced, "You logged in elsewhere; this session is closed."))
        } else {
            publish(.joined(conversation: .lobby, user: name), excluding: sink)
        }
        return .attached(online: names.sorted { $0.lowercased() < $1.lowercased() }, replaced: replaced != nil)
    }

    /// Marks a user offline unless another session has taken over since;
    /// true when the user did go offline.
    @discardableResult
    public func detach(_ sink: any SessionSink, key: String, reason: String) -> Bool {
        let name: String? = online.withLock { online in
            guard let entry = online[key], entry.sink === sink else { return nil }
            online[key] = nil
            return entry.name
        }
        if let name {
            publish(.left(conversation: .lobby, user: name, reason: reason))
        }
        return name != nil
    }

    public func isOnline(key: String) -> Bool {
        online.withLock { $0[key] != nil }
    }

    /// Encodes `event` once and hands it to those of `keys` who are online.
    public func deliver(_ event: Event, to keys: [String]) {
        let sinks = online.withLock { online in keys.compactMap { online[$0]?.sink } }
        guard !sinks.isEmpty else { return }
        let outbound = OutboundEvent(event: event, frame: encode(event))
        for sink in sinks {
            sink.deliver(outbound)
        }
    }

    public func onlineNames() -> [String] {
        online.withLock { $0.values.map(\.name) }
    }

    /// Encodes `event` once and hands the same bytes to every online session.
    public func publish(_ event: Event, excluding: (any SessionSink)? = nil) {
        let outbound = OutboundEvent(event: event, frame: encode(event))
        let sinks = online.withLock { $0.values.map(\.sink) }
        for sink in sinks where sink !== excluding {
            sink.deliver(outbound)
        }
    }
}

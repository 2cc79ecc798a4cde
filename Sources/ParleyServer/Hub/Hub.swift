import NIOCore
import ParleyProtocol
import ParleyStore
import Synchronization

/// An event encoded once for every recipient that speaks the same wire
/// format: the bytes are shared, never copied per connection.
public struct OutboundEvent: Sendable {
    public let event: Event
    public let frame: ByteBuffer
    /// A private message stored as waiting for its recipient: a session
    /// that gets it while logging in adds it to the welcome's `away` (which
    /// the client acknowledges); one already logged in marks it delivered.
    public var waiting = false
}

/// Where the hub delivers to: one logged-in connection, whatever its codec.
public protocol SessionSink: AnyObject, Sendable {
    /// The loop the session lives on; `deliver` is called there.
    var eventLoop: any EventLoop { get }
    func deliver(_ event: OutboundEvent)
    func close(because error: ProtocolError)
}

/// The single owner of who is online and in which rooms. Presence changes
/// and every fan-out go through it; it knows domain events, not the wire
/// format, which comes in as the `encode` function.
public final class Hub: Sendable {
    public enum AttachOutcome: Sendable {
        /// `replaced`: the user was online elsewhere and moved here.
        case attached(replaced: Bool)
        case alreadyOnline
    }

    private struct Session {
        let name: String
        let sink: any SessionSink
        /// The user's rooms by name key, so that posting needs no lookup.
        var rooms: [String: StoredRoom]
    }

    /// The sessions of one event loop, handed an event in one task.
    private struct LoopGroup {
        let loop: any EventLoop
        var sinks: [any SessionSink]
    }

    private struct State {
        var sessions: [String: Session] = [:]
        /// Online members of each room, by user key.
        var present: [Int64: Set<String>] = [:]
        /// Each room's online sessions grouped by loop, kept between
        /// changes of presence: a message to a room then costs no lookup
        /// per member.
        var groups: [Int64: [LoopGroup]] = [:]

        mutating func enter(_ key: String, _ room: StoredRoom) {
            present[room.id, default: []].insert(key)
            groups[room.id] = nil
            sessions[key]?.rooms[NameRules.key(for: room.name)] = room
        }

        mutating func leave(_ key: String, _ room: StoredRoom) {
            present[room.id]?.remove(key)
            if present[room.id]?.isEmpty == true { present[room.id] = nil }
            groups[room.id] = nil
            sessions[key]?.rooms[NameRules.key(for: room.name)] = nil
        }

        mutating func groups(in room: Int64) -> [LoopGroup] {
            if let cached = groups[room] { return cached }
            let grouped = Hub.group(sinks(in: room, excluding: nil))
            groups[room] = grouped
            return grouped
        }

        func sinks(in room: Int64, excluding: String?) -> [any SessionSink] {
            (present[room] ?? []).compactMap { $0 == excluding ? nil : sessions[$0]?.sink }
        }
    }

    private let state = Mutex(State())
    private let encode: @Sendable (Event) -> ByteBuffer
    /// Past this many online members, a room hears nobody come and go.
    private let presenceLimit: Int

    public init(presenceLimit: Int = .max, encode: @escaping @Sendable (Event) -> ByteBuffer) {
        self.presenceLimit = presenceLimit
        self.encode = encode
    }

    /// Marks a user online through `sink`, present in `rooms`. With
    /// `takeOver`, a session the user already has is told why and closed;
    /// the user never appears to leave, so nobody else hears about it.
    public func attach(_ sink: any SessionSink, name: String, key: String, rooms: [StoredRoom], takeOver: Bool) -> AttachOutcome {
        let outcome: (replaced: (any SessionSink)?, attached: Bool) = state.withLock { state in
            let previous = state.sessions[key]
            if previous != nil && !takeOver { return (nil, false) }
            if let previous {
                for room in previous.rooms.values { state.leave(key, room) }
            }
            state.sessions[key] = Session(name: name, sink: sink, rooms: [:])
            for room in rooms { state.enter(key, room) }
            return (previous?.sink, true)
        }
        guard outcome.attached else { return .alreadyOnline }
        if let replaced = outcome.replaced {
            replaced.close(because: ProtocolError(.sessionReplaced, "You logged in elsewhere; this session is closed."))
        } else {
            for room in rooms {
                announcePresence(.joined(conversation: room.conversation, user: name, newMember: false), in: room.id, excluding: key)
            }
        }
        return .attached(replaced: outcome.replaced != nil)
    }

    /// Marks a user offline unless another session has taken over since;
    /// true when the user did go offline.
    @discardableResult
    public func detach(_ sink: any SessionSink, key: String, reason: String) -> Bool {
        let gone: Session? = state.withLock { state in
            guard let session = state.sessions[key], session.sink === sink else { return nil }
            for room in session.rooms.values { state.leave(key, room) }
            state.sessions[key] = nil
            return session
        }
        guard let gone else { return false }
        for room in gone.rooms.values {
            announcePresence(.left(conversation: room.conversation, user: gone.name, reason: reason, stillMember: true), in: room.id)
        }
        return true
    }

    private func announcePresence(_ event: Event, in room: Int64, excluding key: String? = nil) {
        let sinks: [any SessionSink] = state.withLock { state in
            guard (state.present[room]?.count ?? 0) <= presenceLimit else { return [] }
            return state.sinks(in: room, excluding: key)
        }
        hand(event, to: sinks)
    }

    /// An online user joined `room`; its other online members hear it.
    public func enter(_ room: StoredRoom, key: String, name: String) {
        state.withLock { $0.enter(key, room) }
        publish(.joined(conversation: room.conversation, user: name, newMember: true), in: room.id, excluding: key)
    }

    /// An online user left `room`; its remaining online members hear it.
    public func leave(_ room: StoredRoom, key: String, name: String) {
        state.withLock { $0.leave(key, room) }
        publish(.left(conversation: room.conversation, user: name, reason: "left the room", stillMember: false), in: room.id)
    }

    /// The room called `roomKey` if the online user `key` is in it: the
    /// fast path of posting, with no database read.
    public func room(_ roomKey: String, of key: String) -> StoredRoom? {
        state.withLock { $0.sessions[key]?.rooms[roomKey] }
    }

    /// The rooms an online user is in.
    public func rooms(of key: String) -> [StoredRoom] {
        state.withLock { $0.sessions[key].map { Array($0.rooms.values) } ?? [] }
    }

    public func isOnline(key: String) -> Bool {
        state.withLock { $0.sessions[key] != nil }
    }

    /// Names of the online members of a room.
    public func onlineNames(in room: Int64) -> [String] {
        state.withLock { state in (state.present[room] ?? []).compactMap { state.sessions[$0]?.name } }
    }

    public func onlineCount(in room: Int64) -> Int {
        state.withLock { $0.present[room]?.count ?? 0 }
    }

    /// Encodes `event` once and hands it to those of `keys` who are online.
    public func deliver(_ event: Event, to keys: [String], waiting: Bool = false) {
        let sinks = state.withLock { state in keys.compactMap { state.sessions[$0]?.sink } }
        hand(event, to: Self.group(sinks), waiting: waiting)
    }

    /// Encodes `event` once and hands the same bytes to every online member
    /// of a room.
    public func publish(_ event: Event, in room: Int64, excluding key: String? = nil) {
        if let key {
            hand(event, to: state.withLock { $0.sinks(in: room, excluding: key) })
        } else {
            hand(event, to: state.withLock { $0.groups(in: room) })
        }
    }

    private func hand(_ event: Event, to sinks: [any SessionSink]) {
        hand(event, to: Self.group(sinks))
    }

    /// One hop per event loop, not one per recipient: the sessions of a
    /// loop get the event in one task.
    private func hand(_ event: Event, to groups: [LoopGroup], waiting: Bool = false) {
        guard !groups.isEmpty else { return }
        let outbound = OutboundEvent(event: event, frame: encode(event), waiting: waiting)
        for group in groups {
            let sinks = group.sinks
            if group.loop.inEventLoop {
                for sink in sinks { sink.deliver(outbound) }
            } else {
                group.loop.execute { for sink in sinks { sink.deliver(outbound) } }
            }
        }
    }

    private static func group(_ sinks: [any SessionSink]) -> [LoopGroup] {
        var byLoop: [ObjectIdentifier: LoopGroup] = [:]
        for sink in sinks {
            byLoop[ObjectIdentifier(sink.eventLoop), default: LoopGroup(loop: sink.eventLoop, sinks: [])].sinks.append(sink)
        }
        return Array(byLoop.values)
    }
}

import NIOCore
import ParleyDomain
import ParleyStore
import Synchronization

/// A wire format that a front door speaks: how an event becomes the bytes
/// its sessions write. The hub encodes each event once per format among
/// its recipients; the format's identity is the object's.
public final class EventFormat: Sendable {
    public let name: String
    let encode: @Sendable (ChatEvent) -> ByteBuffer

    public init(name: String, encode: @escaping @Sendable (ChatEvent) -> ByteBuffer) {
        self.name = name
        self.encode = encode
    }
}

/// An event encoded once for every recipient that speaks the same wire
/// format: the bytes are shared, never copied per connection.
public struct OutboundEvent: Sendable {
    public let event: ChatEvent
    public let bytes: ByteBuffer
    /// A private message stored as waiting for its recipient: a session
    /// that gets it while logging in adds it to the welcome's `away` (which
    /// the client acknowledges); one already logged in marks it delivered.
    public var waiting = false
}

/// Where the hub delivers to: one logged-in connection, whatever its door.
public protocol SessionSink: AnyObject, Sendable {
    /// The loop the session lives on; `deliver` is called there.
    var eventLoop: any EventLoop { get }
    /// The wire format the session writes.
    var format: EventFormat { get }
    func deliver(_ event: OutboundEvent)
    func close(because error: DomainError)
}

/// The single owner of who is online and in which rooms. Presence changes
/// and every fan-out go through it; it knows domain events, and encodes
/// each once per wire format among its recipients (`EventFormat`).
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
        var rooms: [String: StoredConversation]
    }

    /// The sessions of one event loop that speak one format, handed an
    /// event in one task.
    private struct LoopGroup {
        let loop: any EventLoop
        let format: EventFormat
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

        mutating func join(_ key: String, _ room: StoredConversation) {
            present[room.id, default: []].insert(key)
            groups[room.id] = nil
            sessions[key]?.rooms[NameRules.key(for: room.name)] = room
        }

        mutating func leave(_ key: String, _ room: StoredConversation) {
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
    /// Past this many online members, a room hears nobody come and go.
    private let presenceLimit: Int

    public init(presenceLimit: Int = .max) {
        self.presenceLimit = presenceLimit
    }

    /// Marks a user online through `sink`, present in `rooms`. With
    /// `takeOver`, a session the user already has is told why and closed;
    /// the user never appears to leave, so nobody else hears about it.
    public func attach(_ sink: any SessionSink, name: String, key: String, rooms: [StoredConversation], takeOver: Bool) -> AttachOutcome {
        let outcome: (replaced: (any SessionSink)?, attached: Bool) = state.withLock { state in
            let previous = state.sessions[key]
            if previous != nil && !takeOver { return (nil, false) }
            if let previous {
                for room in previous.rooms.values { state.leave(key, room) }
            }
            state.sessions[key] = Session(name: name, sink: sink, rooms: [:])
            for room in rooms { state.join(key, room) }
            return (previous?.sink, true)
        }
        guard outcome.attached else { return .alreadyOnline }
        if let replaced = outcome.replaced {
            replaced.close(because: .sessionReplaced)
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
    public func detach(_ sink: any SessionSink, key: String, reason: Departure) -> Bool {
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

    private func announcePresence(_ event: ChatEvent, in room: Int64, excluding key: String? = nil) {
        let sinks: [any SessionSink] = state.withLock { state in
            guard (state.present[room]?.count ?? 0) <= presenceLimit else { return [] }
            return state.sinks(in: room, excluding: key)
        }
        hand(event, to: sinks)
    }

    /// An online user joined `room`; its other online members hear it.
    public func join(_ room: StoredConversation, key: String, name: String) {
        state.withLock { $0.join(key, room) }
        publish(.joined(conversation: room.conversation, user: name, newMember: true), in: room.id, excluding: key)
    }

    /// An online user left `room`; its remaining online members hear it.
    public func leave(_ room: StoredConversation, key: String, name: String) {
        state.withLock { $0.leave(key, room) }
        publish(.left(conversation: room.conversation, user: name, reason: .leftRoom, stillMember: false), in: room.id)
    }

    /// The room called `roomKey` if the online user `key` is in it: the
    /// fast path of posting, with no database read.
    public func room(_ roomKey: String, of key: String) -> StoredConversation? {
        state.withLock { $0.sessions[key]?.rooms[roomKey] }
    }

    /// The rooms an online user is in.
    public func rooms(of key: String) -> [StoredConversation] {
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
    public func deliver(_ event: ChatEvent, to keys: [String], waiting: Bool = false) {
        let sinks = state.withLock { state in keys.compactMap { state.sessions[$0]?.sink } }
        hand(event, to: Self.group(sinks), waiting: waiting)
    }

    /// Encodes `event` once and hands the same bytes to every online member
    /// of a room.
    public func publish(_ event: ChatEvent, in room: Int64, excluding key: String? = nil) {
        if let key {
            hand(event, to: state.withLock { $0.sinks(in: room, excluding: key) })
        } else {
            hand(event, to: state.withLock { $0.groups(in: room) })
        }
    }

    private func hand(_ event: ChatEvent, to sinks: [any SessionSink]) {
        hand(event, to: Self.group(sinks))
    }

    /// One hop per event loop, not one per recipient: the sessions of a
    /// loop get the event in one task. One encoding per format: a room
    /// whose members all use one door encodes the event once.
    private func hand(_ event: ChatEvent, to groups: [LoopGroup], waiting: Bool = false) {
        guard !groups.isEmpty else { return }
        var encoded: [(format: EventFormat, event: OutboundEvent)] = []
        for group in groups {
            let outbound: OutboundEvent
            if let done = encoded.first(where: { $0.format === group.format }) {
                outbound = done.event
            } else {
                outbound = OutboundEvent(event: event, bytes: group.format.encode(event), waiting: waiting)
                encoded.append((group.format, outbound))
            }
            let sinks = group.sinks
            if group.loop.inEventLoop {
                for sink in sinks { sink.deliver(outbound) }
            } else {
                group.loop.execute { for sink in sinks { sink.deliver(outbound) } }
            }
        }
    }

    private static func group(_ sinks: [any SessionSink]) -> [LoopGroup] {
        struct Key: Hashable {
            let loop, format: ObjectIdentifier
        }
        var byLoop: [Key: LoopGroup] = [:]
        for sink in sinks {
            let format = sink.format
            byLoop[Key(loop: ObjectIdentifier(sink.eventLoop), format: ObjectIdentifier(format)), default: LoopGroup(loop: sink.eventLoop, format: format, sinks: [])]
                .sinks.append(sink)
        }
        return Array(byLoop.values)
    }
}

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
    public enum AttachOutcome: Sendable, Equatable {
        /// `cameOnline`: the user was not online before (no interactive
        /// session), and the user's rooms heard of the arrival.
        case attached(cameOnline: Bool)
        /// The user has `max` sessions already and did not take over.
        case tooManySessions(max: Int)
    }

    private struct Session {
        let sink: any SessionSink
        /// A script's session: it gets every event, but its arrival and
        /// departure are nobody's business and it does not make the user
        /// online.
        let quiet: Bool
    }

    /// A user with at least one session, interactive or quiet.
    private struct User {
        let name: String
        /// A guest's one session: marked as a guest wherever it is seen.
        let guest: Bool
        var sessions: [Session]
        /// The user's rooms by name key, so that posting needs no lookup.
        var rooms: [String: StoredConversation] = [:]
        /// Why the user is away, while they say so; gone with their last session.
        var away: String?

        /// Online, as others see it: some session has a person behind it.
        var online: Bool { sessions.contains { !$0.quiet } }
    }

    /// The sessions of one event loop that speak one format, handed an
    /// event in one task.
    private struct LoopGroup {
        let loop: any EventLoop
        let format: EventFormat
        var sinks: [any SessionSink]
    }

    private struct State {
        var users: [String: User] = [:]
        /// The members of each room with a session, by user key.
        var present: [Int64: Set<String>] = [:]
        /// Each room's sessions grouped by loop, kept between changes of
        /// presence: a message to a room then costs no lookup per member.
        var groups: [Int64: [LoopGroup]] = [:]

        mutating func join(_ key: String, _ room: StoredConversation) {
            present[room.id, default: []].insert(key)
            groups[room.id] = nil
            users[key]?.rooms[NameRules.key(for: room.name)] = room
        }

        mutating func leave(_ key: String, _ room: StoredConversation) {
            present[room.id]?.remove(key)
            if present[room.id]?.isEmpty == true { present[room.id] = nil }
            groups[room.id] = nil
            users[key]?.rooms[NameRules.key(for: room.name)] = nil
        }

        /// A session of `key` came or went: the rooms' groups are stale.
        mutating func sessionsChanged(of key: String) {
            guard let rooms = users[key]?.rooms.values else { return }
            for room in rooms { groups[room.id] = nil }
        }

        mutating func groups(in room: Int64) -> [LoopGroup] {
            if let cached = groups[room] { return cached }
            let grouped = Hub.group(sinks(in: room, excluding: nil))
            groups[room] = grouped
            return grouped
        }

        func sinks(in room: Int64, excluding: String?) -> [any SessionSink] {
            (present[room] ?? []).flatMap { key in
                key == excluding ? [] : (users[key]?.sessions ?? []).map(\.sink)
            }
        }

        func onlineKeys(in room: Int64) -> [String] {
            (present[room] ?? []).filter { users[$0]?.online == true }
        }
    }

    private let state = Mutex(State())
    /// Past this many online members, a room hears nobody come and go.
    private let presenceLimit: Int
    /// `max_sessions_per_user`: places one account may be logged in at once.
    public let maxSessionsPerUser: Int

    public init(presenceLimit: Int = .max, maxSessionsPerUser: Int = 10) {
        self.presenceLimit = presenceLimit
        self.maxSessionsPerUser = maxSessionsPerUser
    }

    /// Adds a session of a user, present in `rooms`. Past
    /// `maxSessionsPerUser` it is refused, unless it takes over: then
    /// every other session of the user is told why and closed. A user who
    /// stays online throughout never appears to leave or arrive.
    public func attach(
        _ sink: any SessionSink, name: String, key: String, guest: Bool = false,
        rooms: [StoredConversation], quiet: Bool, takeOver: Bool
    ) -> AttachOutcome {
        let max = maxSessionsPerUser
        let outcome: (replaced: [any SessionSink], wasOnline: Bool, attached: Bool) = state.withLock { state in
            var user = state.users[key] ?? User(name: name, guest: guest, sessions: [])
            let wasOnline = user.online
            var replaced: [any SessionSink] = []
            if takeOver {
                replaced = user.sessions.map(\.sink)
                user.sessions = []
            } else if user.sessions.count >= max {
                return ([], wasOnline, false)
            }
            user.sessions.append(Session(sink: sink, quiet: quiet))
            state.users[key] = user
            for room in rooms { state.join(key, room) }
            state.sessionsChanged(of: key)
            return (replaced, wasOnline, true)
        }
        guard outcome.attached else { return .tooManySessions(max: max) }
        for replaced in outcome.replaced { replaced.close(because: .sessionReplaced) }
        let cameOnline = !quiet && !outcome.wasOnline
        if cameOnline {
            for room in rooms {
                announcePresence(
                    .joined(conversation: room.conversation, user: name, newMember: false, guest: guest), in: room.id, excluding: key
                )
            }
        }
        if quiet && outcome.wasOnline && !outcome.replaced.isEmpty {
            // A quiet session took over every interactive one: the user is gone.
            announceDeparture(of: name, from: rooms, reason: .replaced)
        }
        return .attached(cameOnline: cameOnline)
    }

    /// Takes a session out; true when that took the user offline (it was
    /// the last interactive session), and the user's rooms heard so.
    @discardableResult
    public func detach(_ sink: any SessionSink, key: String, reason: Departure) -> Bool {
        let gone: User? = state.withLock { state in
            guard var user = state.users[key], let index = user.sessions.firstIndex(where: { $0.sink === sink }) else {
                return nil
            }
            let wasOnline = user.online
            state.sessionsChanged(of: key)
            user.sessions.remove(at: index)
            state.users[key] = user
            if user.sessions.isEmpty {
                for room in user.rooms.values { state.leave(key, room) }
                state.users[key] = nil
            }
            return wasOnline && !user.online ? user : nil
        }
        guard let gone else { return false }
        announceDeparture(of: gone.name, from: Array(gone.rooms.values), reason: reason)
        return true
    }

    private func announceDeparture(of name: String, from rooms: [StoredConversation], reason: Departure) {
        for room in rooms {
            announcePresence(.left(conversation: room.conversation, user: name, reason: reason, stillMember: true), in: room.id)
        }
    }

    private func announcePresence(_ event: ChatEvent, in room: Int64, excluding key: String? = nil) {
        let sinks: [any SessionSink] = state.withLock { state in
            guard (state.present[room]?.count ?? 0) <= presenceLimit else { return [] }
            return state.sinks(in: room, excluding: key)
        }
        hand(event, to: sinks)
    }

    /// A user joined `room`; its members hear it, every session of the
    /// user's too (one elsewhere learns of the room so).
    public func join(_ room: StoredConversation, key: String, name: String) {
        let guest = state.withLock { state in
            state.join(key, room)
            return state.users[key]?.guest ?? false
        }
        publish(.joined(conversation: room.conversation, user: name, newMember: true, guest: guest), in: room.id)
    }

    /// A user left `room`; its remaining members hear it, and every
    /// session of the user.
    public func leave(_ room: StoredConversation, key: String, name: String) {
        state.withLock { $0.leave(key, room) }
        let left = ChatEvent.left(conversation: room.conversation, user: name, reason: .leftRoom, stillMember: false)
        publish(left, in: room.id)
        deliver(left, to: [key])
    }

    /// The room called `roomKey` if the user `key`, with a session here,
    /// is in it: the fast path of posting, with no database read.
    public func room(_ roomKey: String, of key: String) -> StoredConversation? {
        state.withLock { $0.users[key]?.rooms[roomKey] }
    }

    /// The rooms of a user with a session here.
    public func rooms(of key: String) -> [StoredConversation] {
        state.withLock { $0.users[key].map { Array($0.rooms.values) } ?? [] }
    }

    /// Online as people see it: some interactive session is logged in.
    public func isOnline(key: String) -> Bool {
        state.withLock { $0.users[key]?.online == true }
    }

    /// The name of a user with a session here, as they spell it.
    public func name(of key: String) -> String? {
        state.withLock { $0.users[key]?.name }
    }

    /// Marks a user with a session here as away with `text`, or back with
    /// nil; everyone in the user's rooms hears it once, however many rooms
    /// they share.
    public func setAway(_ text: String?, key: String, name: String) {
        let sinks: [any SessionSink] = state.withLock { state in
            guard state.users[key] != nil else { return [] }
            state.users[key]!.away = text
            var seen = Set<ObjectIdentifier>()
            return state.users[key]!.rooms.values.flatMap { state.sinks(in: $0.id, excluding: nil) }
                .filter { seen.insert(ObjectIdentifier($0)).inserted }
        }
        hand(.away(user: name, text: text), to: sinks)
    }

    /// Why the user is away; nil when not away (or not here).
    public func awayText(of key: String) -> String? {
        state.withLock { $0.users[key]?.away }
    }

    /// How many sessions the user has, interactive and quiet.
    public func sessionCount(of key: String) -> Int {
        state.withLock { $0.users[key]?.sessions.count ?? 0 }
    }

    /// Names of the online members of a room.
    public func onlineNames(in room: Int64) -> [String] {
        state.withLock { state in state.onlineKeys(in: room).compactMap { state.users[$0]?.name } }
    }

    /// The online members of a room, guests marked.
    public func onlineMembers(in room: Int64) -> [Member] {
        state.withLock { state in
            state.onlineKeys(in: room).compactMap { key in
                state.users[key].map { Member(name: $0.name, online: true, guest: $0.guest) }
            }
        }
    }

    /// Whether the user with a session here is a guest.
    public func isGuest(key: String) -> Bool {
        state.withLock { $0.users[key]?.guest == true }
    }

    public func onlineCount(in room: Int64) -> Int {
        state.withLock { $0.onlineKeys(in: room).count }
    }

    /// Encodes `event` once and hands it to every session of each of `keys`.
    public func deliver(_ event: ChatEvent, to keys: [String], waiting: Bool = false) {
        let sinks = state.withLock { state in keys.flatMap { (state.users[$0]?.sessions ?? []).map(\.sink) } }
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

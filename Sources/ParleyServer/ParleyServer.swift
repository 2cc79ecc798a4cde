import Foundation
import Logging
import NIOCore
import NIOExtras
import NIOPosix
import ParleyDomain
import ParleyIRC
import ParleyWire
import ParleyPostgres
import ParleyStore
import ParleyTLS
import Synchronization

public struct ServerStartError: Error, CustomStringConvertible, Sendable {
    public let message: String
    public var description: String { message }
}

/// A running Parley server: listening, with its store open.
public final class ParleyServer: Sendable {
    public let configuration: ServerConfiguration
    /// The bound address; with port 0, the port the system chose.
    public let localAddress: SocketAddress
    public var port: Int { localAddress.port ?? configuration.port }
    /// The IRC door's bound address, when it is open.
    public let ircLocalAddress: SocketAddress?
    public var ircPort: Int? { ircLocalAddress?.port }

    private let group: MultiThreadedEventLoopGroup
    private let hashingPool: NIOThreadPool
    private let fileIO: NIOThreadPool
    private let store: any ChatStore
    private let services: SessionServices
    /// Released before the event loops stop: its deinit completes a promise
    /// on one of them.
    /// One per listening port: a helper quiesces the connections of one server channel only.
    private let quiesce: Mutex<[ServerQuiescingHelper]>
    private let logger: Logger
    private let tls: ServerTLS?
    /// The hourly removal of idle rooms, stopped at shutdown.
    private let sweeper = Mutex<RepeatedTask?>(nil)

    private init(
        configuration: ServerConfiguration, localAddress: SocketAddress, ircLocalAddress: SocketAddress?, group: MultiThreadedEventLoopGroup,
        hashingPool: NIOThreadPool, fileIO: NIOThreadPool, store: any ChatStore, services: SessionServices,
        quiesce: [ServerQuiescingHelper], tls: ServerTLS?, logger: Logger
    ) {
        self.tls = tls
        self.services = services
        self.fileIO = fileIO
        self.configuration = configuration
        self.localAddress = localAddress
        self.ircLocalAddress = ircLocalAddress
        self.group = group
        self.hashingPool = hashingPool
        self.store = store
        self.quiesce = Mutex(quiesce)
        self.logger = logger
    }

    /// Opens the store and starts listening. Every failure comes back as a
    /// sentence that names what failed and what to do. `adaptStore` gets the
    /// store as opened and returns the one the services use: tests put
    /// injected faults in front of it.
    public static func start(
        _ configuration: ServerConfiguration, logger: Logger = Logger(label: "parley-server"),
        adaptStore: (any ChatStore) -> any ChatStore = { $0 }
    ) async throws -> ParleyServer {
        do {
            try configuration.validate()
        } catch {
            throw ServerStartError(message: "invalid configuration: \(error)")
        }
        PrivateDataDirectory.restrictNewFiles()
        if FileManager.default.fileExists(atPath: configuration.dataDirectory) {
            let tightened = PrivateDataDirectory.tighten(configuration.dataDirectory)
            if !tightened.isEmpty {
                logger.notice(
                    "the data directory was readable by others; only this user may read it now",
                    metadata: ["directory": "\(configuration.dataDirectory)", "paths": "\(tightened.count)"]
                )
            }
        }
        // Before the store: a certificate that cannot be read stops the
        // start with nothing opened.
        let tls: ServerTLS?
        do {
            tls = configuration.tls ? try ServerTLS(configuration) : nil
        } catch {
            throw ServerStartError(message: "\(error)")
        }
        let store = adaptStore(try await openStore(configuration, logger: logger))
        guard try await store.room(nameKey: "lobby") != nil,
              let robotUser = try await store.user(nameKey: ProtocolConstants.robotName)
        else {
            try? store.close()
            throw ServerStartError(message: "the database \(configuration.databasePath) has no lobby or robot; it was not made by parley-server")
        }

        do {
            // Rows made before skeletons were kept: once, then never again.
            try await store.fillSkeletons { NameRules.skeleton(for: $0) }
            // No session outlives the process: names of guests that were
            // here when it stopped (or died) are free again.
            try await store.releaseGuests()
        } catch {
            try? store.close()
            throw ServerStartError(message: "cannot update the user table: \(error)")
        }
        let storage = FileStorage(dataDirectory: configuration.dataDirectory, filesDirectory: configuration.filesDirectory)
        do {
            try storage.prepare()
        } catch {
            try? store.close()
            throw ServerStartError(message: "cannot create \(storage.directory): \(error.localizedDescription) — check the data directory's permissions")
        }

        let threads = configuration.eventLoopThreads == 0 ? System.coreCount : configuration.eventLoopThreads
        let group = MultiThreadedEventLoopGroup(numberOfThreads: threads)
        let hashingPool = NIOThreadPool(numberOfThreads: System.coreCount)
        hashingPool.start()
        // Its own threads, so that a burst of logins never stalls file bytes.
        let fileIO = NIOThreadPool(numberOfThreads: 2)
        fileIO.start()
        let hub = Hub(presenceLimit: configuration.limits.largeRoomMembers, maxSessionsPerUser: configuration.maxSessionsPerUser)
        let hasher = PasswordHasher(cost: configuration.passwordCost)
        // A random password's hash, made once: a name nobody has costs a
        // login the same check as a wrong password.
        let unknownUserHash = try await hashingPool.runIfActive {
            try hasher.hash((0..<32).map { _ in String(UInt8.random(in: .min ... .max), radix: 16) }.joined())
        }
        var friends = FriendService(store: store, hub: hub)
        friends.cooldownSeconds = configuration.friendRequestCooldownHours * 3600
        let robot = configuration.robotEnabled ? Robot(store: store, hub: hub, user: robotUser, logger: logger) : nil
        let rooms = RoomService(
            store: store, hub: hub, limits: configuration.limits, robotName: robot?.user.name,
            creations: WindowCounter(limit: configuration.roomsCreatedPerUserPerDay, windowSeconds: 86_400)
        )
        let chat = ChatService(store: store, hub: hub, friends: friends, rooms: rooms, robot: robot, limits: configuration.limits)
        let accounts = AccountService(
            store: store, hasher: hasher, hashingPool: hashingPool,
            tokenLifetimeMillis: Int64(configuration.resumeTokenHours * 3_600_000),
            tokensPerUser: configuration.resumeTokensPerUser,
            throttle: LoginThrottle(
                freeFailures: configuration.failedLoginsBeforeDelay, maxDelaySeconds: configuration.failedLoginDelayMaxSeconds
            ),
            registrations: WindowCounter(limit: configuration.registrationsPerAddressPerHour, windowSeconds: 3600),
            checks: FairQueue(maxRunning: System.coreCount),
            unknownUserHash: unknownUserHash, logger: logger, guestsEnabled: configuration.guestsEnabled
        )
        let services = SessionServices(
            accounts: accounts,
            deletion: AccountDeletion(accounts: accounts, friends: friends, store: store, storage: storage),
            chat: chat,
            friends: friends,
            rooms: rooms,
            welcomes: WelcomeService(store: store, rooms: rooms, friends: friends, chat: chat),
            files: FileService(
                store: store, chat: chat, storage: storage, limits: configuration.limits,
                quotas: UploadQuotas(
                    perUserPerDay: configuration.maxUploadBytesPerUserPerDay, perUser: configuration.maxUploadBytesPerUser,
                    allFiles: configuration.maxFilesBytes, minFreeDisk: configuration.minFreeDiskBytes
                )
            ),
            fileIO: fileIO,
            hub: hub,
            limits: configuration.limits,
            coalescers: WriteCoalescers(
                group: group,
                delay: .microseconds(Int64(configuration.coalesceMilliseconds * 1000)),
                maxDelay: .microseconds(Int64(configuration.coalesceMaxMilliseconds * 1000))
            ),
            format: EventFormat(name: "parley") { WireCodec.encode(ServerMessage.event(Event($0))) },
            helloFrame: WireCodec.encode(ServerMessage.hello(ServerHello(server: "parley-server", limits: configuration.limits))),
            connections: ConnectionCounter(
                maxTotal: effectiveMaxConnections(configuration, logger: logger),
                maxPerAddress: configuration.maxConnectionsPerAddress
            ),
            helloTimeout: .nanoseconds(Int64(configuration.helloTimeoutSeconds * 1e9)),
            loginTimeout: .nanoseconds(Int64(configuration.loginTimeoutSeconds * 1e9)),
            logger: logger
        )
        let irc = configuration.ircEnabled
            ? IRCDoor(
                services: services, serverName: configuration.ircServerName, motd: configuration.ircMotd,
                robotName: robot?.user.name, maxMalformedInARow: configuration.maxMalformedInARow,
                guests: configuration.guestsEnabled
            )
            : nil
        let listening: (parley: any Channel, irc: (any Channel)?, quiesce: [ServerQuiescingHelper])
        do {
            let parley = try await listen(configuration, port: configuration.port, group: group) { channel in
                if let tls { try channel.pipeline.syncOperations.addHandler(tls.handler()) }
                try addSession(to: channel, configuration: configuration, services: services)
            }
            var ircChannel: (channel: any Channel, quiesce: ServerQuiescingHelper)?
            if let irc {
                do {
                    ircChannel = try await listen(configuration, port: configuration.ircPort, group: group) { channel in
                        if let tls { try channel.pipeline.syncOperations.addHandler(tls.handler()) }
                        try addIRCSession(to: channel, configuration: configuration, door: irc)
                    }
                } catch {
                    try? await parley.channel.close()
                    throw IRCBindFailure(error: error)
                }
            }
            listening = (parley.channel, ircChannel?.channel, [parley.quiesce] + (ircChannel.map { [$0.quiesce] } ?? []))
        } catch {
            try? await hashingPool.shutdownGracefully()
            try? await fileIO.shutdownGracefully()
            try? await group.shutdownGracefully()
            try? store.close()
            if let failure = error as? IRCBindFailure {
                throw ServerStartError(message: bindFailure(configuration, port: configuration.ircPort, setting: "irc_port (--irc-port)", failure.error))
            }
            throw ServerStartError(message: bindFailure(configuration, port: configuration.port, setting: "--port", error))
        }
        let server = ParleyServer(
            configuration: configuration, localAddress: listening.parley.localAddress!, ircLocalAddress: listening.irc?.localAddress,
            group: group, hashingPool: hashingPool, fileIO: fileIO, store: store, services: services, quiesce: listening.quiesce, tls: tls,
            logger: logger
        )
        if configuration.roomIdleDays > 0 {
            let sweep = group.next().scheduleRepeatedTask(initialDelay: .minutes(1), delay: .hours(1)) { _ in
                Task {
                    do {
                        try await server.removeIdleRooms()
                    } catch {
                        logger.error("cannot remove idle rooms", metadata: ["error": "\(error)"])
                    }
                }
            }
            server.sweeper.withLock { $0 = sweep }
        }
        return server
    }

    private struct IRCBindFailure: Error {
        let error: any Error
    }

    /// Binds `port`, whose accepted connections `initialize` makes sessions
    /// of; the helper returned closes them all at shutdown (one helper
    /// serves one listening channel).
    private static func listen(
        _ configuration: ServerConfiguration, port: Int, group: MultiThreadedEventLoopGroup,
        initialize: @escaping @Sendable (any Channel) throws -> Void
    ) async throws -> (channel: any Channel, quiesce: ServerQuiescingHelper) {
        let quiesce = ServerQuiescingHelper(group: group)
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 4096)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .serverChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(quiesce.makeServerChannelHandler(channel: channel))
                }
            }
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelOption(
                .writeBufferWaterMark,
                value: .init(low: configuration.maxOutboundBytes / 2, high: configuration.maxOutboundBytes)
            )
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try initialize(channel) }
            }
        return (try await bootstrap.bind(host: configuration.host, port: port).get(), quiesce)
    }

    /// An IRC connection's handlers: the same caps, heartbeat and gathered
    /// writes as the Parley door, lines instead of frames, and its session.
    private static func addIRCSession(to channel: any Channel, configuration: ServerConfiguration, door: IRCDoor) throws {
        let services = door.services
        let heartbeatPeriod = TimeAmount.nanoseconds(
            Int64(configuration.limits.heartbeatTimeoutSeconds * 1e9) / Int64(HeartbeatHandler.periodsPerTimeout)
        )
        try channel.pipeline.syncOperations.addHandlers([
            ConnectionCapHandler(counter: services.connections, refusalTimeout: services.helloTimeout) { admission in
                let reason = admission == .serverFull
                    ? "The server holds as many connections as it takes (\(configuration.maxConnections)); try again later"
                    : "Too many connections from your address (at most \(configuration.maxConnectionsPerAddress)); close one and try again"
                return ByteBuffer(string: IRCMessage("ERROR", ["Closing link: \(reason)"]).line)
            },
            IdleStateHandler(readTimeout: heartbeatPeriod),
            HeartbeatHandler(ping: ByteBuffer(string: IRCMessage("PING", [door.serverName]).line)),
            ByteToMessageHandler(IRCLineDecoder(maxLineBytes: IRCMessage.maxClientTagBytes + IRCMessage.maxBytes)),
            WriteGatherer(coalescers: services.coalescers),
            ReadGate(),
            IRCSessionHandler(door: door),
        ])
    }

    /// A Parley connection's handlers, each with one job: heartbeat,
    /// framing, gathering writes, holding back reads, decoding, rate
    /// limiting, the session.
    private static func addSession(to channel: any Channel, configuration: ServerConfiguration, services: SessionServices) throws {
        let heartbeatPeriod = TimeAmount.nanoseconds(
            Int64(configuration.limits.heartbeatTimeoutSeconds * 1e9) / Int64(HeartbeatHandler.periodsPerTimeout)
        )
        let frameLimit = FrameLimit(bytes: configuration.maxFrameBytesBeforeLogin)
        try channel.pipeline.syncOperations.addHandlers([
            ConnectionCapHandler(counter: services.connections, refusalTimeout: services.helloTimeout) { admission in
                let error = admission == .serverFull
                    ? ProtocolError(.serverFull, "The server holds as many connections as it takes (\(configuration.maxConnections)); try again later.")
                    : ProtocolError(
                        .serverFull,
                        "Too many connections from your address (at most \(configuration.maxConnectionsPerAddress)); close one and try again."
                    )
                return WireCodec.encode(ServerMessage.event(.closing(error)))
            },
            IdleStateHandler(readTimeout: heartbeatPeriod),
            HeartbeatHandler(ping: WireCodec.encode(ServerMessage.event(.ping))),
            ByteToMessageHandler(FrameDecoder(limit: frameLimit)),
            // Before the gate, so that the gathered writes of a fan-out do
            // not cross it.
            WriteGatherer(coalescers: services.coalescers),
            ReadGate(),
            ParleyInputDecoder(
                maxInARow: configuration.maxMalformedInARow,
                answerBurst: configuration.limits.rateBurst, answersPerSecond: configuration.limits.ratePerSecond
            ),
            RateLimitHandler(burst: configuration.limits.rateBurst, ratePerSecond: configuration.limits.ratePerSecond),
            SessionHandler(services: services, frameLimit: frameLimit),
        ])
    }

    /// Makes `channel` a session of this server, as an accepted connection
    /// is: for a channel that is not a socket (the session fuzzer's). Call
    /// it on the channel's event loop.
    public func addSession(to channel: any Channel) throws {
        try Self.addSession(to: channel, configuration: configuration, services: services)
    }

    /// Connections held now, through every door.
    public var openConnections: Int { services.connections.total }

    /// The fingerprint of the certificate new connections see; nil in plaintext.
    public var fingerprint: CertificateFingerprint? { tls?.fingerprint }

    /// Reads `tls_certificate` and `tls_key` again (after a renewal, on
    /// SIGHUP): new connections get the new chain, open ones keep theirs.
    /// On failure the old certificate stays in use.
    @discardableResult
    public func reloadCertificate() throws -> CertificateFingerprint? {
        guard let tls else { return nil }
        let fingerprint = try tls.reload()
        logger.notice("reloaded the TLS certificate", metadata: ["fingerprint": "\(fingerprint)"])
        return fingerprint
    }

    /// Removes the rooms nobody is in and nobody wrote in for
    /// `room_idle_days` before `now`, with their messages and files (the
    /// server does it hourly); returns their names.
    @discardableResult
    public func removeIdleRooms(at now: Int64 = Timestamp.nowMillis()) async throws -> [String] {
        guard configuration.roomIdleDays > 0 else { return [] }
        let cutoff = now - Int64(configuration.roomIdleDays * 86_400_000)
        let removed = try await store.removeIdleRooms(unusedSince: cutoff)
        let storage = services.files.storage
        for id in removed.files { storage.discard(storage.path(of: id)) }
        if !removed.rooms.isEmpty {
            logger.info("removed idle rooms", metadata: ["rooms": "\(removed.rooms.joined(separator: ", "))"])
        }
        return removed.rooms
    }

    /// Stops accepting, tells every session the server is shutting down,
    /// waits for them to close, then closes the database.
    public func shutdown() async {
        sweeper.withLock { $0?.cancel() }
        // Both doors at once: each closes its port and its connections.
        let stopping = quiesce.withLock { helpers in
            defer { helpers = [] }
            return helpers.map { helper in
                let done = group.next().makePromise(of: Void.self)
                helper.initiateShutdown(promise: done)
                return done.futureResult
            }
        }
        for done in stopping { try? await done.get() }
        // A channel's close completes before its handlers hear it went
        // inactive, in a task queued on its loop: one more turn of every
        // loop lets each session end and leave its work behind.
        for loop in group.makeIterator() { try? await loop.submit {}.get() }
        await services.afterSession.drain()
        // Closing waits for readers still at work; it must not hold one of
        // the few threads async work needs to finish them.
        let store = self.store
        do {
            try await hashingPool.runIfActive { try store.close() }
        } catch {
            logger.error("closing the database failed", metadata: ["error": "\(error)"])
        }
        try? await hashingPool.shutdownGracefully()
        try? await fileIO.shutdownGracefully()
        try? await group.shutdownGracefully()
    }

    /// `max_connections`, but never so many that the process runs out of
    /// file descriptors (the database, files being sent and the listening
    /// socket need some): past that, accepting fails for everyone.
    private static func effectiveMaxConnections(_ configuration: ServerConfiguration, logger: Logger) -> Int {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return configuration.maxConnections }
        let room = Swift.max(1, Int(clamping: limit.rlim_cur) - 256)
        if configuration.maxConnections > room {
            logger.warning(
                "max_connections is above what the open-files limit allows; taking fewer",
                metadata: ["max_connections": "\(configuration.maxConnections)", "taken": "\(room)", "raise": "ulimit -n"]
            )
            return room
        }
        return configuration.maxConnections
    }

    /// PostgreSQL when `database_url` names one, else SQLite in the data directory.
    private static func openStore(_ configuration: ServerConfiguration, logger: Logger) async throws -> any ChatStore {
        if let url = configuration.databaseURL {
            do {
                return try await PostgresStore.open(url, connections: configuration.databaseConnections, logger: logger)
            } catch {
                throw ServerStartError(message: "\(error) — check database_url (--database-url)")
            }
        }
        let directory = configuration.dataDirectory
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw ServerStartError(message: "cannot create the data directory \(directory): \(error.localizedDescription)")
        }
        do {
            return try SQLiteStore(path: configuration.databasePath, maxBytes: configuration.maxDatabaseBytes)
        } catch {
            throw ServerStartError(message: "\(error)")
        }
    }

    private static func bindFailure(_ configuration: ServerConfiguration, port: Int, setting: String, _ error: any Error) -> String {
        let address = "\(configuration.host):\(port)"
        if let io = error as? IOError {
            switch io.errnoCode {
            case EADDRINUSE:
                return "cannot listen on \(address): address already in use — is another parley-server running? Choose another \(setting)."
            case EACCES:
                return "cannot listen on \(address): permission denied — ports below 1024 need privileges; choose another \(setting)."
            case EADDRNOTAVAIL:
                return "cannot listen on \(address): no such address on this machine — check --host."
            default:
                return "cannot listen on \(address): \(io.description)"
            }
        }
        return "cannot listen on \(address): \(error)"
    }
}

import NIOCore
import ParleyDomain
import ParleyStore
import ParleyWire
import Testing

@testable import ParleyServer

/// The Parley session step by step, without a channel.
@Suite struct SessionStateMachineTests {
    let ann = StoredUser(id: 1, name: "ann", passwordHash: "", createdAt: 0)

    func message(_ id: Int64, in conversation: ConversationID = .lobby) -> ChatMessage {
        ChatMessage(id: id, conversation: conversation, sender: "ben", text: "m\(id)", time: id)
    }

    func event(_ chatEvent: ChatEvent, waiting: Bool = false) -> OutboundEvent {
        OutboundEvent(event: chatEvent, bytes: ByteBuffer(string: "\(chatEvent)"), waiting: waiting)
    }

    /// A machine past the hello with `ann` logged in.
    func loggedIn(quiet: Bool = false) -> SessionStateMachine {
        var machine = SessionStateMachine()
        _ = machine.helloReceived(version: ProtocolConstants.version)
        _ = machine.requestReceived(id: 1, .logIn(name: "ann", password: "pw", takeOver: false, quiet: quiet))
        _ = machine.nextRequest()
        _ = machine.loginSucceeded(ann, welcome: Welcome(user: "ann", rooms: []))
        machine.requestFinished()
        return machine
    }

    @Test func aRequestBeforeTheHelloIsRefused() {
        var machine = SessionStateMachine()
        guard case .refuse(1, let error) = machine.requestReceived(id: 1, .rooms(after: nil)) else {
            Issue.record("not refused")
            return
        }
        #expect(error.code == .helloRequired)
        #expect(machine.nextRequest() == nil)
    }

    @Test func anotherVersionClosesAndASecondHelloIsRefused() {
        var other = SessionStateMachine()
        guard case .close(let error) = other.helloReceived(version: ProtocolConstants.version + 1) else {
            Issue.record("not closed")
            return
        }
        #expect(error.code == .helloUnsupportedVersion)

        var machine = SessionStateMachine()
        #expect(machine.helloReceived(version: ProtocolConstants.version) == .accept)
        guard case .refuse(let again) = machine.helloReceived(version: ProtocolConstants.version) else {
            Issue.record("second hello accepted")
            return
        }
        #expect(again.code == .requestInvalid)
    }

    @Test func requestsNeedALoginButRegisteringDoesNot() {
        var machine = SessionStateMachine()
        _ = machine.helloReceived(version: ProtocolConstants.version)
        _ = machine.requestReceived(id: 1, .rooms(after: nil))
        _ = machine.requestReceived(id: 2, .register(name: "ann", password: "password"))
        #expect(machine.nextRequest()?.action == .refuse(id: 1, .loginRequired))
        #expect(machine.nextRequest()?.action == .run(id: 2, .register(name: "ann", password: "password"), user: nil))
    }

    @Test func requestsRunOneAtATimeInTheirOrder() {
        var machine = loggedIn()
        _ = machine.requestReceived(id: 2, .send(conversation: .lobby, text: "one"))
        _ = machine.requestReceived(id: 3, .send(conversation: .lobby, text: "two"))
        #expect(machine.nextRequest()?.action == .run(id: 2, .send(conversation: .lobby, text: "one"), user: ann))
        #expect(machine.nextRequest() == nil, "the first is still running")
        machine.requestFinished()
        #expect(machine.nextRequest()?.action == .run(id: 3, .send(conversation: .lobby, text: "two"), user: ann))
    }

    @Test func aFullQueueHoldsReadsUntilHalfIsDone() {
        var machine = loggedIn()
        var actions: [SessionStateMachine.ReceiveAction] = []
        for id in 0..<UInt32(machine.maxQueuedRequests) { actions.append(machine.requestReceived(id: id, .rooms(after: nil))) }
        #expect(actions.last == .queuedHoldingReads)
        #expect(actions.dropLast().allSatisfy { $0 == .queued })
        var resumedAfter: Int?
        for done in 1...machine.maxQueuedRequests {
            guard let next = machine.nextRequest() else { break }
            machine.requestFinished()
            if next.resumeReads {
                resumedAfter = done
                break
            }
        }
        #expect(resumedAfter == machine.maxQueuedRequests / 2 + 1)
    }

    @Test func aSecondLoginIsRefusedWhileOneIsUnderWayOrDone() {
        var machine = SessionStateMachine()
        _ = machine.helloReceived(version: ProtocolConstants.version)
        _ = machine.requestReceived(id: 1, .logIn(name: "ann", password: "pw", takeOver: false))
        #expect(machine.nextRequest()?.action == .logIn(id: 1, .init(name: "ann", credentials: .password("pw"), takeOver: false, quiet: false)))
        machine.requestFinished()
        _ = machine.requestReceived(id: 2, .resume(name: "ann", token: "t", takeOver: true))
        #expect(machine.nextRequest()?.action == .refuse(id: 2, .alreadyLoggedIn))

        var done = loggedIn()
        _ = done.requestReceived(id: 5, .logIn(name: "ann", password: "pw", takeOver: false))
        #expect(done.nextRequest()?.action == .refuse(id: 5, .alreadyLoggedIn))
    }

    @Test func aFailedLoginMayBeTriedAgain() {
        var machine = SessionStateMachine()
        _ = machine.helloReceived(version: ProtocolConstants.version)
        _ = machine.requestReceived(id: 1, .logIn(name: "ann", password: "bad", takeOver: false))
        _ = machine.nextRequest()
        let answered = machine.loginFailed()
        #expect(answered)
        machine.requestFinished()
        _ = machine.requestReceived(id: 2, .logIn(name: "ann", password: "good", takeOver: false))
        #expect(machine.nextRequest()?.action == .logIn(id: 2, .init(name: "ann", credentials: .password("good"), takeOver: false, quiet: false)))
    }

    /// Events that come while the welcome is read wait for it; those the
    /// welcome holds already are dropped, and a waiting private message
    /// joins the welcome's `away`.
    @Test func eventsDuringTheLoginFollowTheWelcomeWithoutDoubles() {
        var machine = SessionStateMachine()
        _ = machine.helloReceived(version: ProtocolConstants.version)
        _ = machine.requestReceived(id: 1, .logIn(name: "ann", password: "pw", takeOver: false))
        _ = machine.nextRequest()
        let inHistory = message(5), newer = message(6), waiting = message(9, in: .direct("ben"))
        let joined = event(.joined(conversation: .lobby, user: "cid", newMember: false))
        for held in [event(.message(inHistory)), joined, event(.message(newer)), event(.message(waiting), waiting: true)] {
            #expect(machine.eventDelivered(held) == .none)
        }
        let welcome = Welcome(user: "ann", rooms: [RoomSnapshot(name: .lobby, history: [message(4), inHistory])])
        guard case .welcome(let sent, let events) = machine.loginSucceeded(ann, welcome: welcome) else {
            Issue.record("no welcome")
            return
        }
        #expect(sent.away == [waiting])
        #expect(events == [joined.bytes, event(.message(newer)).bytes])
        #expect(machine.user == ann)
    }

    @Test func afterTheLoginEventsAreWrittenAndWaitingOnesMarkedDelivered() {
        var machine = loggedIn()
        let live = event(.message(message(7)))
        #expect(machine.eventDelivered(live) == .write)
        let waiting = event(.message(message(8, in: .direct("ben"))), waiting: true)
        #expect(machine.eventDelivered(waiting) == .writeAndMarkDelivered)
    }

    /// A script's session shows a waiting message but never takes delivery
    /// of it: it waits for the person, whether it comes during the login
    /// or after.
    @Test func aQuietSessionNeverTakesDeliveryOfAWaitingMessage() {
        var machine = SessionStateMachine()
        _ = machine.helloReceived(version: ProtocolConstants.version)
        _ = machine.requestReceived(id: 1, .resume(name: "ann", token: "t", takeOver: false, quiet: true))
        #expect(machine.nextRequest()?.action == .logIn(id: 1, .init(name: "ann", credentials: .token("t"), takeOver: false, quiet: true)))
        let held = event(.message(message(9, in: .direct("ben"))), waiting: true)
        #expect(machine.eventDelivered(held) == .none)
        guard case .welcome(let sent, let events) = machine.loginSucceeded(ann, welcome: Welcome(user: "ann", rooms: [])) else {
            Issue.record("no welcome")
            return
        }
        #expect(sent.away.isEmpty)
        #expect(events == [held.bytes])

        var quiet = loggedIn(quiet: true)
        let waiting = event(.message(message(10, in: .direct("ben"))), waiting: true)
        #expect(quiet.eventDelivered(waiting) == .write)
    }

    @Test func nothingIsWrittenBeforeTheLoginOrWhileClosing() {
        var machine = SessionStateMachine()
        let any = event(.message(message(1)))
        #expect(machine.eventDelivered(any) == .none)
        var closing = loggedIn()
        let closed = closing.closeRequested(.timedOut)
        #expect(closed)
        #expect(closing.eventDelivered(any) == .none)
        let again = closing.closeRequested(.tooSlow)
        #expect(!again, "a session closes once")
        #expect(closing.requestReceived(id: 9, .rooms(after: nil)) == .ignore)
    }

    /// The login finished after the connection was gone: the session it put
    /// in the hub must leave again.
    @Test func aLoginThatOutlivesItsConnectionIsUndone() {
        var machine = SessionStateMachine()
        _ = machine.helloReceived(version: ProtocolConstants.version)
        _ = machine.requestReceived(id: 1, .logIn(name: "ann", password: "pw", takeOver: false))
        _ = machine.nextRequest()
        #expect(machine.channelClosed() == nil, "nobody was logged in yet")
        guard case .detach(let user) = machine.loginSucceeded(ann, welcome: Welcome(user: "ann", rooms: [])) else {
            Issue.record("not undone")
            return
        }
        #expect(user == ann)
        let answered = machine.loginFailed()
        #expect(!answered, "nobody is left to answer")
    }

    @Test func whoLeavesAndWhy() {
        var quit = loggedIn()
        #expect(quit.channelClosed()?.departure == .quit)

        var lost = loggedIn()
        lost.connectionFailed()
        #expect(lost.channelClosed()?.departure == .connectionLost)

        var loggedOut = loggedIn()
        _ = loggedOut.requestReceived(id: 3, .logout)
        _ = loggedOut.nextRequest()
        loggedOut.connectionFailed()
        #expect(loggedOut.channelClosed()?.departure == .quit, "a client that logged out quit, however its socket ended")

        var slow = loggedIn()
        _ = slow.closeRequested(.tooSlow)
        let gone = slow.channelClosed()
        #expect(gone?.user == ann && gone?.departure == .tooSlow)
    }

    /// Only getting there counts: a session that said hello but has not
    /// logged in (or is still checking the password) misses the login
    /// deadline; one logged in never does.
    @Test func deadlinesCloseOnlySessionsThatDidNotGetThere() {
        var machine = SessionStateMachine()
        #expect(machine.deadlinePassed(.hello) && machine.deadlinePassed(.login))
        _ = machine.helloReceived(version: ProtocolConstants.version)
        #expect(!machine.deadlinePassed(.hello) && machine.deadlinePassed(.login))
        _ = machine.requestReceived(id: 1, .logIn(name: "ann", password: "pw", takeOver: false))
        _ = machine.nextRequest()
        #expect(machine.deadlinePassed(.login), "a password still being checked")
        #expect(!loggedIn().deadlinePassed(.login) && !loggedIn().deadlinePassed(.hello))
    }

    @Test func fileBytesOnlyFromSomeoneLoggedIn() {
        var machine = SessionStateMachine()
        _ = machine.helloReceived(version: ProtocolConstants.version)
        #expect(!machine.acceptsFileBytes)
        #expect(loggedIn().acceptsFileBytes)
    }
}

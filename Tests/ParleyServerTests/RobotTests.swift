import ParleyClient
import ParleyDomain
import ParleyWire
import ParleyTestSupport
import Testing
@testable import ParleyServer

@Suite struct RobotCommandTests {
    @Test(arguments: [
        ("@robot help", RobotCommand.help),
        ("@robot", .help),
        ("hey @Robot: roll 2d6", .roll(dice: 2, sides: 6)),
        ("@robot roll", .roll(dice: 1, sides: 6)),
        ("@robot roll d20", .roll(dice: 1, sides: 20)),
        ("@robot roll 0d6", .badRoll),
        ("@robot roll 101d6", .badRoll),
        ("@robot roll 2d1", .badRoll),
        ("@robot roll lots", .badRoll),
        ("@ROBOT time", .time),
        ("@robot who", .who),
        ("@robot, stats please", .stats),
        ("@robot echo  Hello There ", .echo("Hello There")),
        ("@robot dance", .unknown("dance")),
        ("robot? @robotic and then @robot time", .time),
    ])
    func parses(_ text: String, _ command: RobotCommand) {
        #expect(RobotCommand(message: text) == command)
    }

    @Test(arguments: ["robot help", "@robotic time", "email@robot.example", "nothing here"])
    func ignoresMessagesNotForIt(_ text: String) {
        if text == "email@robot.example" {
            // "@robot" followed by "." is addressed: punctuation ends the name.
            #expect(RobotCommand(message: text) == .unknown(".example"))
        } else {
            #expect(RobotCommand(message: text) == nil)
        }
    }
}

@Suite struct RobotTests {
    let dev = ConversationID(rawValue: "dev")

    /// Asks the robot in dev and returns its answer.
    func ask(_ question: String, _ user: TestUser) async throws -> ChatMessage {
        let asked = try await user.connection.send(question, to: dev)
        return try await user.log.first("the robot's answer to \(question)") { event in
            if case .message(let message) = event, message.sender == "robot", message.id > asked.id { message } else { nil }
        }
    }

    @Test func answersEveryCommandInTheRoom() async throws {
        let server = try await TestServer.start()
        let alice = try await server.user("alice")
        let bob = try await server.user("bob")
        _ = try await alice.connection.createRoom("dev")
        _ = try await bob.connection.join("dev")

        let help = try await ask("@robot help", alice)
        #expect(help.conversation == dev)
        for word in ["time", "who", "roll", "stats", "echo"] { #expect(help.text.contains(word)) }

        let time = try await ask("@robot time", alice)
        #expect(time.text.wholeMatch(of: /It is \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC\./) != nil, "\(time.text)")

        #expect(try await ask("@robot who", alice).text == "Online in dev (2): alice, bob")

        let roll = try await ask("@robot roll 2d6", alice)
        let match = try #require(roll.text.wholeMatch(of: /alice rolls 2d6: (\d) \+ (\d) = (\d+)/), "\(roll.text)")
        let (a, b, sum) = (Int(match.1)!, Int(match.2)!, Int(match.3)!)
        #expect((1...6).contains(a) && (1...6).contains(b) && a + b == sum)

        // Today in dev: the four questions and answers so far, and this question.
        #expect(try await ask("@robot stats", alice).text == "dev today (UTC): 9 messages, 2 people online.")
        #expect(try await ask("@robot echo ship it 🚀", alice).text == "ship it 🚀")
        #expect(try await ask("@robot dance", alice).text == "I don't know \"dance\", try @robot help")

        // Bob saw the same answer in dev, stored in its history.
        try await bob.log.wait(for: "the robot's answers") { $0.messages.filter { $0.sender == "robot" }.count == 7 }
        let history = try await bob.connection.history(of: dev, page: .latest(limit: 50))
        #expect(history.messages.filter { $0.sender == "robot" }.count == 7)
        #expect(history.messages.last?.text == "I don't know \"dance\", try @robot help")
        await server.finish()
    }

    @Test func staysSilentWhenTurnedOff() async throws {
        let server = try await TestServer.start { $0.robotEnabled = false }
        let alice = try await server.user("alice")
        _ = try await alice.connection.createRoom("dev")
        #expect(alice.welcome.lobby?.members.map(\.name) == ["alice"], "no robot among the members")
        _ = try await alice.connection.send("@robot time", to: dev)
        let marker = try await alice.connection.send("marker", to: dev)
        try await alice.log.wait(for: "the marker") { $0.messages.contains { $0.id == marker.id } }
        #expect(!alice.log.messages.contains { $0.sender == "robot" }, "nothing before the marker")
        #expect(try await alice.connection.history(of: dev, page: .latest(limit: 10)).messages.map(\.text) == ["@robot time", "marker"])
        await server.finish()
    }

    @Test func nobodyLogsInAsTheRobotOrBefriendsIt() async throws {
        let server = try await TestServer.start()
        let alice = try await server.user("alice")
        let connection = try await server.connect()
        #expect(await rejectionCode { _ = try await connection.logIn(name: "robot", password: "whatever you like") } == .nameReserved)
        #expect(await rejectionCode { try await connection.register(name: "Robot", password: "whatever you like") } == .nameReserved)
        #expect(await rejectionCode { try await alice.connection.requestFriend("robot") } == .friendNoSuchUser)
        await server.finish()
    }
}

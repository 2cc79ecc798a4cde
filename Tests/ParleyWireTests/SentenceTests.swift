import ParleyDomain
import ParleyWire
import Testing

/// The Parley door's words for the domain's refusals.
@Suite struct SentenceTests {
    @Test func aRefusalKeepsItsCodeAndSaysWhatIsWrong() {
        let error = ProtocolError(DomainError.nameInvalid(.whiteSpace))
        #expect(error.code == .nameInvalid)
        #expect(error.message == "A name cannot contain spaces or other white space; use letters, digits, _ and -.")
        #expect(ProtocolError(DomainError.messageInvalid(scalar: 7)).message.contains("U+0007"))
        #expect(ProtocolError(DomainError.fileTooLarge(size: 2_000_000, max: 1_000_000)).message.contains("976.6 KiB"))
    }

    /// Other clients and scripts read these sentences too: none names a
    /// command of the terminal client.
    @Test func noSentenceNamesAClientCommand() {
        let refusals: [DomainError] = [
            .badPassword(name: "ann"), .loginThrottled(seconds: 4), .notFriends(name: "ann"), .roomNotFound(name: "dev"), .roomExists(name: "dev"),
            .notMember(room: "dev"), .alreadyMember(room: "dev"), .tooManyRooms(count: 100, max: 100), .lobbyCannotBeLeft,
            .topicForbidden(room: "dev"), .noFriendRequest(name: "ann"), .historyPageSize(asked: 0, max: 200),
        ]
        for refusal in refusals {
            let sentence = ProtocolError(refusal).message
            #expect(!sentence.contains("/"), "\(refusal): \(sentence)")
            #expect(ProtocolError(refusal).code == refusal.code)
        }
    }
}

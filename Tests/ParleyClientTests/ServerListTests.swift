import ParleyClient
import ParleyWire
import Synchronization
import Testing

@Suite struct ServerListTests {
    @Test func severalAddressesAreSeparatedByCommas() throws {
        let list = try #require(ServerList("10.0.0.1:7070, 10.0.0.2:7071,[::1]:7072"))
        #expect(list.addresses == [
            ServerAddress(host: "10.0.0.1", port: 7070), ServerAddress(host: "10.0.0.2", port: 7071), ServerAddress(host: "::1", port: 7072),
        ])
        #expect(list.description == "10.0.0.1:7070,10.0.0.2:7071,[::1]:7072")
        #expect(ServerList("chat.example.org")?.addresses == [ServerAddress(host: "chat.example.org", port: 7070)])
    }

    @Test(arguments: ["", ",", "a:1,,b:2", "a:1,b:notaport", "a:99999"])
    func anythingThatIsNotAListOfAddressesIsRefused(_ text: String) {
        #expect(ServerList(text) == nil)
    }

    @Test func theFirstThatAnswersIsUsedBeginningWhereAsked() async throws {
        let list = try #require(ServerList("a:1,b:2,c:3"))
        let tried = Mutex<[String]>([])
        let down: Set<String> = ["a", "b"]
        let (host, index) = try await list.firstAnswering(from: 0) { address in
            tried.withLock { $0.append(address.host) }
            if down.contains(address.host) { throw ParleyClientError.cannotConnect(address: address.description, reason: "refused") }
            return address.host
        }
        #expect(host == "c" && index == 2)
        #expect(tried.withLock { $0 } == ["a", "b", "c"])
        tried.withLock { $0 = [] }
        // Moving on from c: a and b are down, so round to c again.
        #expect(try await list.firstAnswering(from: 3) { address in
            tried.withLock { $0.append(address.host) }
            if down.contains(address.host) { throw ParleyClientError.cannotConnect(address: address.description, reason: "refused") }
            return address.host
        }.index == 2)
        #expect(tried.withLock { $0 } == ["a", "b", "c"])
    }

    @Test func aRefusalIsTheAnswerAndNoneAnsweringThrowsTheLastFailure() async throws {
        let list = try #require(ServerList("a:1,b:2"))
        let tried = Mutex<[String]>([])
        await #expect(throws: ParleyClientError.rejected(ProtocolError(.authBadPassword, "wrong"))) {
            _ = try await list.firstAnswering { address in
                tried.withLock { $0.append(address.host) }
                throw ParleyClientError.rejected(ProtocolError(.authBadPassword, "wrong"))
            }
        }
        #expect(tried.withLock { $0 } == ["a"], "a wrong password is not a reason to try another node")
        await #expect(throws: ParleyClientError.cannotConnect(address: "b:2", reason: "refused")) {
            _ = try await list.firstAnswering { address in
                throw ParleyClientError.cannotConnect(address: address.description, reason: "refused")
            }
        }
    }
}

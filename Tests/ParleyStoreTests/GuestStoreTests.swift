import Foundation
import ParleyDomain
import ParleyStore
import Testing

/// Guests as the store keeps them: a user row
/// without a password while the guest is here, whose name is free again
/// when it leaves while its messages keep showing it; rooms that let
/// guests in.
@Suite struct GuestStoreTests {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("parley-guests-\(UUID().uuidString).sqlite").path

    @Test func aGuestIsAUserWithoutAPasswordWhoseNameIsFreedWhenItLeaves() async throws {
        let store = try SQLiteStore(path: path)
        let lobby = try #require(try await store.room(nameKey: "lobby"))
        _ = try await store.createUser(name: "alice", nameKey: "alice", skeleton: "alice", passwordHash: "h", at: 1)
        await #expect(throws: StoreError.nameTaken("Alice")) {
            try await store.createGuest(name: "Alice", nameKey: "alice", skeleton: "alice", at: 2)
        }
        let guest = try await store.createGuest(name: "visitor", nameKey: "visitor", skeleton: "visitor", at: 3)
        #expect(guest.isGuest && guest.passwordHash == "!")
        #expect(try await store.isMember(guest, of: lobby))
        _ = try await store.appendMessage(room: lobby, sender: guest, text: "hello", at: 4, deliveredAt: 4) { _ in }

        try await store.releaseGuest(guest)
        #expect(try await store.user(nameKey: "visitor") == nil)
        #expect(try await store.user(skeleton: "visitor") == nil)
        #expect(!(try await store.isMember(guest, of: lobby)))
        // The name is free for the next guest (or an account), and the
        // history still shows who said it.
        _ = try await store.createGuest(name: "visitor", nameKey: "visitor", skeleton: "visitor", at: 5)
        #expect(try await store.messages(in: lobby, page: .latest(limit: 10)).messages.map(\.sender) == ["visitor"])
        try store.close()
    }

    @Test func releasingEveryGuestFreesOnlyGuestsStillHoldingNames() async throws {
        let store = try SQLiteStore(path: path)
        let lobby = try #require(try await store.room(nameKey: "lobby"))
        let alice = try await store.createUser(name: "alice", nameKey: "alice", skeleton: "alice", passwordHash: "h", at: 1)
        let gone = try await store.createGuest(name: "gone", nameKey: "gone", skeleton: "gone", at: 2)
        try await store.releaseGuest(gone)
        let left = try await store.createGuest(name: "left", nameKey: "left", skeleton: "left", at: 3)
        try await store.releaseGuests()
        #expect(try await store.user(nameKey: "left") == nil)
        #expect(!(try await store.isMember(left, of: lobby)))
        #expect(try await store.user(nameKey: "alice") == alice)
        #expect(try await store.isMember(alice, of: lobby))
        _ = try await store.createGuest(name: "left", nameKey: "left", skeleton: "left", at: 4)
        try store.close()
    }

    @Test func aRoomLetsGuestsInOnlyWhenToldTo() async throws {
        let store = try SQLiteStore(path: path)
        let alice = try await store.createUser(name: "alice", nameKey: "alice", skeleton: "alice", passwordHash: "h", at: 1)
        let room = try await store.createRoom(name: "dev", nameKey: "dev", topic: "", openTopic: false, creator: alice, at: 2)
        #expect(room.allowGuests == false)
        try await store.setAllowGuests(true, in: room)
        #expect(try await store.room(nameKey: "dev")?.allowGuests == true)
        #expect(try await store.rooms(of: alice).first { $0.name == "dev" }?.allowGuests == true)
        #expect(try await store.allRooms().first { $0.room.name == "dev" }?.room.allowGuests == true)
        try await store.setAllowGuests(false, in: room)
        #expect(try await store.room(nameKey: "dev")?.allowGuests == false)
        try store.close()
    }
}

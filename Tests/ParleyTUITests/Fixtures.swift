import Foundation
import ParleyDomain
import ParleyWire
import ParleyClient
import ParleyTUI

enum Fixture {
    static let utc = TimeZone(identifier: "UTC")!
    /// 2026-11-23 12:34:00 UTC.
    static let now: Int64 = 1_795_437_240_000

    static let dev = ConversationID(rawValue: "dev")
    static let ops = ConversationID(rawValue: "ops")

    static func message(_ id: Int64, from sender: String, _ text: String, in conversation: ConversationID = .lobby) -> ChatMessage {
        ChatMessage(id: id, conversation: conversation, sender: sender, text: text, time: now + id * 1000)
    }

    static let lobbyMembers = [Member(name: "alice", online: true), Member(name: "bob", online: true), Member(name: "robot", online: true)]

    static func lobby(_ history: [ChatMessage] = [], hasMore: Bool = false) -> RoomSnapshot {
        RoomSnapshot(name: .lobby, members: lobbyMembers, history: history, hasMore: hasMore)
    }

    /// Logged in as alice with bob online in the lobby, `history` shown,
    /// and in `rooms` besides.
    static func chat(size: Size = Size(columns: 80, rows: 24), history: [ChatMessage] = [], hasMore: Bool = false,
                     rooms: [RoomSnapshot] = []) -> AppState {
        var state = AppState(server: "127.0.0.1:7070", user: "alice", theme: "default", size: size, now: now, timeZone: utc)
        let welcome = Welcome(user: "alice", rooms: [lobby(history, hasMore: hasMore)] + rooms)
        _ = reduce(&state, .loggedIn(welcome, limits: ServerLimits()))
        state.status = nil
        return state
    }

    static func type(_ text: String, into state: inout AppState) {
        for character in text { _ = reduce(&state, .key(.character(character))) }
    }
}

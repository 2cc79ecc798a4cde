import Foundation
import ParleyProtocol
import ParleyTUI

enum Fixture {
    static let utc = TimeZone(identifier: "UTC")!
    /// 2026-11-23 12:34:00 UTC.
    static let now: Int64 = 1_795_437_240_000

    static func message(_ id: Int64, from sender: String, _ text: String) -> ChatMessage {
        ChatMessage(id: id, conversation: .lobby, sender: sender, text: text, time: now + id * 1000)
    }

    /// Logged in as alice with bob online and `history` shown.
    static func chat(size: Size = Size(columns: 80, rows: 24), history: [ChatMessage] = [], hasMore: Bool = false) -> AppState {
        var state = AppState(server: "127.0.0.1:7070", user: "alice", theme: "default", size: size, now: now, timeZone: utc)
        let welcome = Welcome(user: "alice", online: ["alice", "bob"], conversation: .lobby, history: history, hasMoreHistory: hasMore)
        _ = reduce(&state, .loggedIn(welcome, limits: ServerLimits()))
        state.status = nil
        return state
    }

    static func type(_ text: String, into state: inout AppState) {
        for character in text { _ = reduce(&state, .key(.character(character))) }
    }
}

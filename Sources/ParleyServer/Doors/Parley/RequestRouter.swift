import Logging
import ParleyDomain
import ParleyStore
import ParleyWire

/// The Parley door's requests as calls on the services, and their results
/// and refusals in the door's wire form. Requests that touch the
/// connection itself (logging in and out, file transfers) are the
/// session's.
struct RequestRouter: Sendable {
    let services: SessionServices

    /// The reply to a request that needs only the services; `user` is nil
    /// before logging in (only `register` comes then).
    func reply(to request: Request, from user: StoredUser?, at address: String) async throws -> Reply {
        let services = self.services
        if case .register(let name, let password) = request {
            return .registered(name: try await services.accounts.register(name: name, password: password, from: address).name)
        }
        guard let user else { throw DomainError.loginRequired }
        switch request {
        case .send(let conversation, let text):
            return .sent(try await services.chat.post(from: user, to: conversation, text: text))
        case .awayReceived(let through):
            let next = try await services.chat.awayReceived(by: user, through: through)
            return .away(next.messages, more: next.more)
        case .history(let conversation, let page):
            return .history(try await services.chat.history(of: conversation, for: user, page: page))
        case .room(let name):
            return .room(try await services.rooms.view(name, by: user))
        case .search(let query):
            return .search(try await services.chat.search(query, for: user))
        case .markRead(let conversation, let through):
            try await services.chat.markRead(conversation, through: through, by: user)
        case .friendRequest(let name):
            try await services.friends.request(from: user, to: name)
        case .friendAccept(let name):
            try await services.friends.accept(from: name, by: user)
        case .friendDecline(let name):
            try await services.friends.decline(from: name, by: user)
        case .friendRemove(let name):
            try await services.friends.remove(name, by: user)
        case .block(let name):
            try await services.friends.block(name, by: user)
        case .unblock(let name):
            try await services.friends.unblock(name, by: user)
        case .friends:
            return .friends(try await services.friends.list(for: user))
        case .createRoom(let name, let topic, let openTopic):
            return .room(try await services.rooms.create(name, topic: topic, openTopic: openTopic, by: user))
        case .join(let name):
            return .room(try await services.rooms.join(name, by: user))
        case .leave(let name):
            try await services.rooms.leave(name, by: user)
        case .rooms(let after):
            let page = try await services.rooms.list(for: user, after: after)
            return .rooms(page.rooms, more: page.more)
        case .setTopic(let conversation, let topic):
            try await services.rooms.setTopic(topic, of: conversation, by: user)
        case .setGuests(let conversation, let allow):
            try await services.rooms.setGuests(allow, in: conversation, by: user)
        case .files(let conversation):
            return .files(try await services.files.list(conversation, for: user))
        case .register, .logIn, .resume, .guest, .logout, .changePassword, .logoutEverywhere, .deleteAccount, .upload, .download, .cancelUpload:
            preconditionFailure("the session handles \(request) itself")
        }
        return .done
    }

    /// What the client is told about a failure: a refusal in the door's
    /// words, a storage fault as what it means for the user, anything else
    /// as an internal error (logged, never shown).
    static func protocolError(from error: any Error, logger: Logger) -> ProtocolError {
        switch error {
        case let error as DomainError: return ProtocolError(error)
        case let error as ProtocolError: return error
        default: break
        }
        logger.error("request failed", metadata: ["error": "\(error)"])
        switch StorageFault(error) {
        case .full?: return ProtocolError(.storageFull)
        case .readOnly?, .failing?, .notADatabase?: return ProtocolError(.storageUnavailable)
        case nil: return ProtocolError(.serverInternal, "The server could not do that because of an internal error; it has been logged.")
        }
    }
}

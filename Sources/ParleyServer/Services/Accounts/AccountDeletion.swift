import ParleyDomain
import ParleyStore

/// Deleting one's own account: the password is checked as a login's is,
/// friends hear that the friendship ended, and the store keeps the
/// account's messages under a name nobody can log in as; the files it sent
/// privately go.
public struct AccountDeletion: Sendable {
    let accounts: AccountService
    let friends: FriendService
    let store: any ChatStore
    let storage: FileStorage

    public func delete(_ user: StoredUser, password: String, at address: String) async throws {
        _ = try await accounts.authenticate(name: user.name, password: password, from: address)
        for friend in try await store.friends(of: user) {
            try await friends.remove(friend.name, by: user)
        }
        for file in try await store.deleteAccount(user) {
            storage.discard(storage.path(of: file))
        }
    }
}

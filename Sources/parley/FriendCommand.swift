import ArgumentParser
import Foundation
import ParleyClient

struct FriendCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "friend",
        abstract: "Manage friends: add, accept, decline, remove, block, unblock NAME; list prints one per line."
    )

    enum Action: String, ExpressibleByArgument, CaseIterable {
        case add, accept, decline, remove, block, unblock, list
    }

    @OptionGroup var account: AccountOptions

    @Argument(help: "add, accept, decline, remove, block, unblock or list.")
    var action: Action

    @Argument(help: "The other person (not for list).")
    var name: String?

    func validate() throws {
        if action == .list, name != nil { throw ValidationError("list takes no name") }
        if action != .list, name == nil { throw ValidationError("\(action.rawValue) needs a NAME") }
    }

    func run() async throws {
        try await account.withConnection { connection, _ in
            switch action {
            case .add: try await connection.requestFriend(name!)
            case .accept: try await connection.acceptFriend(name!)
            case .decline: try await connection.declineFriend(name!)
            case .remove: try await connection.removeFriend(name!)
            case .block: try await connection.block(name!)
            case .unblock: try await connection.unblock(name!)
            case .list:
                let list = try await connection.friends()
                for friend in list.friends {
                    print("\(MessageFormat.visible(friend.name)) \(friend.online ? "online" : "offline")")
                }
                for name in list.incoming { print("\(MessageFormat.visible(name)) asks to be your friend") }
                for name in list.outgoing { print("\(MessageFormat.visible(name)) was asked") }
                for name in list.blocked { print("\(MessageFormat.visible(name)) blocked") }
            }
        }
    }
}

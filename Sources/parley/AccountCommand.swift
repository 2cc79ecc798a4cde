import ArgumentParser
import Foundation

struct AccountCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "account",
        abstract: "Your account: change its password, log out everywhere, or delete it.",
        discussion: """
            passwd: the current password from PARLEY_PASSWORD, the new one from PARLEY_NEW_PASSWORD or the
            first line of standard input; other devices must log in with it again.
            logout-all: every device must log in with the password again.
            delete --yes: the account goes; its messages stay, from "a deleted user"; files it sent
            privately are removed.
            """
    )

    enum Action: String, ExpressibleByArgument, CaseIterable {
        case passwd
        case logoutAll = "logout-all"
        case delete
    }

    @Argument(help: "passwd, logout-all or delete.")
    var action: Action

    @OptionGroup var account: AccountOptions

    @Flag(help: "Confirms delete.")
    var yes = false

    func run() async throws {
        switch action {
        case .passwd:
            let new = try newPassword()
            try await account.withConnection(failure: "password not changed: ") { connection, _ in
                try await connection.changePassword(from: AccountOptions.environmentPassword ?? "", to: new)
            }
        case .logoutAll:
            try await account.withConnection(failure: "not logged out: ") { connection, _ in
                try await connection.logOutEverywhere()
            }
        case .delete:
            guard yes else {
                throw CleanExit.failure("deleting an account cannot be undone; run again with --yes to delete it")
            }
            try await account.withConnection(failure: "not deleted: ") { connection, _ in
                try await connection.deleteAccount(password: AccountOptions.environmentPassword ?? "")
            }
        }
    }

    private func newPassword() throws -> String {
        if let new = ProcessInfo.processInfo.environment["PARLEY_NEW_PASSWORD"], !new.isEmpty { return new }
        guard let line = readLine(strippingNewline: true), !line.isEmpty else {
            throw CleanExit.failure("no new password: set PARLEY_NEW_PASSWORD or give it on standard input")
        }
        return line
    }
}

import ArgumentParser
import Foundation
import ParleyClient
import ParleyDomain
import ParleyWire

/// A progress line on stderr when it is a terminal; nothing in pipes.
struct ProgressLine: Sendable {
    let name: String
    let watch = TransferWatch()
    let shown = isatty(STDERR_FILENO) == 1

    func update(_ done: Int64, _ total: Int64) {
        guard shown else { return }
        FileHandle.standardError.write(Data(("\r\u{1B}[K" + TransferText.line(name: name, watch.reading(done, total))).utf8))
    }

    func end() {
        if shown { FileHandle.standardError.write(Data("\n".utf8)) }
    }
}

struct Upload: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Share a file in a conversation; prints the file's id once the server has checked every byte."
    )

    @OptionGroup var account: AccountOptions

    @OptionGroup var target: ConversationOption

    @Argument(help: "The file to send (~ is your home).")
    var path: String

    func run() async throws {
        let path = LocalPath.expand(self.path)
        let line = ProgressLine(name: URL(fileURLWithPath: path).lastPathComponent)
        try await account.withConnection(failure: "not uploaded: ") { connection, _ in
            let file = try await connection.upload(file: path, to: target.conversation) { line.update($0, $1) }
            line.end()
            print(file.id)
        }
    }
}

struct Download: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Fetch a file by name or id into a directory, continuing a download that stopped; prints where it went."
    )

    @OptionGroup var account: AccountOptions

    @OptionGroup var target: ConversationOption

    @Option(help: "Where to put it (default: download_dir of the config, else ~/Downloads/parley).")
    var out: String?

    @Argument(help: "The file's name (the newest of that name) or its id, as `parley files` shows them.")
    var file: String

    func run() async throws {
        let directory = try out.map { LocalPath.expand($0) } ?? account.loadConfig().downloadPath
        try await account.withConnection(failure: "not downloaded: ") { connection, _ in
            let files = try await connection.files(in: target.conversation)
            guard let found = files.first(where: { Int64(file) == $0.id }) ?? files.first(where: { $0.name == file }) else {
                throw ParleyClientError.localFile("there is no file \"\(file)\" in \(target.to); `parley files --to \(target.to)` lists them")
            }
            let line = ProgressLine(name: found.name)
            let path = try await connection.download(found, into: directory) { line.update($0, $1) }
            line.end()
            print(path)
        }
    }
}

struct Files: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List a conversation's files, newest first: ID NAME SIZE TYPE FROM YYYY-MM-DD HH:MM, tab-separated."
    )

    @OptionGroup var account: AccountOptions

    @OptionGroup var target: ConversationOption

    func run() async throws {
        try await account.withConnection { connection, _ in
            for file in try await connection.files(in: target.conversation) {
                print(["\(file.id)", MessageFormat.visible(file.name), "\(file.size)", file.type.rawValue, MessageFormat.visible(file.sender),
                       MessageFormat.dateTime(file.time, in: .current)].joined(separator: "\t"))
            }
        }
    }
}

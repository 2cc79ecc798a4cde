import Foundation
import ParleyClient
import ParleyDomain
import ParleyWire
import Synchronization

/// Runs the uploads and downloads the reducer asks for, reports their
/// progress (at most ten times a second) and how they ended, and cancels
/// them on request.
final class TransferRunner: Sendable {
    private let inbox: ActionInbox
    private let downloadDirectory: String
    private let running = Mutex<[Int: Task<Void, Never>]>([:])

    init(inbox: ActionInbox, downloadDirectory: String) {
        self.inbox = inbox
        self.downloadDirectory = downloadDirectory
    }

    func upload(_ id: Int, path: String, to conversation: ConversationID, on connection: ParleyConnection) {
        let name = URL(fileURLWithPath: path).lastPathComponent
        run(id, name: name, verb: "upload") { progress in
            let file = try await connection.upload(file: LocalPath.expand(path), to: conversation, progress: progress)
            return "Shared \(file.name) (\(ByteCount.text(file.size))) in \(conversation)."
        }
    }

    func download(_ id: Int, _ file: FileInfo, on connection: ParleyConnection) {
        let directory = downloadDirectory
        run(id, name: file.name, verb: "download") { progress in
            let path = try await connection.download(file, into: directory, progress: progress)
            return "Saved \(file.name) to \(path)."
        }
    }

    func cancel(_ id: Int) {
        running.withLock { $0.removeValue(forKey: id) }?.cancel()
    }

    private func run(_ id: Int, name: String, verb: String, _ work: @escaping @Sendable (@escaping TransferProgress) async throws -> String) {
        let inbox = self.inbox
        let watch = TransferWatch()
        let lastReport = Mutex(ContinuousClock.now - .seconds(1))
        let progress: TransferProgress = { done, total in
            let now = ContinuousClock.now
            let due = lastReport.withLock { last in
                guard now - last >= .milliseconds(100) || done == total else { return false }
                last = now
                return true
            }
            guard due else { return }
            inbox.post(.transferProgress(id: id, watch.reading(done, total)))
        }
        let task = Task { [self] in
            let ending: Action
            do {
                ending = .transferEnded(id: id, sentence: try await work(progress), failed: false)
            } catch is CancellationError {
                ending = .transferEnded(id: id, sentence: "The \(verb) of \(name) is cancelled.", failed: false)
            } catch {
                ending = .transferEnded(id: id, sentence: "The \(verb) of \(name) failed: \(error)", failed: true)
            }
            _ = self.running.withLock { $0.removeValue(forKey: id) }
            inbox.post(ending)
        }
        running.withLock { $0[id] = task }
    }
}

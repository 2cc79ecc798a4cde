import NIOCore
import ParleyDomain
import ParleyWire
import Synchronization

/// Where a download's bytes go, on the event loop, in order.
protocol DownloadSink: AnyObject, Sendable {
    func receive(_ bytes: ByteBuffer)
    func fail(_ error: any Error)
}

/// Routes file chunks and transfer events to the uploads and downloads
/// waiting for them.
final class TransferRouter: Sendable {
    private struct State {
        var downloads: [UInt32: any DownloadSink] = [:]
        var uploads: [UInt32: CheckedContinuation<FileInfo, any Error>] = [:]
        /// Outcomes that arrived before anybody waited for them.
        var finished: [UInt32: Result<FileInfo, any Error>] = [:]
        var closedReason: String?
    }

    private let state = Mutex(State())

    func addDownload(_ transfer: UInt32, _ sink: any DownloadSink) {
        state.withLock { $0.downloads[transfer] = sink }
    }

    func removeDownload(_ transfer: UInt32) {
        _ = state.withLock { $0.downloads.removeValue(forKey: transfer) }
    }

    func receive(_ chunk: Chunk) {
        state.withLock { $0.downloads[chunk.transfer] }?.receive(chunk.bytes)
    }

    /// Waits for the server's word on an upload whose bytes are all sent.
    func outcome(ofUpload transfer: UInt32) async throws -> FileInfo {
        try await withCheckedThrowingContinuation { continuation in
            let ready: Result<FileInfo, any Error>? = state.withLock { state in
                if let result = state.finished.removeValue(forKey: transfer) { return result }
                if let reason = state.closedReason { return .failure(ParleyClientError.disconnected(reason: reason)) }
                state.uploads[transfer] = continuation
                return nil
            }
            if let ready { continuation.resume(with: ready) }
        }
    }

    func hear(_ event: Event) {
        switch event {
        case .uploadDone(let transfer, let file): settle(transfer, .success(file))
        case .uploadFailed(let transfer, let error): settle(transfer, .failure(ParleyClientError.rejected(error)))
        case .downloadFailed(let transfer, let error):
            state.withLock { $0.downloads.removeValue(forKey: transfer) }?.fail(ParleyClientError.rejected(error))
        default: break
        }
    }

    private func settle(_ transfer: UInt32, _ result: Result<FileInfo, any Error>) {
        let waiting = state.withLock { state in
            guard let continuation = state.uploads.removeValue(forKey: transfer) else {
                state.finished[transfer] = result
                return nil as CheckedContinuation<FileInfo, any Error>?
            }
            return continuation
        }
        waiting?.resume(with: result)
    }

    /// The connection ended: everything under way fails with `reason`.
    func close(reason: String) {
        let (downloads, uploads) = state.withLock { state in
            state.closedReason = reason
            defer { state.downloads = [:]; state.uploads = [:] }
            return (Array(state.downloads.values), Array(state.uploads.values))
        }
        let error = ParleyClientError.disconnected(reason: reason)
        downloads.forEach { $0.fail(error) }
        uploads.forEach { $0.resume(throwing: error) }
    }
}

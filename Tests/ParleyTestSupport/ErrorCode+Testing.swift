import ParleyClient
import ParleyDomain
import ParleyWire

/// The code of the server's refusal, or nil when `body` succeeded or failed
/// for another reason.
public func rejectionCode(_ body: () async throws -> Void) async -> ErrorCode? {
    do {
        try await body()
        return nil
    } catch let error as ParleyClientError {
        return error.code
    } catch {
        return nil
    }
}

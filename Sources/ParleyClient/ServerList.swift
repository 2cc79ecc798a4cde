/// The addresses of one Parley service: several nodes on one database
/// (docs/SCALING.md). A client connects to the first that answers and,
/// when it loses one, tries the others, the next one first.
public struct ServerList: Hashable, Sendable, CustomStringConvertible {
    /// Never empty.
    public let addresses: [ServerAddress]

    public init(_ address: ServerAddress) {
        addresses = [address]
    }

    /// Addresses separated by commas: "10.0.0.1:7070,10.0.0.2:7070"; nil
    /// when any is not an address, or there is none.
    public init?(_ text: String) {
        let parts = text.split(separator: ",", omittingEmptySubsequences: false)
            .map { $0.trimmingCharacters(in: .whitespaces) }
        let addresses = parts.compactMap(ServerAddress.init)
        guard !addresses.isEmpty, addresses.count == parts.count else { return nil }
        self.addresses = addresses
    }

    public var description: String { addresses.map(\.description).joined(separator: ",") }

    /// Runs `attempt` against each address in turn, beginning with the one
    /// at `start` (wrapping around), until one answers: a connection that
    /// cannot be made or drops moves on to the next; any other failure (a
    /// wrong password, say) is the answer. Returns the result and the index
    /// of the address that gave it; the last failure when none answered.
    public func firstAnswering<T: Sendable>(
        from start: Int = 0, _ attempt: (ServerAddress) async throws -> T
    ) async throws -> (T, index: Int) {
        var lastFailure: (any Error)?
        for offset in addresses.indices {
            let index = (start + offset) % addresses.count
            do {
                return (try await attempt(addresses[index]), index)
            } catch let error as ParleyClientError where error.isConnectionFailure {
                lastFailure = error
            }
        }
        throw lastFailure!
    }
}

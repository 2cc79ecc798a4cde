import Crypto
import CryptoExtras
import Foundation

/// Salted scrypt hashes in a self-describing form,
/// `scrypt$ln=15,r=8,p=1$<salt>$<hash>` (base64), so the cost can be raised
/// later while old hashes still verify with the parameters stored beside them.
public struct PasswordHasher: Sendable {
    public struct Cost: Sendable, Hashable {
        /// log2 of scrypt's N (rounds).
        public var logN: Int
        public var blockSize: Int
        public var parallelism: Int

        /// The interactive-login cost recommended for scrypt: about 32 MiB
        /// and tens of milliseconds per hash.
        public static let interactive = Cost(logN: 15, blockSize: 8, parallelism: 1)

        public init(logN: Int, blockSize: Int, parallelism: Int) {
            self.logN = logN
            self.blockSize = blockSize
            self.parallelism = parallelism
        }
    }

    public let cost: Cost
    private static let saltBytes = 16
    private static let keyBytes = 32

    public init(cost: Cost = .interactive) {
        self.cost = cost
    }

    public func hash(_ password: String) throws -> String {
        let salt = (0..<Self.saltBytes).map { _ in UInt8.random(in: .min ... .max) }
        let key = try Self.derive(password, salt: salt, cost: cost)
        return "scrypt$ln=\(cost.logN),r=\(cost.blockSize),p=\(cost.parallelism)$"
            + Data(salt).base64EncodedString() + "$" + Data(key).base64EncodedString()
    }

    /// False for a wrong password and for a hash this program cannot read.
    public func verify(_ password: String, against stored: String) -> Bool {
        let parts = stored.split(separator: "$", omittingEmptySubsequences: false)
        guard parts.count == 4, parts[0] == "scrypt",
              let cost = Self.parseCost(parts[1]),
              let salt = Data(base64Encoded: String(parts[2])),
              let expected = Data(base64Encoded: String(parts[3])),
              let actual = try? Self.derive(password, salt: Array(salt), cost: cost)
        else { return false }
        return constantTimeEqual(Array(expected), actual)
    }

    private static func derive(_ password: String, salt: [UInt8], cost: Cost) throws -> [UInt8] {
        let key = try KDF.Scrypt.deriveKey(
            from: Array(password.utf8), salt: salt, outputByteCount: keyBytes,
            rounds: 1 << cost.logN, blockSize: cost.blockSize, parallelism: cost.parallelism,
            maxMemory: 256 * 1024 * 1024
        )
        return key.withUnsafeBytes { Array($0) }
    }

    private static func parseCost(_ text: Substring) -> Cost? {
        var values: [Substring: Int] = [:]
        for pair in text.split(separator: ",") {
            let field = pair.split(separator: "=", maxSplits: 1)
            guard field.count == 2, let value = Int(field[1]) else { return nil }
            values[field[0]] = value
        }
        guard let logN = values["ln"], let r = values["r"], let p = values["p"],
              (1...30).contains(logN), r > 0, p > 0 else { return nil }
        return Cost(logN: logN, blockSize: r, parallelism: p)
    }

    private func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        return zip(a, b).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }
}

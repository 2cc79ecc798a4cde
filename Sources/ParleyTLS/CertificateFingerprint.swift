import Crypto
import Foundation
import NIOSSL

/// The SHA-256 of a certificate's DER bytes: what a person compares and a
/// client pins. Written as `openssl x509 -noout -fingerprint -sha256` writes
/// it (colon-separated hex), after `SHA256:`.
public struct CertificateFingerprint: Hashable, Sendable, CustomStringConvertible {
    public let bytes: [UInt8]

    public init(der: some DataProtocol) {
        bytes = Array(SHA256.hash(data: der))
    }

    public init(_ certificate: NIOSSLCertificate) throws {
        self.init(der: try certificate.toDERBytes())
    }

    /// Takes the printed form, with or without `SHA256:` and colons, in
    /// either case: what a person copies from a terminal.
    public init?(_ text: String) {
        var hex = Substring(text.trimmingCharacters(in: .whitespacesAndNewlines))
        if hex.lowercased().hasPrefix("sha256:") { hex = hex.dropFirst(7) }
        let digits = hex.filter { $0 != ":" }
        guard digits.count == 64 else { return nil }
        var bytes: [UInt8] = []
        var index = digits.startIndex
        while index < digits.endIndex {
            let next = digits.index(index, offsetBy: 2)
            guard let byte = UInt8(digits[index..<next], radix: 16) else { return nil }
            bytes.append(byte)
            index = next
        }
        self.bytes = bytes
    }

    /// The first fingerprint in printed form within `text` (a listening line).
    public init?(foundIn text: String) {
        guard let range = text.range(of: #"SHA256:[0-9A-F:]+"#, options: .regularExpression) else { return nil }
        self.init(String(text[range]))
    }

    public var description: String {
        "SHA256:" + bytes.map { byte in
            let digits = String(byte, radix: 16, uppercase: true)
            return digits.count == 1 ? "0" + digits : digits
        }.joined(separator: ":")
    }
}

import Foundation
import NIOCore
import NIOSSL
import ParleyTLS
import Synchronization
import X509

/// Which servers' certificates this client accepts: one signed for the
/// host by an authority the system trusts (or `authorityFile`'s), else the
/// one pinned for it in `knownServers`, else the one `fingerprint` names
/// (`--trust-fingerprint`), which is then pinned.
public struct ServerTrust: Sendable {
    public var knownServers: KnownServers?
    public var fingerprint: CertificateFingerprint?
    /// PEM certificates of authorities trusted besides the system's.
    public var authorityFile: String?

    public init(knownServers: KnownServers? = .standard, fingerprint: CertificateFingerprint? = nil, authorityFile: String? = nil) {
        self.knownServers = knownServers
        self.fingerprint = fingerprint
        self.authorityFile = authorityFile
    }

    /// Exactly this certificate, remembered nowhere: for a caller that
    /// learnt the fingerprint from the server itself (tests, the bench).
    public static func only(_ fingerprint: CertificateFingerprint) -> ServerTrust {
        ServerTrust(knownServers: nil, fingerprint: fingerprint)
    }

    /// Why a server's certificate was refused.
    public enum Refusal: Equatable, Sendable {
        /// Neither signed by a trusted authority nor pinned.
        case unknown(CertificateFingerprint)
        /// Not the certificate pinned for the server.
        case changed(pinned: CertificateFingerprint, presented: CertificateFingerprint, file: String)
        /// Not the certificate `--trust-fingerprint` named.
        case notTheOneGiven(given: CertificateFingerprint, presented: CertificateFingerprint)
        /// The pins or the authority file could not be read.
        case unreadable(String)
    }

    /// Decides on a server's chain (leaf first); nil means trusted.
    func refusal(of chain: [NIOSSLCertificate], server: ServerAddress) async -> Refusal? {
        guard let leaf = chain.first, let presented = try? CertificateFingerprint(leaf) else {
            return .unreadable("the server sent no certificate")
        }
        do {
            if let fingerprint {
                guard fingerprint == presented else { return .notTheOneGiven(given: fingerprint, presented: presented) }
                try knownServers?.pin(presented, for: server)
                return nil
            }
            if let knownServers, let pinned = try knownServers.fingerprint(of: server) {
                return pinned == presented ? nil : .changed(pinned: pinned, presented: presented, file: knownServers.path)
            }
        } catch {
            return .unreadable(error.message)
        }
        return await signedByTrustedAuthority(chain, server: server) ? nil : .unknown(presented)
    }

    private func signedByTrustedAuthority(_ chain: [NIOSSLCertificate], server: ServerAddress) async -> Bool {
        guard let certificates = try? chain.map({ try Certificate(derEncoded: try $0.toDERBytes()) }) else { return false }
        var roots = CertificateStore.systemTrustRoots
        if let authorityFile {
            guard let authorities = try? NIOSSLCertificate.fromPEMFile(authorityFile)
                .map({ try Certificate(derEncoded: try $0.toDERBytes()) })
            else { return false }
            roots.append(contentsOf: authorities)
        }
        var verifier = Verifier(rootCertificates: roots) {
            RFC5280Policy()
            ServerIdentityPolicy(serverHostname: server.hostName, serverIP: server.hostName == nil ? server.host : nil)
        }
        let result = await verifier.validate(leaf: certificates[0], intermediates: CertificateStore(certificates.dropFirst()))
        if case .validCertificate = result { return true }
        return false
    }

    /// The client's TLS handler for `server`; the refusal, if any, is left
    /// in `outcome` for the error that follows.
    func handler(for server: ServerAddress, outcome: TrustOutcome) throws -> NIOSSLClientHandler {
        try NIOSSLClientHandler(context: Self.context, serverHostname: server.hostName) { chain, promise in
            Task {
                let refusal = await self.refusal(of: chain, server: server)
                outcome.refusal.withLock { $0 = refusal }
                promise.succeed(refusal == nil ? .certificateVerified : .failed)
            }
        }
    }

    /// One context for every connection: verification is the callback's.
    private static let context: NIOSSLContext = {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.minimumTLSVersion = .tlsv12
        configuration.trustRoots = .certificates([])
        return try! NIOSSLContext(configuration: configuration)
    }()
}

/// What the verification of one connection decided.
final class TrustOutcome: Sendable {
    let refusal = Mutex<ServerTrust.Refusal?>(nil)
}

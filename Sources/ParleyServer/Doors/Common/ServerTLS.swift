import Logging
import NIOSSL
import ParleyTLS
import Synchronization

/// The certificate every door presents: the operator's (`tls_certificate`,
/// `tls_key`) or the server's own self-signed one in the data directory.
/// A reload swaps it whole; connections already open keep theirs.
final class ServerTLS: Sendable {
    private struct Current {
        var context: NIOSSLContext
        var fingerprint: CertificateFingerprint
    }

    private let configuration: ServerConfiguration
    private let current: Mutex<Current>

    init(_ configuration: ServerConfiguration) throws(IdentityError) {
        self.configuration = configuration
        current = Mutex(try Self.load(configuration))
    }

    var fingerprint: CertificateFingerprint { current.withLock { $0.fingerprint } }

    /// The first handler of an accepted connection.
    func handler() -> NIOSSLServerHandler {
        NIOSSLServerHandler(context: current.withLock { $0.context })
    }

    /// Reads the certificate and key again; on failure the old ones stay.
    func reload() throws(IdentityError) -> CertificateFingerprint {
        let loaded = try Self.load(configuration)
        current.withLock { $0 = loaded }
        return loaded.fingerprint
    }

    /// The identity `configuration` names, making the self-signed one on
    /// first use: what `parley-server fingerprint` prints.
    static func identity(_ configuration: ServerConfiguration) throws(IdentityError) -> ServerIdentity {
        if let certificate = configuration.tlsCertificatePath, let key = configuration.tlsKeyPath {
            return try ServerIdentity.load(certificate: certificate, key: key)
        }
        return try ServerIdentity.selfSigned(in: configuration.tlsDirectory, hostNames: ["localhost", configuration.host])
    }

    private static func load(_ configuration: ServerConfiguration) throws(IdentityError) -> Current {
        let identity = try identity(configuration)
        do {
            return Current(context: try identity.serverContext(), fingerprint: identity.fingerprint)
        } catch {
            throw IdentityError("the certificate and key cannot be used together: \(error) — is the key the certificate's?")
        }
    }
}

extension ParleyServer {
    /// The fingerprint of the certificate the server presents, made on first
    /// use for a self-signed one; nil with `tls = false`.
    public static func fingerprint(_ configuration: ServerConfiguration) throws -> CertificateFingerprint? {
        guard configuration.tls else { return nil }
        return try ServerTLS.identity(configuration).fingerprint
    }
}

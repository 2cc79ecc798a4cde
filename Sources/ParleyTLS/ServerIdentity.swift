import Crypto
import Foundation
import NIOSSL
import SwiftASN1
import X509

/// A server's certificate chain and key: from files an operator names
/// (`tls_certificate`, `tls_key`), or made once and kept in the data
/// directory, self-signed, for clients to pin.
public struct ServerIdentity: Sendable {
    public let chain: [NIOSSLCertificate]
    public let key: NIOSSLPrivateKey

    /// The leaf's: what clients see and pin.
    public var fingerprint: CertificateFingerprint { try! CertificateFingerprint(chain[0]) }

    public init(chain: [NIOSSLCertificate], key: NIOSSLPrivateKey) {
        precondition(!chain.isEmpty, "a chain has at least its leaf")
        self.chain = chain
        self.key = key
    }

    /// Reads a PEM chain (leaf first) and its PEM key.
    public static func load(certificate: String, key: String) throws(IdentityError) -> ServerIdentity {
        let chain: [NIOSSLCertificate]
        do {
            chain = try NIOSSLCertificate.fromPEMFile(certificate)
        } catch {
            throw IdentityError("cannot read the certificate chain \(certificate): \(error) — it must be PEM, the server's certificate first")
        }
        guard !chain.isEmpty else { throw IdentityError("\(certificate) holds no certificate") }
        let privateKey: NIOSSLPrivateKey
        do {
            privateKey = try NIOSSLPrivateKey(file: key, format: .pem)
        } catch {
            throw IdentityError("cannot read the private key \(key): \(error) — it must be PEM and unencrypted")
        }
        return ServerIdentity(chain: chain, key: privateKey)
    }

    /// The identity kept in `directory` (`certificate.pem`, `key.pem`),
    /// made on first use: a P-256 key and a self-signed certificate.
    public static func selfSigned(in directory: String, hostNames: [String] = ["localhost"]) throws(IdentityError) -> ServerIdentity {
        let certificatePath = directory + "/certificate.pem"
        let keyPath = directory + "/key.pem"
        let files = FileManager.default
        switch (files.fileExists(atPath: certificatePath), files.fileExists(atPath: keyPath)) {
        case (true, true):
            return try load(certificate: certificatePath, key: keyPath)
        case (false, false):
            break
        default:
            throw IdentityError(
                "\(directory) holds only one of certificate.pem and key.pem; remove the other to make a new pair (clients will see a new fingerprint)"
            )
        }
        let made: (certificate: String, key: String)
        do {
            made = try SelfSignedCertificate.make(commonName: "parley-server", hostNames: hostNames)
        } catch {
            throw IdentityError("cannot make a certificate: \(error)")
        }
        do {
            try files.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            // The key first: a certificate without its key would be useless.
            try write(made.key, to: keyPath)
            try write(made.certificate, to: certificatePath)
        } catch {
            throw IdentityError("cannot write the server's certificate in \(directory): \(error.localizedDescription) — the data directory must be writable by this user")
        }
        return try load(certificate: certificatePath, key: keyPath)
    }

    /// Whole or not at all, readable by this user only.
    private static func write(_ text: String, to path: String) throws {
        let temporary = path + ".new"
        guard FileManager.default.createFile(atPath: temporary, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600]) else {
            throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: temporary])
        }
        guard rename(temporary, path) == 0 else { throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path]) }
    }

    /// What a TLS server with this identity needs.
    public func serverContext() throws -> NIOSSLContext {
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key)
        )
        configuration.minimumTLSVersion = .tlsv12
        return try NIOSSLContext(configuration: configuration)
    }
}

public struct IdentityError: Error, Sendable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// Makes keys and certificates in PEM: the server's own self-signed one,
/// and, for tests and private networks, an authority and what it signs.
public enum SelfSignedCertificate {
    static let lifetime: TimeInterval = 20 * 365 * 86_400

    /// A self-signed server certificate and its key.
    public static func make(commonName: String, hostNames: [String]) throws -> (certificate: String, key: String) {
        try selfSigned(commonName: commonName, extensions: try serverExtensions(hostNames: hostNames))
    }

    /// An authority (a CA certificate and its key) that can sign server
    /// certificates with `sign`.
    public static func makeAuthority(commonName: String) throws -> (certificate: String, key: String) {
        try selfSigned(commonName: commonName, extensions: try Certificate.Extensions {
            Critical(BasicConstraints.isCertificateAuthority(maxPathLength: nil))
            Critical(KeyUsage(keyCertSign: true))
        })
    }

    private static func selfSigned(commonName: String, extensions: Certificate.Extensions) throws -> (certificate: String, key: String) {
        let key = P256.Signing.PrivateKey()
        let name = try DistinguishedName { CommonName(commonName) }
        let certificate = try Certificate(
            version: .v3, serialNumber: .init(), publicKey: .init(key.publicKey),
            notValidBefore: Date() - 3600, notValidAfter: Date() + lifetime,
            issuer: name, subject: name, signatureAlgorithm: .ecdsaWithSHA256,
            extensions: extensions, issuerPrivateKey: .init(key)
        )
        return (try certificate.serializeAsPEM().pemString, key.pemRepresentation)
    }

    /// A server certificate for `hostNames` signed by `authority`.
    public static func sign(
        hostNames: [String], by authority: (certificate: String, key: String)
    ) throws -> (certificate: String, key: String) {
        let issuer = try Certificate(pemEncoded: authority.certificate)
        let issuerKey = try P256.Signing.PrivateKey(pemRepresentation: authority.key)
        let key = P256.Signing.PrivateKey()
        let certificate = try Certificate(
            version: .v3, serialNumber: .init(), publicKey: .init(key.publicKey),
            notValidBefore: Date() - 3600, notValidAfter: Date() + 86_400,
            issuer: issuer.subject, subject: try DistinguishedName { CommonName(hostNames.first ?? "server") },
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try serverExtensions(hostNames: hostNames), issuerPrivateKey: .init(issuerKey)
        )
        return (try certificate.serializeAsPEM().pemString, key.pemRepresentation)
    }

    private static func serverExtensions(hostNames: [String]) throws -> Certificate.Extensions {
        try Certificate.Extensions {
            Critical(BasicConstraints.notCertificateAuthority)
            Critical(KeyUsage(digitalSignature: true))
            try ExtendedKeyUsage([.serverAuth])
            SubjectAlternativeNames(hostNames.map { name in
                if let address = IPv4Address(name) { return .ipAddress(ASN1OctetString(contentBytes: address.bytes[...])) }
                return .dnsName(name)
            })
        }
    }
}

/// Dotted IPv4, for a certificate's IP address entries.
private struct IPv4Address {
    let bytes: [UInt8]
    init?(_ text: String) {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var bytes: [UInt8] = []
        for part in parts {
            guard let byte = UInt8(part) else { return nil }
            bytes.append(byte)
        }
        self.bytes = bytes
    }
}

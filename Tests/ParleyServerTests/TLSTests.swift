import Foundation
import ParleyClient
import ParleyServer
import ParleyTLS
import ParleyTestSupport
import Testing

/// TLS on the port, the certificate the server makes or is given, and the
/// client's trust in it: authorities, pins, --trust-fingerprint.
@Suite struct TLSTests {
    let directory = TestServer.makeDataDirectory()

    private func trust(pinsIn file: String, fingerprint: CertificateFingerprint? = nil, authorities: String? = nil) -> ParleyConnection.Options {
        var options = ParleyConnection.Options()
        options.tls = ServerTrust(knownServers: KnownServers(path: file), fingerprint: fingerprint, authorityFile: authorities)
        return options
    }

    private func refusal(connecting port: Int, _ options: ParleyConnection.Options) async -> ServerTrust.Refusal? {
        do {
            await (try ParleyConnection.connect(host: "127.0.0.1", port: port, options: options)).close()
            return nil
        } catch ParleyClientError.untrusted(_, let refusal) {
            return refusal
        } catch {
            Issue.record("expected a refused certificate, got \(error)")
            return nil
        }
    }

    @Test func theServerMakesItsCertificateOnceAndPrintsTheFingerprintOpenSSLSees() async throws {
        let data = directory + "/data"
        let printed = try #require(CertificateFingerprint(try fingerprintCommand(data)))
        let server = try ServerProcess(["--port", "0", "--data-dir", data])
        defer { server.process.terminate(); _ = server.finish() }
        let port = try #require(try server.waitForListeningPort())
        #expect(server.fingerprint == printed, "the listening line names the certificate made before")
        #expect(CertificateFingerprint(try fingerprintCommand(data)) == printed, "made once, kept")

        // What a TLS client that knows nothing of Parley sees.
        let openssl = Process()
        openssl.executableURL = URL(fileURLWithPath: "/bin/sh")
        openssl.arguments = [
            "-c", "openssl s_client -connect 127.0.0.1:\(port) </dev/null 2>/dev/null | openssl x509 -noout -fingerprint -sha256",
        ]
        let output = Pipe()
        openssl.standardOutput = output
        let reader = PipeReader(output)
        try openssl.run()
        try await openssl.exit(within: .seconds(30))
        let seen = try await reader.text(within: .seconds(5))
        #expect(CertificateFingerprint(String(seen.split(separator: "=").last ?? "")) == printed, "\(seen)")

        let attributes = try FileManager.default.attributesOfItem(atPath: data + "/tls/key.pem")
        #expect((attributes[.posixPermissions] as? Int).map { $0 & 0o077 } == 0, "the key is the owner's only")
        try? FileManager.default.removeItem(atPath: directory)
    }

    private func fingerprintCommand(_ data: String) throws -> String {
        let process = Process()
        process.executableURL = ServerProcess.binary
        process.arguments = ["fingerprint", "--data-dir", data]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        try process.waitUntilExit(timeout: .seconds(30))
        #expect(process.terminationStatus == 0)
        return String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test func aSelfSignedCertificateIsTrustedOnlyOnceGivenAndThenPinned() async throws {
        let server = try await TestServer.start()
        let fingerprint = try #require(server.server.fingerprint)
        let pins = directory + "/known_servers"

        #expect(await refusal(connecting: server.port, trust(pinsIn: pins)) == .unknown(fingerprint))
        #expect(!FileManager.default.fileExists(atPath: pins), "nothing pinned without being asked")

        let wrong = CertificateFingerprint(der: [1, 2, 3])
        #expect(await refusal(connecting: server.port, trust(pinsIn: pins, fingerprint: wrong)) == .notTheOneGiven(given: wrong, presented: fingerprint))

        // --trust-fingerprint with the right one connects and pins it.
        #expect(await refusal(connecting: server.port, trust(pinsIn: pins, fingerprint: fingerprint)) == nil)
        #expect(try KnownServers(path: pins).fingerprint(of: ServerAddress(host: "127.0.0.1", port: server.port)) == fingerprint)
        #expect(await refusal(connecting: server.port, trust(pinsIn: pins)) == nil, "pinned: trusted from now on")
        await server.finish()
    }

    @Test func aChangedCertificateIsRefusedNamingBothFingerprintsAndTheFile() async throws {
        let server = try await TestServer.start()
        let pins = directory + "/known_servers"
        let address = ServerAddress(host: "127.0.0.1", port: server.port)
        let old = CertificateFingerprint(der: [9, 9, 9])
        try KnownServers(path: pins).pin(old, for: address)
        let presented = try #require(server.server.fingerprint)
        let refused = await refusal(connecting: server.port, trust(pinsIn: pins))
        #expect(refused == .changed(pinned: old, presented: presented, file: pins))
        let sentence = ParleyClientError.untrusted(server: address.description, try #require(refused)).description
        #expect(sentence.contains("HAS CHANGED") && sentence.contains("\(old)") && sentence.contains("\(presented)") && sentence.contains(pins))
        await server.finish()
    }

    @Test func aCertificateSignedByATrustedAuthorityNeedsNoPinButMustNameTheHost() async throws {
        let authority = try SelfSignedCertificate.makeAuthority(commonName: "Test CA")
        let authorityFile = directory + "/ca.pem"
        try authority.certificate.write(toFile: authorityFile, atomically: true, encoding: .utf8)
        let pins = directory + "/known_servers"

        let rightHost = try await server(signedFor: ["127.0.0.1"], by: authority, name: "right")
        #expect(await refusal(connecting: rightHost.port, trust(pinsIn: pins, authorities: authorityFile)) == nil)
        #expect(!FileManager.default.fileExists(atPath: pins), "an authority's word needs no pin")
        #expect(await refusal(connecting: rightHost.port, trust(pinsIn: pins)) == .unknown(try #require(rightHost.server.fingerprint)),
                "without the authority, the same certificate is unknown")

        let wrongHost = try await server(signedFor: ["chat.example.org"], by: authority, name: "wrong")
        #expect(await refusal(connecting: wrongHost.port, trust(pinsIn: pins, authorities: authorityFile))
            == .unknown(try #require(wrongHost.server.fingerprint)), "signed, but for another host")
        await rightHost.finish()
        await wrongHost.finish()
    }

    private func server(signedFor hosts: [String], by authority: (certificate: String, key: String), name: String) async throws -> TestServer {
        let signed = try SelfSignedCertificate.sign(hostNames: hosts, by: authority)
        let (certificate, key) = (directory + "/\(name).pem", directory + "/\(name)-key.pem")
        try signed.certificate.write(toFile: certificate, atomically: true, encoding: .utf8)
        try signed.key.write(toFile: key, atomically: true, encoding: .utf8)
        return try await TestServer.start {
            $0.tlsCertificatePath = certificate
            $0.tlsKeyPath = key
        }
    }

    @Test func sighupReloadsTheCertificateForNewConnectionsAndOpenOnesStay() async throws {
        let authority = try SelfSignedCertificate.makeAuthority(commonName: "Test CA")
        let (certificate, key) = (directory + "/chain.pem", directory + "/key.pem")
        func install(_ pair: (certificate: String, key: String)) throws -> CertificateFingerprint {
            try pair.key.write(toFile: key, atomically: true, encoding: .utf8)
            try pair.certificate.write(toFile: certificate, atomically: true, encoding: .utf8)
            return try ServerIdentity.load(certificate: certificate, key: key).fingerprint
        }
        let first = try install(try SelfSignedCertificate.sign(hostNames: ["127.0.0.1"], by: authority))
        let config = directory + "/server.toml"
        try ("tls_certificate = \"\(certificate)\"\ntls_key = \"\(key)\"\n[password_hash]\nlog_n = 10\n" + ServerProcess.relaxedDeadlines)
            .write(toFile: config, atomically: true, encoding: .utf8)
        let server = try ServerProcess(["--port", "0", "--data-dir", directory + "/data", "--config", config])
        defer { server.process.terminate(); _ = server.finish() }
        let port = try #require(try server.waitForListeningPort())
        #expect(server.fingerprint == first)
        let open = try await ParleyConnection.connect(host: "127.0.0.1", port: port, options: server.options)

        let renewed = try install(try SelfSignedCertificate.sign(hostNames: ["127.0.0.1"], by: authority))
        kill(server.process.processIdentifier, SIGHUP)
        var options = ParleyConnection.Options()
        options.tls = .only(renewed)
        let deadline = ContinuousClock.now + .seconds(30)
        while true {
            if let connection = try? await ParleyConnection.connect(host: "127.0.0.1", port: port, options: options) {
                await connection.close()
                break
            }
            guard ContinuousClock.now < deadline else { throw TimedOut(waitingFor: "the renewed certificate") }
            try await Task.sleep(for: .milliseconds(20))
        }
        try await open.register(name: "alice", password: "long enough")
        await open.close()

        // A broken file keeps the certificate in use, and the server up.
        try "not a certificate".write(toFile: certificate, atomically: true, encoding: .utf8)
        kill(server.process.processIdentifier, SIGHUP)
        let still = try await ParleyConnection.connect(host: "127.0.0.1", port: port, options: options)
        await still.close()
        try? FileManager.default.removeItem(atPath: directory)
    }

    @Test func plaintextNeedsBothSidesToSaySoAndEachMistakeIsNamed() async throws {
        // A plaintext client at a TLS server.
        let tlsServer = try await TestServer.start()
        var plaintext = ParleyConnection.Options()
        plaintext.tls = nil
        await #expect {
            _ = try await ParleyConnection.connect(host: "127.0.0.1", port: tlsServer.port, options: plaintext)
        } throws: { "\($0)".contains("drop --insecure") }
        await tlsServer.finish()

        // A TLS client at a plaintext server.
        let plainServer = try await TestServer.start { $0.tls = false }
        #expect(plainServer.server.fingerprint == nil)
        await #expect {
            _ = try await ParleyConnection.connect(host: "127.0.0.1", port: plainServer.port, options: trust(pinsIn: directory + "/pins"))
        } throws: { "\($0)".contains("--insecure") }
        let connection = try await ParleyConnection.connect(host: "127.0.0.1", port: plainServer.port, options: plaintext)
        await connection.close()
        await plainServer.finish()
    }

    @Test func plaintextOffLoopbackIsRefusedUnlessAllowed() throws {
        var configuration = ServerConfiguration(dataDirectory: directory)
        configuration.tls = false
        configuration.host = "0.0.0.0"
        #expect(throws: ConfigurationError.self) { try configuration.validate() }
        configuration.allowPlaintextOnNetwork = true
        try configuration.validate()
        configuration.host = "127.0.0.1"
        configuration.allowPlaintextOnNetwork = false
        try configuration.validate()
        configuration.tlsCertificatePath = "/some/chain.pem"
        #expect(throws: ConfigurationError.self, "a certificate without its key") { try configuration.validate() }
    }

    @Test func aConnectionThatNeverFinishesItsHandshakeIsClosed() async throws {
        let server = try await TestServer.start {
            // Long enough for the holder's login on a busy machine.
            $0.helloTimeoutSeconds = 3
            $0.loginTimeoutSeconds = 20
            $0.maxConnectionsPerAddress = 1
        }
        // Admitted, silent: the hello deadline closes it.
        let admitted = try await RawClient.connect(port: server.port, tls: false)
        try await admitted.waitUntilClosed(timeout: .seconds(20))
        // Over the cap, silent: its refusal cannot be written inside TLS,
        // and it is closed all the same.
        let holder = try await server.user("holder")
        let refused = try await RawClient.connect(port: server.port, tls: false)
        try await refused.waitUntilClosed(timeout: .seconds(20))
        await holder.connection.close()
        await server.finish()
    }
}

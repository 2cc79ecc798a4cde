import Foundation
import ParleyClient
import ParleyDomain
import ParleyTestSupport
import Testing

/// What goes wrong with a local file reaches the user as a sentence that
/// says what to do, never as a system error's dump.
@Suite struct LocalFileErrorTests {
    @Test func uploadingAFolderOrNothingSaysWhatToDo() async throws {
        let directory = TestServer.makeDataDirectory()
        let server = try await TestServer.start()
        let alice = try await server.user("alice")
        for (path, expected) in [
            (directory, "\(directory) is a folder; only single files can be shared (pack a folder with zip or tar first)."),
            (directory + "/missing.txt", "There is no file \(directory)/missing.txt; check the path."),
            ("/dev/null", "/dev/null is not a regular file (a device, a pipe or a socket); upload a file."),
        ] {
            do {
                _ = try await alice.connection.upload(file: path, to: .lobby)
                Issue.record("uploaded \(path)")
            } catch {
                #expect("\(error)" == expected)
                #expect(!"\(error)".contains("Domain="))
            }
        }
        await server.finish()
    }

    @Test func foundationErrorsBecomeSentences() {
        let error = NSError(domain: NSCocoaErrorDomain, code: 256, userInfo: [
            NSUnderlyingErrorKey: NSError(domain: NSPOSIXErrorDomain, code: Int(EISDIR)),
        ])
        #expect(LocalPath.sentence(for: error, path: "/tmp/x") == "/tmp/x is a folder; only single files can be shared (pack a folder with zip or tar first).")
        #expect(LocalPath.sentence(for: NSError(domain: NSCocoaErrorDomain, code: 256), path: "/tmp/x")
            == "/tmp/x could not be read or written; check that it exists and that you may use it.")
    }
}

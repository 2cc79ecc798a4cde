import Foundation
import ParleyClient
import Testing

@Suite struct DownloadPlaceTests {
    let directory: String

    init() throws {
        directory = NSTemporaryDirectory() + "parley-place-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory + "/downloads", withIntermediateDirectories: true)
    }

    /// A finished download's bytes, as the part file holds them.
    func part(_ text: String) throws -> String {
        let path = directory + "/downloads/.parley-\(UUID().uuidString).part"
        try text.write(toFile: path, atomically: false, encoding: .utf8)
        return path
    }

    @Test func aTakenNameGetsANumber() throws {
        let downloads = directory + "/downloads"
        #expect(try DownloadPlace.place(part("1"), as: "report.pdf", in: downloads) == downloads + "/report.pdf")
        #expect(try DownloadPlace.place(part("2"), as: "report.pdf", in: downloads) == downloads + "/report (1).pdf")
        #expect(try DownloadPlace.place(part("3"), as: "notes", in: downloads) == downloads + "/notes")
        #expect(try DownloadPlace.place(part("4"), as: "notes", in: downloads) == downloads + "/notes (1)")
        #expect(try String(contentsOfFile: downloads + "/report (1).pdf", encoding: .utf8) == "2")
        let left = try FileManager.default.contentsOfDirectory(atPath: downloads).filter { $0.hasSuffix(".part") }
        #expect(left.isEmpty, "the part files were moved, not copied")
    }

    /// Names a hostile server could send: each lands in the download
    /// directory itself.
    @Test(arguments: ["../x", "a/\u{200D}../\u{200D}../escaped", "/etc/passwd", "..\\..\\win", "\u{200D}/\u{200D}../up", ".."])
    func aHostileNameStaysInTheDownloadDirectory(_ name: String) throws {
        let downloads = directory + "/downloads"
        let placed = try DownloadPlace.place(part("x"), as: name, in: downloads)
        #expect((placed as NSString).deletingLastPathComponent == downloads, "\(placed)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == ["downloads"], "nothing beside the directory")
    }

    /// A link planted where the file is to go is neither followed nor replaced.
    @Test func aPlantedLinkIsLeftAlone() throws {
        let downloads = directory + "/downloads"
        let victim = directory + "/victim"
        try "precious".write(toFile: victim, atomically: false, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: downloads + "/report.pdf", withDestinationPath: victim)
        let placed = try DownloadPlace.place(part("bytes"), as: "report.pdf", in: downloads)
        #expect(placed == downloads + "/report (1).pdf")
        #expect(try String(contentsOfFile: victim, encoding: .utf8) == "precious")
    }
}

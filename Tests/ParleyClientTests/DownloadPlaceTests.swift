import ParleyClient
import Testing

@Suite struct DownloadPlaceTests {
    @Test func aTakenNameGetsANumber() {
        let taken: Set = ["/d/report.pdf", "/d/report (1).pdf", "/d/notes"]
        #expect(DownloadPlace.uniquePath(for: "report.pdf", in: "/d", exists: taken.contains) == "/d/report (2).pdf")
        #expect(DownloadPlace.uniquePath(for: "notes", in: "/d", exists: taken.contains) == "/d/notes (1)")
        #expect(DownloadPlace.uniquePath(for: "new.txt", in: "/d", exists: taken.contains) == "/d/new.txt")
        #expect(DownloadPlace.uniquePath(for: "../x", in: "/d", exists: taken.contains) == "/d/x")
    }
}

import ParleyDomain
import Testing

@Suite struct FileRulesTests {
    @Test(arguments: [
        ([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0], FileType.png),
        ([0xFF, 0xD8, 0xFF, 0xE0], .jpeg),
        (Array("GIF89a...".utf8), .gif),
        (Array("%PDF-1.4".utf8), .pdf),
        ([0x50, 0x4B, 0x03, 0x04, 20], .zip),
        (Array("plain words\nand lines, ünïcode ✓".utf8), .text),
        (Array("abc".utf8) + [0xE2, 0x9C], .text),
        ([0x00, 0x01, 0x02, 0xFF], .other),
        ([], .other),
    ] as [([UInt8], FileType)])
    func typesFromTheFirstBytes(_ bytes: [UInt8], _ type: FileType) {
        #expect(FileType.detect(bytes) == type)
    }

    @Test func sizesAsPeopleReadThem() {
        #expect(ByteCount.text(999) == "999 B")
        #expect(ByteCount.text(1_234) == "1.2 KiB")
        #expect(ByteCount.text(52_428_800) == "50.0 MiB", "as the README and the limits say it")
        #expect(ByteCount.text(999_999_999) == "953.7 MiB")
        #expect(ByteCount.text(1 << 30) == "1.0 GiB")
    }

    @Test(arguments: [
        ("../../etc/passwd", "etc_passwd"),
        ("a\\b/c", "a_b_c"),
        (".hidden", "hidden"),
        ("  spaced  .txt ", "spaced  .txt"),
        ("tab\there", "tabhere"),
        ("", "file"),
        ("./..", "file"),
        // A joiner after each `/` once kept them from splitting the name.
        ("a/\u{200D}../\u{200D}../.bashrc", "a_.bashrc"),
        ("\u{200D}/\u{200D}..\u{200D}/x", "x"),
        ("../\u{2028}../x", "x"),
    ])
    func namesAreCleaned(_ given: String, _ shown: String) {
        #expect(FileNameRules.clean(given) == shown)
    }

    @Test func aLongNameKeepsItsExtension() {
        let cleaned = FileNameRules.clean(String(repeating: "é", count: 200) + ".tar.gz")
        #expect(cleaned.count == FileNameRules.maxCharacters && cleaned.hasSuffix("éé.gz"))
    }
}

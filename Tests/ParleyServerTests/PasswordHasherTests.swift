import ParleyServer
import Testing

@Suite struct PasswordHasherTests {
    @Test func theDefaultCostHashesAndVerifies() throws {
        let hasher = PasswordHasher()
        let hash = try hasher.hash("pässwörd 🔑")
        #expect(hash.hasPrefix("scrypt$ln=15,r=8,p=1$"))
        #expect(hasher.verify("pässwörd 🔑", against: hash))
        #expect(!hasher.verify("pässwörd", against: hash))
    }

    @Test func aHashKeepsItsOwnCostWhenTheDefaultIsRaised() throws {
        let old = try PasswordHasher(cost: .init(logN: 10, blockSize: 8, parallelism: 1)).hash("open sesame")
        #expect(PasswordHasher(cost: .init(logN: 16, blockSize: 8, parallelism: 1)).verify("open sesame", against: old))
    }

    @Test(arguments: ["", "plain text", "scrypt$ln=99,r=8,p=1$AAAA$AAAA", "scrypt$ln=10$AAAA$AAAA", "md5$x$y$z"])
    func unreadableHashesNeverVerify(_ stored: String) {
        #expect(!PasswordHasher().verify("anything", against: stored))
    }
}

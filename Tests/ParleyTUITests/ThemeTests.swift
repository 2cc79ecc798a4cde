import ParleyClient
import Foundation
import Testing

@testable import ParleyTUI

@Suite struct ThemeTests {
    let library = ThemeLibrary(userDirectory: nil)

    @Test(arguments: ["default", "light", "high-contrast", "mono"])
    func everyShippedThemeLoadsAndNamesEveryRole(_ name: String) throws {
        let theme = try library.load(name)
        let missing = Role.allCases.filter { $0 != .normal && theme.styles[$0] == nil }
        #expect(missing.isEmpty, "\(name) lacks \(missing)")
        #expect(theme.style(for: .own) != theme.style(for: .other), "own and other differ in \(name)")
        #expect(theme.style(for: .mention) != theme.style(for: .other))
    }

    @Test func monoHasNoColours() throws {
        let mono = try library.load("mono")
        #expect(Role.allCases.allSatisfy { mono.style(for: $0).foreground == -1 && mono.style(for: $0).background == -1 })
    }

    @Test func theRobotIsBlueInTheDefaultTheme() throws {
        #expect(try library.load("default").style(for: .robot).foreground == 4)
    }

    @Test func mistakesAreNamed() {
        #expect(throws: ThemeError.self) { try Theme.parse("[owm]\nfg = \"red\"", name: "x", source: "x.toml") }
        #expect(throws: ThemeError.self) { try Theme.parse("[own]\nfg = \"reddish\"", name: "x", source: "x.toml") }
        #expect(throws: ThemeError.self) { try Theme.parse("[own]\nfg = 300", name: "x", source: "x.toml") }
        #expect(throws: ThemeError.self) { try Theme.parse("[own]\nblink = true", name: "x", source: "x.toml") }
        #expect(throws: ThemeError.self) { try library.load("../etc/passwd") }
        let error = #expect(throws: ThemeError.self) { try library.load("nonesuch") }
        #expect(error?.message.contains("default") == true && error?.message.contains("mono") == true)
    }

    @Test func eightColourTerminalsGetTheNearestBasicColour() {
        #expect(CursesScreen.fit(2, colours: 8) == 2)
        #expect(CursesScreen.fit(10, colours: 8) == 2, "bright green → green")
        #expect(CursesScreen.fit(196, colours: 8) == 1, "a 256-colour red → red")
        #expect(CursesScreen.fit(21, colours: 8) == 4, "a 256-colour blue → blue")
        #expect(CursesScreen.fit(250, colours: 8) == 7)
        #expect(CursesScreen.fit(196, colours: 256) == 196)
        #expect(CursesScreen.fit(-1, colours: 8) == -1)
    }
}

@Suite struct ClientConfigTests {
    @Test func settingsAndKeysAreRead() throws {
        let config = try ClientConfig.parse("""
            server = "chat.example:7000"
            user = "alice"
            theme = "light"
            download_dir = "~/dl"
            bell = false
            popup = "notify"
            [keys]
            ctrl-q = "quit"
            f2 = "help"
            """, source: "config.toml")
        #expect(config.server == "chat.example:7000" && config.user == "alice" && config.theme == "light")
        #expect(config.downloadDirectory == "~/dl" && config.bell == false && config.popupOnMessage == false)
        #expect(try config.keymap().command(for: .ctrl("q")) == .quit)
        #expect(try config.keymap().command(for: .function(2)) == .help)
        #expect(try config.keymap().command(for: .enter) == .send, "unchanged keys keep their binding")
    }

    @Test func mistakesAreNamed() {
        #expect(throws: ConfigError.self) { try ClientConfig.parse("sever = \"x\"", source: "c") }
        #expect(throws: ConfigError.self) { try ClientConfig.parse("[keys]\nctrl-q = \"explode\"", source: "c").keymap() }
        #expect(throws: ConfigError.self) { try ClientConfig.parse("[keys]\nhyper-q = \"quit\"", source: "c").keymap() }
        #expect(throws: ConfigError.self) { try ClientConfig.parse("bell = \"loud\"", source: "c") }
        #expect(throws: ConfigError.self) { try ClientConfig.parse("popup = \"sometimes\"", source: "c") }
    }

    @Test func serverAddresses() {
        #expect(ServerAddress("127.0.0.1:7070") == ServerAddress(host: "127.0.0.1", port: 7070))
        #expect(ServerAddress("example.org") == ServerAddress(host: "example.org", port: 7070))
        #expect(ServerAddress("[::1]:9000") == ServerAddress(host: "::1", port: 9000))
        #expect(ServerAddress("host:notaport") == nil)
        #expect(ServerAddress("host:70000") == nil)
        #expect(ServerAddress(":7070") == nil)
    }
}

import ParleyClient
import Foundation
import Testing

@testable import ParleyTUI

/// docs/KEYS.md is the documentation of the keymap; it must not drift.
@Suite struct KeysDocumentTests {
    let document: String = {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return (try? String(contentsOf: root.appendingPathComponent("docs/KEYS.md"), encoding: .utf8)) ?? ""
    }()

    @Test func everyBoundKeyAndCommandIsDocumented() {
        #expect(!document.isEmpty)
        for (key, command) in Keymap.standard.bindings {
            #expect(document.contains("`\(key.name)`"), "\(key.name) is not in docs/KEYS.md")
            #expect(document.contains("`\(command.rawValue)`"), "\(command.rawValue) is not in docs/KEYS.md")
        }
        for command in SlashCommand.allCases {
            #expect(document.contains("`/\(command.rawValue)"), "/\(command.rawValue) is not in docs/KEYS.md")
        }
    }
}

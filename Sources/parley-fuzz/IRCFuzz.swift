import ParleyIRC

/// One fuzzing input as what the IRC door reads: lines cut at LF (a CR
/// before it dropped), each through the parser; what parses must come back
/// the same from its serialized line, and its text must survive what the
/// door does with it (IRC's formatting codes left out, cut into lines that
/// fit). A crash, a broken precondition or a round trip that changes the
/// message is a finding.
enum IRCFuzz {
    static func run(_ bytes: UnsafeRawBufferPointer) {
        for raw in bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            var line = Array(raw)
            if line.last == UInt8(ascii: "\r") { line.removeLast() }
            guard let text = String(validating: line, as: UTF8.self) else { continue }
            check(text)
        }
    }

    static func check(_ text: String) {
        guard let message = try? IRCMessage.parse(Substring(text)) else { return }
        let serialized = message.line
        let scalars = Array(serialized.unicodeScalars)
        precondition(
            scalars.suffix(2) == ["\r", "\n"] && !scalars.dropLast(2).contains { $0 == "\r" || $0 == "\n" },
            "a line break inside \(serialized)"
        )
        // CR and NUL are flattened to spaces on the way out; a trailing colon
        // added to a 15th parameter may push a full line one byte past 512.
        if !text.unicodeScalars.contains(where: { $0 == "\0" || $0 == "\r" }), let again = try? IRCMessage.parse(Substring(serialized.dropLast())) {
            precondition(again == message, "changed on a round trip: \(message) → \(again)")
        }
        for parameter in message.parameters {
            let plain = IRCWords.parleyText(from: parameter)
            if let plain {
                precondition(!plain.unicodeScalars.contains { [0x02, 0x03, 0x0F, 0x1D, 0x1F].contains($0.value) }, "formatting left in \(plain)")
            }
            let budget = 4 + Int(parameter.utf8.first ?? 0) % 400
            let pieces = TextSplitter.pieces(of: parameter, maxBytes: budget)
            precondition(pieces.allSatisfy { !$0.isEmpty && $0.utf8.count <= budget && !$0.contains("\n") }, "a piece out of bounds")
            precondition(pieces.map(\.unicodeScalars.count).reduce(0, +) <= parameter.unicodeScalars.count, "pieces hold more than the text")
            _ = IRCTime.millis(parameter)
            _ = MessageID.id(parameter)
        }
    }
}

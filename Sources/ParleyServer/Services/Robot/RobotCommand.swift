import ParleyDomain

/// What a message asks the robot, read from the words after `@robot`.
enum RobotCommand: Hashable, Sendable {
    case help
    case time
    case who
    case roll(dice: Int, sides: Int)
    /// `roll` with something that is not NdM within the limits.
    case badRoll
    case stats
    case echo(String)
    case unknown(String)

    static let maxDice = 100
    static let maxSides = 1000

    /// The command of a message that mentions `@robot`; nil for any other.
    init?(message text: String) {
        let lowered = text.lowercased()
        let tag = "@" + ProtocolConstants.robotName
        var rest: Substring?
        var search = lowered.startIndex
        while rest == nil, let found = lowered.range(of: tag, range: search..<lowered.endIndex) {
            let after = lowered[found.upperBound...]
            if after.first.map({ !($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") }) ?? true {
                // The same offsets in the original keep echo's text as typed.
                let offset = lowered.distance(from: lowered.startIndex, to: found.upperBound)
                rest = text.dropFirst(offset)
            }
            search = found.upperBound
        }
        guard let rest else { return nil }
        let words = rest.drop { $0 == ":" || $0 == "," || $0.isWhitespace }
        let verb = words.prefix { !$0.isWhitespace }
        let argument = words.dropFirst(verb.count).trimmingCharacters(in: .whitespacesAndNewlines)
        switch verb.lowercased() {
        case "", "help": self = .help
        case "time": self = .time
        case "who": self = .who
        case "stats": self = .stats
        case "echo": self = argument.isEmpty ? .unknown("echo") : .echo(argument)
        case "roll": self = Self.roll(argument.isEmpty ? "1d6" : argument)
        default: self = .unknown(String(verb))
        }
    }

    private static func roll(_ spec: String) -> RobotCommand {
        let parts = spec.lowercased().split(separator: "d", omittingEmptySubsequences: false)
        guard parts.count == 2,
              let dice = parts[0].isEmpty ? 1 : Int(parts[0]), let sides = Int(parts[1]),
              (1...maxDice).contains(dice), (2...maxSides).contains(sides)
        else { return .badRoll }
        return .roll(dice: dice, sides: sides)
    }
}

import Foundation
import ParleyClient
import TOMLKit

/// How one role looks.
public struct Style: Hashable, Sendable {
    /// -1 is the terminal's default; 0–255 are the terminal's palette.
    public var foreground = -1
    public var background = -1
    public var bold = false
    public var underline = false
    public var reverse = false
    public var dim = false
    public init() {}
}

/// Roles mapped to styles, read from a TOML file in themes/.
public struct Theme: Hashable, Sendable {
    public let name: String
    public private(set) var styles: [Role: Style]

    public func style(for role: Role) -> Style { styles[role] ?? Style() }

    /// The same theme without colours, for `NO_COLOR` and terminals without colour.
    public var withoutColours: Theme {
        var copy = self
        for role in Role.allCases {
            var style = copy.style(for: role)
            style.foreground = -1
            style.background = -1
            copy.styles[role] = style
        }
        return copy
    }

    static let colourNames = [
        "default": -1, "black": 0, "red": 1, "green": 2, "yellow": 3, "blue": 4, "magenta": 5, "cyan": 6, "white": 7,
        "bright-black": 8, "gray": 8, "grey": 8, "bright-red": 9, "bright-green": 10, "bright-yellow": 11,
        "bright-blue": 12, "bright-magenta": 13, "bright-cyan": 14, "bright-white": 15,
    ]

    /// Reads a theme. Every table is a role; keys are fg, bg, bold,
    /// underline, reverse, dim. Mistakes name the file and the key.
    public static func parse(_ text: String, name: String, source: String) throws(ThemeError) -> Theme {
        let table: TOMLTable
        do {
            table = try TOMLTable(string: text)
        } catch {
            throw ThemeError(message: "\(source): not valid TOML (\(error))")
        }
        var styles: [Role: Style] = [:]
        for key in table.keys {
            guard let role = Role(rawValue: key) else {
                throw ThemeError(message: "\(source): unknown role [\(key)]; roles are \(Role.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            guard let fields = table[key]?.table else {
                throw ThemeError(message: "\(source): \(key) must be a table ([\(key)])")
            }
            styles[role] = try style(fields, role: key, source: source)
        }
        return Theme(name: name, styles: styles)
    }

    private static func style(_ fields: TOMLTable, role: String, source: String) throws(ThemeError) -> Style {
        var style = Style()
        for key in fields.keys {
            let value = fields[key]!
            switch key {
            case "fg", "bg":
                let colour: Int
                if let name = value.string, let known = colourNames[name.lowercased()] {
                    colour = known
                } else if let number = value.int, (0...255).contains(number) {
                    colour = number
                } else {
                    throw ThemeError(message: "\(source): \(role).\(key) must be a colour name (red, bright-blue, default, …) or 0–255")
                }
                if key == "fg" { style.foreground = colour } else { style.background = colour }
            case "bold", "underline", "reverse", "dim":
                guard let flag = value.bool else { throw ThemeError(message: "\(source): \(role).\(key) must be true or false") }
                switch key {
                case "bold": style.bold = flag
                case "underline": style.underline = flag
                case "reverse": style.reverse = flag
                default: style.dim = flag
                }
            default:
                throw ThemeError(message: "\(source): unknown key \(role).\(key); use fg, bg, bold, underline, reverse, dim")
            }
        }
        return style
    }
}

public struct ThemeError: Error, Sendable, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}

/// Finds themes: the user's own in `$XDG_CONFIG_HOME/parley/themes`, then
/// those shipped with Parley.
public struct ThemeLibrary: Sendable {
    public var userDirectory: String?

    public init(userDirectory: String?) {
        self.userDirectory = userDirectory
    }

    public static var shippedDirectory: URL? {
        Bundle.module.url(forResource: "themes", withExtension: nil)
    }

    public var names: [String] {
        let directories = [userDirectory.map { URL(fileURLWithPath: $0) }, Self.shippedDirectory].compactMap { $0 }
        let files = directories.flatMap { (try? FileManager.default.contentsOfDirectory(atPath: $0.path)) ?? [] }
        return Set(files.filter { $0.hasSuffix(".toml") }.map { String($0.dropLast(5)) }).sorted()
    }

    public func load(_ name: String) throws(ThemeError) -> Theme {
        guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) else {
            throw ThemeError(message: "\"\(name)\" is not a theme name; themes: \(names.joined(separator: ", "))")
        }
        let candidates = [userDirectory.map { URL(fileURLWithPath: $0) }, Self.shippedDirectory]
            .compactMap { $0?.appendingPathComponent("\(name).toml") }
        for file in candidates where FileManager.default.fileExists(atPath: file.path) {
            let text: String
            do {
                text = try String(contentsOf: file, encoding: .utf8)
            } catch {
                throw ThemeError(message: "Cannot read the theme: " + LocalPath.sentence(for: error, path: file.path))
            }
            return try Theme.parse(text, name: name, source: file.path)
        }
        throw ThemeError(message: "no theme \"\(name)\"; themes: \(names.joined(separator: ", "))")
    }
}

import Foundation
import TOMLKit

/// Settings from `config.toml`; command-line flags override them.
public struct ClientConfig: Sendable {
    public var server: String?
    public var user: String?
    public var theme: String?
    public var downloadDirectory: String?
    public var bell = true
    /// TLS to the server (`tls = false` only for a server that has it off too).
    public var tls = true
    /// PEM certificates of authorities to trust besides the system's.
    public var tlsAuthorityFile: String?
    /// A private message opens its pop-up ("auto") or only counts as unread ("notify").
    public var popupOnMessage = true
    /// `[keys]`: key name → command name, as written; the terminal client
    /// checks them when it builds its keymap.
    public var keyBindings: [(key: String, command: String)] = []
    /// Where the settings came from, for error messages.
    public var source = "config.toml"

    public init() {}

    /// Where downloads go: `download_dir`, else `~/Downloads/parley`.
    public var downloadPath: String { LocalPath.expand(downloadDirectory ?? "~/Downloads/parley") }

    /// `$XDG_CONFIG_HOME/parley`, else `~/.config/parley`.
    public static func directory(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let xdg = environment["XDG_CONFIG_HOME"], !xdg.isEmpty { return xdg + "/parley" }
        return (environment["HOME"] ?? LocalPath.home) + "/.config/parley"
    }

    /// Reads `path`; a missing file at the default place is no error.
    public static func load(path: String, required: Bool) throws(ConfigError) -> ClientConfig {
        guard FileManager.default.fileExists(atPath: path) else {
            if required { throw ConfigError(message: "no config file at \(path)") }
            return ClientConfig()
        }
        do {
            return try parse(try String(contentsOfFile: path, encoding: .utf8), source: path)
        } catch let error as ConfigError {
            throw error
        } catch {
            throw ConfigError(message: "Cannot read the config file: " + LocalPath.sentence(for: error, path: path))
        }
    }

    public static func parse(_ text: String, source: String) throws(ConfigError) -> ClientConfig {
        let table: TOMLTable
        do {
            table = try TOMLTable(string: text)
        } catch {
            throw ConfigError(message: "\(source): not valid TOML (\(error))")
        }
        var config = ClientConfig()
        config.source = source
        for key in table.keys {
            let value = table[key]!
            func string() throws(ConfigError) -> String {
                guard let text = value.string else { throw ConfigError(message: "\(source): \(key) must be a string") }
                return text
            }
            switch key {
            case "server": config.server = try string()
            case "user": config.user = try string()
            case "theme": config.theme = try string()
            case "download_dir": config.downloadDirectory = try string()
            case "tls_ca_file": config.tlsAuthorityFile = LocalPath.expand(try string())
            case "tls":
                guard let flag = value.bool else { throw ConfigError(message: "\(source): tls must be true or false") }
                config.tls = flag
            case "bell":
                guard let flag = value.bool else { throw ConfigError(message: "\(source): bell must be true or false") }
                config.bell = flag
            case "popup":
                switch value.string {
                case "auto"?: config.popupOnMessage = true
                case "notify"?: config.popupOnMessage = false
                default: throw ConfigError(message: "\(source): popup must be \"auto\" or \"notify\"")
                }
            case "keys":
                guard let keys = value.table else { throw ConfigError(message: "\(source): [keys] must be a table") }
                for keyName in keys.keys {
                    guard let command = keys[keyName]?.string else {
                        throw ConfigError(message: "\(source): keys.\(keyName) must be a command name")
                    }
                    config.keyBindings.append((keyName, command))
                }
            default:
                throw ConfigError(message: "\(source): unknown setting \(key)")
            }
        }
        return config
    }
}

public struct ConfigError: Error, Sendable, CustomStringConvertible {
    public let message: String
    public init(message: String) { self.message = message }
    public var description: String { message }
}

import ParleyClient

extension ClientConfig {
    /// The standard keymap with the config's `[keys]` applied; an unknown
    /// key or command is the config's error.
    public func keymap() throws(ConfigError) -> Keymap {
        var keymap = Keymap.standard
        for binding in keyBindings {
            do {
                try keymap.bind(binding.key, to: binding.command)
            } catch {
                throw ConfigError(message: "\(source): keys: \(error.message)")
            }
        }
        return keymap
    }
}

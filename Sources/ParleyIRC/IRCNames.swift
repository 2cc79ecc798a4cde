import ParleyDomain

/// How Parley's names look at the IRC door: a room is a channel (`#dev`),
/// a user a nick with a hostmask that shows no address.
public enum IRCNames {
    /// The host part of an account's mask: addresses stay private.
    public static let host = "parley"
    /// The host part of a guest's mask, which marks it as IRC marks users
    /// without an account.
    public static let guestHost = "guest"

    public static func channel(_ conversation: ConversationID) -> String {
        "#" + conversation.rawValue
    }

    /// The room a channel names; nil for a target that is not a channel.
    public static func room(_ channel: String) -> ConversationID? {
        guard channel.hasPrefix("#"), channel.count > 1 else { return nil }
        return ConversationID(rawValue: String(channel.dropFirst()))
    }

    /// A Parley name as a nick: names never hold spaces, but what is left
    /// of a deleted account does.
    public static func nick(_ name: String) -> String {
        name.contains(" ") ? String(name.map { $0 == " " ? "_" : $0 }) : name
    }

    public static func host(guest: Bool) -> String {
        guest ? guestHost : host
    }

    /// `nick!user@host`, where the user part is the account's name.
    public static func mask(_ name: String, guest: Bool = false) -> String {
        let nick = nick(name)
        return "\(nick)!\(nick)@\(host(guest: guest))"
    }
}

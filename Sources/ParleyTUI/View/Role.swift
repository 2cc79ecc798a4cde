/// What a piece of text is, not what colour it has: a theme maps roles to
/// colours and attributes.
public enum Role: String, CaseIterable, Hashable, Sendable {
    case normal
    /// Your own messages.
    case own
    /// Other people's messages.
    case other
    /// Joined, left, connection news.
    case system
    /// Messages that mention you.
    case mention
    /// The robot's messages (rooms issue).
    case robot
    case error
    case timestamp
    /// Top bar.
    case bar
    case border
    /// Bottom status line.
    case status
    case hint
    case input
    /// "N new ↓" and other things that want attention.
    case highlight
    case selection
    case popup
}

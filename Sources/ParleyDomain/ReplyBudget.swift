/// How many bytes one reply may carry: a reply built from other people's
/// text (history, the welcome, waiting messages, the room list) stops at its
/// budget and says there is more, so that no reply is large enough to be
/// taken for a reader that fell behind, and none can be made huge by
/// filling rooms with heavy messages. An item costs its text's UTF-8 twice
/// over (JSON may escape some of it) plus a fixed allowance for the rest of
/// its encoding. A reply always carries at least one item, so paging moves.
public struct ReplyBudget: Hashable, Sendable {
    public var bytes: Int
    public static let itemAllowance = 256

    public init(bytes: Int) {
        self.bytes = bytes
    }

    public static func cost(of message: ChatMessage) -> Int {
        2 * (message.text.utf8.count + message.sender.utf8.count + (message.file?.name.utf8.count ?? 0)) + itemAllowance
    }

    public static func cost(of room: RoomInfo) -> Int {
        2 * (room.name.rawValue.utf8.count + room.topic.utf8.count) + itemAllowance
    }

    /// The items from the front that fit, and whether any were left out;
    /// `atLeastOne` keeps the first even when it alone is over.
    public func first<T>(_ items: [T], atLeastOne: Bool = true, cost: (T) -> Int) -> (kept: [T], cut: Bool) {
        var spent = 0
        var count = 0
        for item in items {
            spent += cost(item)
            if spent > bytes, count > 0 || !atLeastOne { break }
            count += 1
        }
        return (Array(items.prefix(count)), count < items.count)
    }

    /// The items from the back that fit (the newest of a history that ends
    /// at its newest), and whether any were left out.
    public func last<T>(_ items: [T], atLeastOne: Bool = true, cost: (T) -> Int) -> (kept: [T], cut: Bool) {
        let (kept, cut) = first(items.reversed(), atLeastOne: atLeastOne, cost: cost)
        return (kept.reversed(), cut)
    }
}

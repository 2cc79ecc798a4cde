/// Where everything goes on a screen of a given size.
public struct Layout: Hashable, Sendable {
    public static let minimum = Size(columns: 60, rows: 15)
    public static let maxInputRows = 5

    public let size: Size
    public let inputRows: Int

    public init(size: Size, inputLines: Int) {
        self.size = size
        inputRows = min(max(inputLines, 1), Self.maxInputRows)
    }

    public var tooSmall: Bool { size.columns < Self.minimum.columns || size.rows < Self.minimum.rows }

    public var usersWidth: Int { size.columns >= 100 ? 20 : 16 }
    /// Columns of the conversation pane; the users pane follows after a border.
    public var conversationColumns: Int { size.columns - usersWidth - 1 }
    public var borderColumn: Int { conversationColumns }
    public var usersColumn: Int { conversationColumns + 1 }

    public let topBarRow = 0
    /// The room's name and topic.
    public let topicRow = 1
    public let conversationTop = 2
    /// Rows for messages: all but the top bar, the topic, the separator, the input and the status line.
    public var conversationRows: Int { max(1, size.rows - 4 - inputRows) }
    public var separatorRow: Int { conversationTop + conversationRows }
    public var inputTop: Int { separatorRow + 1 }
    public var statusRow: Int { size.rows - 1 }
    public static let prompt = "> "
    public var inputColumns: Int { size.columns - Self.prompt.count }
}

/// Where a private chat's pop-up goes over the main screen.
public struct ChatPopupLayout: Hashable, Sendable {
    public static let maxInputRows = 3

    public let width: Int
    public let height: Int
    public let left: Int
    public let top: Int
    public let inputRows: Int

    public init(size: Size, inputLines: Int) {
        width = min(size.columns - 8, 72)
        height = min(size.rows - 6, 18)
        left = (size.columns - width) / 2
        top = max(1, (size.rows - height) / 2 - 1)
        inputRows = min(max(inputLines, 1), Self.maxInputRows)
    }

    /// Columns inside the border.
    public var inner: Int { width - 2 }
    public var inputColumns: Int { inner - Layout.prompt.count }
    /// Rows for messages: all but the borders, the separator and the input.
    public var logRows: Int { max(1, height - 3 - inputRows) }
}

import Foundation

/// What a search asks for: messages holding every word of `text`, newest
/// first, among those the user may read.
public struct SearchQuery: Hashable, Sendable {
    public var text: String
    /// One conversation only, as the user names it.
    public var conversation: ConversationID?
    /// Messages from this sender only.
    public var from: String?
    /// Sent at or after / at or before these times (ms since the epoch).
    public var since: Int64?
    public var until: Int64?
    /// The next page: hits with an id below this one.
    public var beforeID: Int64?
    public var limit: Int

    public init(
        _ text: String, conversation: ConversationID? = nil, from: String? = nil, since: Int64? = nil,
        until: Int64? = nil, beforeID: Int64? = nil, limit: Int = SearchRules.defaultPage
    ) {
        self.text = text
        self.conversation = conversation
        self.from = from
        self.since = since
        self.until = until
        self.beforeID = beforeID
        self.limit = limit
    }
}

/// A piece of a snippet: the text around a match, or a match.
public struct SnippetPart: Hashable, Sendable {
    public var text: String
    public var isMatch: Bool

    public init(_ text: String, isMatch: Bool = false) {
        self.text = text
        self.isMatch = isMatch
    }
}

/// One message found, with the part of it around the first match.
public struct SearchHit: Hashable, Sendable {
    public var message: ChatMessage
    public var snippet: [SnippetPart]

    public init(message: ChatMessage, snippet: [SnippetPart]) {
        self.message = message
        self.snippet = snippet
    }
}

/// A page of hits, newest first; `more` when older ones match too (ask
/// again with `beforeID` the last hit's id).
public struct SearchPage: Hashable, Sendable {
    public var hits: [SearchHit]
    public var more: Bool

    public init(hits: [SearchHit], more: Bool) {
        self.hits = hits
        self.more = more
    }
}

public enum SearchRules {
    /// The longest search text, in characters.
    public static let maxCharacters = 200
    /// Words one search may hold.
    public static let maxWords = 8
    public static let defaultPage = 20
    /// Characters of context a snippet keeps on each side of the first match.
    public static let snippetContext = 40

    /// The words to find, each at least once, in any case.
    public static func words(of text: String) throws(DomainError) -> [String] {
        guard text.count <= maxCharacters else { throw .searchTooLong(characters: text.count, max: maxCharacters) }
        var words: [String] = []
        for word in text.split(whereSeparator: \.isWhitespace).map(String.init) where !words.contains(word) {
            guard !word.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
                throw .searchInvalid
            }
            words.append(word)
        }
        guard !words.isEmpty else { throw .searchEmpty }
        guard words.count <= maxWords else { throw .searchTooManyWords(max: maxWords) }
        return words
    }

    /// The text around the first match of any of `words`, each match in it
    /// marked; `…` where the text was cut.
    public static func snippet(of text: String, matching words: [String]) -> [SnippetPart] {
        let flat = text.replacingOccurrences(of: "\n", with: " ")
        let matches = words.flatMap { word in ranges(of: word, in: flat) }.sorted { $0.lowerBound < $1.lowerBound }
        guard let first = matches.first else { return [SnippetPart(String(flat.prefix(2 * snippetContext)))] }
        let start = flat.index(first.lowerBound, offsetBy: -snippetContext, limitedBy: flat.startIndex) ?? flat.startIndex
        let end = flat.index(first.upperBound, offsetBy: snippetContext, limitedBy: flat.endIndex) ?? flat.endIndex
        var parts: [SnippetPart] = []
        var at = start
        for match in matches where match.lowerBound >= at && match.upperBound <= end {
            if at < match.lowerBound { parts.append(SnippetPart(String(flat[at..<match.lowerBound]))) }
            parts.append(SnippetPart(String(flat[match]), isMatch: true))
            at = match.upperBound
        }
        if at < end { parts.append(SnippetPart(String(flat[at..<end]))) }
        if start > flat.startIndex { parts.insert(SnippetPart("…"), at: 0) }
        if end < flat.endIndex { parts.append(SnippetPart("…")) }
        return parts
    }

    private static func ranges(of word: String, in text: String) -> [Range<String.Index>] {
        var found: [Range<String.Index>] = []
        var rest = text.startIndex..<text.endIndex
        while let range = text.range(of: word, options: [.caseInsensitive], range: rest) {
            found.append(range)
            rest = range.upperBound..<text.endIndex
        }
        return found
    }
}

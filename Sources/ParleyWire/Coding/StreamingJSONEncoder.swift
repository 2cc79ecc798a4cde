import ParleyDomain
import Foundation

/// A JSON encoder that writes bytes as values encode themselves: no tree of
/// values in between, and keys in the order they are encoded (`type` first
/// in every wire message). It costs a fraction of Foundation's encoder,
/// which shows in frames of many values: a welcome, a page of history
/// (docs/BENCHMARKS.md).
///
/// Containers are expected to be filled one after another, as encoders
/// written in the usual way do: a container is finished when something is
/// written into one of its ancestors. Writing into a finished container
/// throws, and `WireCodec` then falls back to Foundation's encoder; so does
/// `Data` or `URL` anywhere in the value, which Foundation writes its own way.
struct StreamingJSONEncoder {
    func encode(_ value: some Encodable) throws -> [UInt8] {
        let sink = JSONSink()
        try sink.encodeValue(value)
        sink.closeAll()
        return sink.bytes
    }
}

/// The bytes written so far and the containers still open.
private final class JSONSink {
    var bytes: [UInt8] = []
    /// Open containers, innermost last.
    private var open: [OpenContainer] = []

    init() {
        bytes.reserveCapacity(512)
    }

    /// Opens a container at the place the next value goes.
    func push(_ opener: UInt8, closer: UInt8) -> OpenContainer {
        bytes.append(opener)
        let container = OpenContainer(depth: open.count, closer: closer)
        open.append(container)
        return container
    }

    /// Finishes the containers inside `container`, then starts its next
    /// element (a comma after the first).
    /// `path` names the place for an error; it is built only then, not for
    /// every field of every message.
    func startElement(in container: OpenContainer, path: @autoclosure () -> [any CodingKey]) throws {
        while let last = open.last, last.depth > container.depth {
            close(last)
        }
        guard open.last === container else {
            throw EncodingError.invalidValue(
                container.depth, EncodingError.Context(codingPath: path(), debugDescription: "a container written after it was finished")
            )
        }
        if container.count > 0 { bytes.append(UInt8(ascii: ",")) }
        container.count += 1
    }

    func closeAll() {
        while let last = open.last { close(last) }
    }

    private func close(_ container: OpenContainer) {
        bytes.append(container.closer)
        open.removeLast()
    }

    /// Writes one value where the next value goes.
    func encodeValue(_ value: some Encodable, path: @autoclosure () -> [any CodingKey] = []) throws {
        // The standard library's numbers encode themselves through a
        // single-value container, which comes back here: they must be caught.
        switch value {
        case let string as String: writeString(string)
        case let bool as Bool: writeRaw(bool ? "true" : "false")
        case let number as any FixedWidthInteger: writeRaw("\(number)")
        case let number as Double: try writeDouble(number, path: path())
        case let number as Float: try writeDouble(Double(number), path: path())
        case is Data, is URL:
            // Foundation writes these in forms of its own (base64, a plain
            // string), which its decoder expects: leave them to it.
            throw EncodingError.invalidValue(
                value, EncodingError.Context(codingPath: path(), debugDescription: "\(type(of: value)) is Foundation's to encode")
            )
        default:
            let start = bytes.count
            try value.encode(to: StreamingEncoder(sink: self, codingPath: path()))
            // Like Foundation: a value that encoded nothing is an empty object.
            if bytes.count == start { writeRaw("{}") }
        }
    }

    func writeRaw(_ text: String) {
        bytes.append(contentsOf: text.utf8)
    }

    func writeDouble(_ number: Double, path: @autoclosure () -> [any CodingKey]) throws {
        guard number.isFinite else {
            throw EncodingError.invalidValue(number, EncodingError.Context(codingPath: path(), debugDescription: "JSON has no \(number)"))
        }
        if number == number.rounded(), abs(number) < 1e15 {
            writeRaw(String(Int64(number)))
        } else {
            writeRaw(number.description)
        }
    }

    func writeString(_ string: String) {
        bytes.append(UInt8(ascii: "\""))
        var string = string
        string.withUTF8 { utf8 in
            var plain = utf8.startIndex
            for index in utf8.indices {
                let byte = utf8[index]
                guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[plain..<index]))
                plain = index + 1
                switch byte {
                case UInt8(ascii: "\""): writeRaw("\\\"")
                case UInt8(ascii: "\\"): writeRaw("\\\\")
                case UInt8(ascii: "\n"): writeRaw("\\n")
                case UInt8(ascii: "\r"): writeRaw("\\r")
                case UInt8(ascii: "\t"): writeRaw("\\t")
                case 0x08: writeRaw("\\b")
                case 0x0C: writeRaw("\\f")
                default:
                    let hex = Array("0123456789abcdef".utf8)
                    bytes.append(contentsOf: Array("\\u00".utf8) + [hex[Int(byte >> 4)], hex[Int(byte & 0xF)]])
                }
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[plain...]))
        }
        bytes.append(UInt8(ascii: "\""))
    }
}

private final class OpenContainer {
    let depth: Int
    let closer: UInt8
    var count = 0

    init(depth: Int, closer: UInt8) {
        self.depth = depth
        self.closer = closer
    }
}

/// Given to a value to encode itself at the place the next value goes.
private struct StreamingEncoder: Encoder {
    let sink: JSONSink
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        KeyedEncodingContainer(KeyedContainer(sink: sink, container: sink.push(UInt8(ascii: "{"), closer: UInt8(ascii: "}")), codingPath: codingPath))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        UnkeyedContainer(sink: sink, container: sink.push(UInt8(ascii: "["), closer: UInt8(ascii: "]")), codingPath: codingPath)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        SingleValueContainer(sink: sink, codingPath: codingPath)
    }
}

private struct KeyedContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let sink: JSONSink
    let container: OpenContainer
    let codingPath: [any CodingKey]

    private func startField(_ key: Key) throws {
        try sink.startElement(in: container, path: codingPath + [key])
        sink.writeString(key.stringValue)
        sink.bytes.append(UInt8(ascii: ":"))
    }

    mutating func encodeNil(forKey key: Key) throws {
        try startField(key)
        sink.writeRaw("null")
    }

    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        try startField(key)
        try sink.encodeValue(value, path: codingPath + [key])
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
        // A misuse is reported by the next write into an outer container.
        try? startField(key)
        return KeyedEncodingContainer(KeyedContainer<NestedKey>(
            sink: sink, container: sink.push(UInt8(ascii: "{"), closer: UInt8(ascii: "}")), codingPath: codingPath + [key]
        ))
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        try? startField(key)
        return UnkeyedContainer(sink: sink, container: sink.push(UInt8(ascii: "["), closer: UInt8(ascii: "]")), codingPath: codingPath + [key])
    }

    mutating func superEncoder() -> any Encoder {
        superEncoder(forKey: Key(stringValue: "super")!)
    }

    mutating func superEncoder(forKey key: Key) -> any Encoder {
        try? startField(key)
        return StreamingEncoder(sink: sink, codingPath: codingPath + [key])
    }
}

private struct IndexKey: CodingKey {
    let intValue: Int?
    var stringValue: String { "\(intValue ?? 0)" }
    init(intValue: Int) { self.intValue = intValue }
    init?(stringValue: String) { nil }
}

private struct UnkeyedContainer: UnkeyedEncodingContainer {
    let sink: JSONSink
    let container: OpenContainer
    let codingPath: [any CodingKey]
    var count: Int { container.count }

    private func path(at index: Int) -> [any CodingKey] { codingPath + [IndexKey(intValue: index)] }

    mutating func encodeNil() throws {
        let index = count
        try sink.startElement(in: container, path: path(at: index))
        sink.writeRaw("null")
    }

    mutating func encode<T: Encodable>(_ value: T) throws {
        let index = count
        try sink.startElement(in: container, path: path(at: index))
        try sink.encodeValue(value, path: path(at: index))
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        let place = path(at: count)
        try? sink.startElement(in: container, path: place)
        return KeyedEncodingContainer(KeyedContainer<NestedKey>(
            sink: sink, container: sink.push(UInt8(ascii: "{"), closer: UInt8(ascii: "}")), codingPath: place
        ))
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        let place = path(at: count)
        try? sink.startElement(in: container, path: place)
        return UnkeyedContainer(sink: sink, container: sink.push(UInt8(ascii: "["), closer: UInt8(ascii: "]")), codingPath: place)
    }

    mutating func superEncoder() -> any Encoder {
        let place = path(at: count)
        try? sink.startElement(in: container, path: place)
        return StreamingEncoder(sink: sink, codingPath: place)
    }
}

private struct SingleValueContainer: SingleValueEncodingContainer {
    let sink: JSONSink
    let codingPath: [any CodingKey]

    mutating func encodeNil() throws {
        sink.writeRaw("null")
    }

    mutating func encode<T: Encodable>(_ value: T) throws {
        try sink.encodeValue(value, path: codingPath)
    }
}

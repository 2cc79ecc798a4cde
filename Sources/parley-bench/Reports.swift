import Foundation
import Histogram

/// Latency percentiles in milliseconds.
struct LatencySummary: Encodable {
    let p50, p90, p99, p999, max: Double
    let count: UInt64

    init(_ histogram: Histogram<UInt64>) {
        func ms(_ nanos: UInt64) -> Double { (Double(nanos) / 1e4).rounded() / 100 }
        p50 = ms(histogram.valueAtPercentile(50))
        p90 = ms(histogram.valueAtPercentile(90))
        p99 = ms(histogram.valueAtPercentile(99))
        p999 = ms(histogram.valueAtPercentile(99.9))
        max = ms(histogram.max)
        count = histogram.totalCount
    }

    var rows: [(String, String)] {
        [("latency p50", "\(f(p50, 2)) ms"), ("latency p90", "\(f(p90, 2)) ms"), ("latency p99", "\(f(p99, 2)) ms"),
         ("latency p99.9", "\(f(p999, 2)) ms"), ("latency max", "\(f(max, 2)) ms")]
    }
}

/// What every scenario reports: a titled table, or one JSON object with
/// snake_case keys.
protocol Report: Encodable {
    var title: String { get }
    var rows: [(String, String)] { get }
}

/// A report as JSON values, to add to and to take medians of.
enum JSONValue: Codable {
    case flag(Bool), number(Double), text(String), list([JSONValue]), object([String: JSONValue]), null

    init(from decoder: any Decoder) throws {
        let single = try decoder.singleValueContainer()
        if single.decodeNil() { self = .null }
        else if let flag = try? single.decode(Bool.self) { self = .flag(flag) }
        else if let number = try? single.decode(Double.self) { self = .number(number) }
        else if let text = try? single.decode(String.self) { self = .text(text) }
        else if let list = try? single.decode([JSONValue].self) { self = .list(list) }
        else { self = .object(try single.decode([String: JSONValue].self)) }
    }

    func encode(to encoder: any Encoder) throws {
        var single = encoder.singleValueContainer()
        switch self {
        case .flag(let flag): try single.encode(flag)
        // Whole numbers print without a fraction, as the reports wrote them.
        case .number(let number):
            if number == number.rounded(), abs(number) < 1e15 { try single.encode(Int64(number)) } else { try single.encode(number) }
        case .text(let text): try single.encode(text)
        case .list(let list): try single.encode(list)
        case .object(let object): try single.encode(object)
        case .null: try single.encodeNil()
        }
    }

    subscript(path: String) -> JSONValue? {
        var node: JSONValue? = self
        for key in path.split(separator: ".") {
            guard case .object(let object)? = node else { return nil }
            node = object[String(key)]
        }
        return node
    }

    /// The dotted paths of every number and flag, sorted.
    var leaves: [String] {
        guard case .object(let object) = self else { return [] }
        return object.keys.sorted().flatMap { key -> [String] in
            switch object[key]! {
            case .object: return object[key]!.leaves.map { key + "." + $0 }
            case .number, .flag: return [key]
            default: return []
            }
        }
    }

    var text: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: (try? encoder.encode(self)) ?? Data(), as: UTF8.self)
    }
}

extension Measured {
    /// The report's JSON object with `server_settings` added.
    var object: JSONValue {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        let value = (try? encoder.encode(report)).flatMap { try? JSONDecoder().decode(JSONValue.self, from: $0) }
        guard case .object(var object)? = value else { return .object(["server_settings": .object(settings.mapValues(JSONValue.text))]) }
        object["server_settings"] = .object(settings.mapValues(JSONValue.text))
        return .object(object)
    }

    var json: String { object.text }

    var table: String {
        titled(report.title, report.rows + [("settings unlike production", settingsText(settings))])
    }
}

func settingsText(_ settings: [String: String]) -> String {
    settings.isEmpty ? "none known (a server given by address)"
        : settings.sorted { $0.key < $1.key }.map { "\($0.key) = \($0.value)" }.joined(separator: ", ")
}

func titled(_ title: String, _ rows: [(String, String)]) -> String {
    let width = rows.map(\.0.count).max() ?? 0
    return ([title] + rows.map { $0.0.padding(toLength: width + 1, withPad: " ", startingAt: 0) + $0.1 })
        .joined(separator: "\n")
}

/// `--runs N`: every number of the reports as its median, lowest and
/// highest; a flag as how many runs had it. Lists (the steps of `--max`)
/// are in `each`, the reports of every run.
struct RunsSummary {
    let runs: [JSONValue]
    let title: String
    let settings: [String: String]

    init(_ measured: [Measured]) {
        runs = measured.map(\.object)
        title = measured[0].report.title
        settings = measured[0].settings
    }

    /// The median of an odd count is the middle value; of an even count, the mean of the two middle ones.
    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }

    private enum Figure {
        case number(path: String, median: Double, min: Double, max: Double)
        case flag(path: String, set: Int)
    }

    private var figures: [Figure] {
        runs[0].leaves.compactMap { path in
            let values = runs.compactMap { $0[path] }
            let numbers = values.compactMap { value -> Double? in if case .number(let n) = value { n } else { nil } }
            let flags = values.compactMap { value -> Bool? in if case .flag(let b) = value { b } else { nil } }
            if !numbers.isEmpty {
                return .number(path: path, median: Self.median(numbers), min: numbers.min()!, max: numbers.max()!)
            }
            return flags.isEmpty ? nil : .flag(path: path, set: flags.count { $0 })
        }
    }

    var json: String {
        var median: [String: JSONValue] = [:], low: [String: JSONValue] = [:], high: [String: JSONValue] = [:]
        var flags: [String: JSONValue] = [:]
        for figure in figures {
            switch figure {
            case .number(let path, let m, let lo, let hi): (median[path], low[path], high[path]) = (.number(m), .number(lo), .number(hi))
            case .flag(let path, let set): flags[path] = .number(Double(set))
            }
        }
        return JSONValue.object([
            "scenario": runs[0]["scenario"] ?? .null, "runs": .number(Double(runs.count)),
            "median": .object(median), "min": .object(low), "max": .object(high), "runs_with_flag": .object(flags),
            "server_settings": .object(settings.mapValues(JSONValue.text)), "each": .list(runs),
        ]).text
    }

    var table: String {
        let rows = figures.map { figure -> (String, String) in
            switch figure {
            case .number(let path, let m, let lo, let hi): (path, "\(number(m))  (\(number(lo)) … \(number(hi)))")
            case .flag(let path, let set): (path, "\(set) of \(runs.count) runs")
            }
        }
        return titled("\(title) — median of \(runs.count) runs (lowest … highest)",
                      rows + [("settings unlike production", settingsText(settings))])
    }

    private func number(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : f(value, 3)
    }
}

func f(_ value: Double, _ digits: Int = 1) -> String { String(format: "%.\(digits)f", value) }

/// Bytes as MB (10^6), the way the targets are written.
func megabytes(_ bytes: Int) -> String { f(Double(bytes) / 1e6, 1) + " MB" }

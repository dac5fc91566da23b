import Foundation

/// A plain-text table, printed after a part of the benchmarks so it can be copied into
/// docs/BENCHMARKS.md.
struct Table {
    let headers: [String]
    var rows: [[String]] = []

    init(_ headers: String...) { self.headers = headers }

    mutating func add(_ cells: String...) { rows.append(cells) }

    /// Prints a Markdown table, numbers right-aligned, ready to paste into docs/BENCHMARKS.md.
    func print() {
        let widths = headers.indices.map { column in
            max(3, ([headers[column]] + rows.map { column < $0.count ? $0[column] : "" }).map(\.count).max() ?? 0)
        }
        func line(_ cells: [String]) -> String {
            "| " + headers.indices.map { column in
                let cell = column < cells.count ? cells[column] : ""
                return column == 0 ? cell.rightPad(widths[column]) : cell.leftPad(widths[column])
            }.joined(separator: " | ") + " |"
        }
        Swift.print(line(headers))
        Swift.print("| " + widths.enumerated().map { column, width in
            column == 0 ? String(repeating: "-", count: width) : String(repeating: "-", count: width - 1) + ":"
        }.joined(separator: " | ") + " |")
        for row in rows { Swift.print(line(row)) }
    }
}

extension String {
    func leftPad(_ width: Int) -> String { String(repeating: " ", count: max(0, width - count)) + self }
    func rightPad(_ width: Int) -> String { self + String(repeating: " ", count: max(0, width - count)) }
}

/// Figures of one measurement repeated several times: the median and the spread (min...max).
struct Repeated {
    var values: [Double]

    var median: Double { BenchmarkResult.median(values) }

    /// `12345 (12000...12600)` with `decimals` digits after the point.
    func text(decimals: Int = 0) -> String {
        "\(Self.number(median, decimals)) (\(Self.number(values.min() ?? .nan, decimals))...\(Self.number(values.max() ?? .nan, decimals)))"
    }

    static func number(_ value: Double, _ decimals: Int = 0) -> String {
        guard value.isFinite else { return "n/a" }
        return String(format: "%.\(decimals)f", value)
    }
}

/// Latencies of calls in nanoseconds, sorted once.
struct Latencies {
    let sorted: [UInt64]

    init(_ values: [UInt64]) { sorted = values.sorted() }

    /// The `percent`th percentile in microseconds (nearest rank).
    func microseconds(atPercentile percent: Double) -> Double {
        guard !sorted.isEmpty else { return .nan }
        let rank = Int((percent / 100 * Double(sorted.count)).rounded(.up)) - 1
        return Double(sorted[min(max(rank, 0), sorted.count - 1)]) / 1000
    }
}

extension Duration {
    var nanoseconds: UInt64 {
        UInt64(max(0, components.seconds)) * 1_000_000_000 + UInt64(max(0, components.attoseconds) / 1_000_000_000)
    }
}

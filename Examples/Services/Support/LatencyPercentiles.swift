/// Latency percentiles of a set of calls, by the nearest-rank method: the p-th percentile is the
/// smallest recorded latency such that at least p% of all recorded latencies are at or below it.
/// It is always one of the recorded values (no interpolation), so a p99 over 30 calls is the
/// slowest call, as a reader of the example client's live line expects.
///
/// A pure value: the example client keeps one per second and one for the whole run.
///
/// ```swift
/// var latencies = LatencyPercentiles()
/// latencies.record(.milliseconds(2))
/// latencies.record(.milliseconds(40))
/// latencies.percentile(50)                                          // 2 ms
/// LatencyPercentiles.format(latencies.percentile(99))               // "40.0 ms"
/// ```
public struct LatencyPercentiles: Sendable, Hashable {
    private var samples: [Duration] = []

    /// No latencies.
    public init() {}

    /// These latencies.
    public init(_ latencies: some Sequence<Duration>) {
        samples = Array(latencies)
    }

    /// How many latencies are recorded.
    public var count: Int { samples.count }

    /// Whether no latency is recorded.
    public var isEmpty: Bool { samples.isEmpty }

    /// Records one call's latency.
    public mutating func record(_ latency: Duration) {
        samples.append(latency)
    }

    /// Records every latency of `other` too (e.g. a second's calls into the run's).
    public mutating func merge(_ other: LatencyPercentiles) {
        samples.append(contentsOf: other.samples)
    }

    /// The `percentile`-th percentile (0...100; 50 is the median), or `nil` when nothing is
    /// recorded or `percentile` is not a number. Values outside 0...100 are clamped: 0 gives the
    /// fastest call, 100 the slowest.
    public func percentile(_ percentile: Double) -> Duration? {
        percentiles([percentile])[0]
    }

    /// Several percentiles at once, sorting the latencies once; one entry per requested value, in
    /// order, each as ``percentile(_:)`` gives it.
    public func percentiles(_ percentiles: [Double]) -> [Duration?] {
        guard !samples.isEmpty else { return percentiles.map { _ in nil } }
        let sorted = samples.sorted()
        return percentiles.map { requested in
            guard !requested.isNaN else { return nil }
            let clamped = min(max(requested, 0), 100)
            // Nearest rank: ceil(p / 100 * n), counted from 1; p = 0 means the first. Multiplying
            // before dividing keeps whole percentiles exact (99 * 100 / 100 is 99, not 99.000001).
            let rank = max(1, Int((clamped * Double(sorted.count) / 100).rounded(.up)))
            return sorted[min(rank, sorted.count) - 1]
        }
    }

    /// A latency in milliseconds as the example client prints it: one decimal below 100 ms
    /// (`1.8 ms`, `12.4 ms`), whole milliseconds from there (`212 ms`), `-` for `nil` (no calls).
    public static func format(_ latency: Duration?) -> String {
        guard let latency else { return "-" }
        let milliseconds = Double(latency.components.seconds) * 1000 + Double(latency.components.attoseconds) / 1e15
        if milliseconds.magnitude >= 99.95 { return "\(Int(milliseconds.rounded())) ms" }
        let tenths = Int((milliseconds * 10).rounded())
        let sign = tenths < 0 ? "-" : ""
        return "\(sign)\(abs(tenths) / 10).\(abs(tenths) % 10) ms"
    }
}

/// How long to delay a call: a fixed time or a uniform range, optionally with a long tail (a
/// fraction of calls that take the tail latency instead).
///
/// ```swift
/// let latency = LatencyDistribution.uniform(.milliseconds(2) ... .milliseconds(20))
///     .withTail(rate: 0.01, latency: .milliseconds(800))   // 1% of calls take 800 ms
/// ```
public struct LatencyDistribution: Sendable, Hashable, CustomStringConvertible {
    /// The shortest base delay.
    public var minimum: Duration
    /// The longest base delay; equal to ``minimum`` for a fixed delay.
    public var maximum: Duration
    /// The fraction of calls (0...1) that take ``tailLatency`` instead of the base delay.
    /// Default 0.
    public var tailRate: Double
    /// The delay of calls in the tail. Default zero.
    public var tailLatency: Duration

    /// Creates a distribution: uniform in `minimum...maximum`, plus a tail.
    public init(minimum: Duration, maximum: Duration, tailRate: Double = 0, tailLatency: Duration = .zero) {
        self.minimum = minimum
        self.maximum = maximum
        self.tailRate = tailRate
        self.tailLatency = tailLatency
    }

    /// Always `delay`.
    public static func fixed(_ delay: Duration) -> LatencyDistribution {
        LatencyDistribution(minimum: delay, maximum: delay)
    }

    /// Uniform in `range`.
    public static func uniform(_ range: ClosedRange<Duration>) -> LatencyDistribution {
        LatencyDistribution(minimum: range.lowerBound, maximum: range.upperBound)
    }

    /// This distribution with a fraction `rate` of calls taking `latency` instead.
    public func withTail(rate: Double, latency: Duration) -> LatencyDistribution {
        LatencyDistribution(minimum: minimum, maximum: maximum, tailRate: rate, tailLatency: latency)
    }

    /// Whether sampling needs a random draw for the base delay.
    var drawsBase: Bool { maximum > minimum }

    /// The delay for draws `base` and `tail` in `0 ..< 1`.
    func sample(base: Double, tail: Double) -> Duration {
        if tailRate > 0 && tail < tailRate { return tailLatency }
        guard drawsBase else { return minimum }
        let span = Double(Text.nanoseconds(maximum - minimum))
        return minimum + .nanoseconds(Int64((span * base).rounded(.down)))
    }

    /// `5 ms latency`, `2-20 ms latency`, `500 ms-2 s latency`, `2-20 ms latency, 1% tail of 800 ms`.
    public var description: String {
        // The unit is written once only when both ends are in milliseconds: `500-2 s` would
        // read as 500 seconds.
        let range = Text.milliseconds(maximum) < 1000
            ? "\(Text.milliseconds(minimum))-\(Text.duration(maximum))"
            : "\(Text.duration(minimum))-\(Text.duration(maximum))"
        var text = drawsBase ? "\(range) latency" : "\(Text.duration(minimum)) latency"
        if tailRate > 0 { text += ", \(Text.percent(tailRate)) tail of \(Text.duration(tailLatency))" }
        return text
    }
}

/// The bulkhead's concurrency limit: fixed, or moved by each call's round-trip time and outcome
/// (AIMD or gradient, in the spirit of Netflix concurrency-limits). A pure value, updated under
/// the bulkhead's lock.
package struct BulkheadLimiter: Sendable {
    private let kind: Bulkhead.Limit.Kind
    /// The limit as a real number; `limit` is its integer part, clamped to the bounds.
    private var estimate: Double
    /// The lowest round-trip time seen in the current window (gradient only).
    package private(set) var minRTT: Duration?
    /// Successful samples in the current minimum-RTT window (gradient only).
    private var samplesInWindow = 0
    package private(set) var limit: Int

    package init(_ limit: Bulkhead.Limit) {
        kind = limit.kind
        estimate = Double(limit.initial)
        self.limit = limit.initial
    }

    /// Feeds one call's sample: how long it held its permit, how many permits were in use when it
    /// ended (itself included) and how it ended. Cancelled calls (`.ignored`) say nothing about
    /// the callee and change nothing.
    package mutating func record(rtt: Duration, inFlight: Int, outcome: Bulkhead.Outcome) {
        switch kind {
        case .fixed:
            return
        case .aimd(let aimd):
            guard outcome != .ignored else { return }
            if outcome == .failure || rtt > aimd.latencyTarget {
                estimate = estimate * aimd.backoffRatio
            } else if inFlight * 2 >= limit {
                // Only grow a limit that is being used: an idle client proves nothing.
                estimate += 1
            }
            clamp(aimd.minimum, aimd.maximum)
        case .gradient(let gradient):
            guard outcome != .ignored else { return }
            if outcome == .failure {
                estimate = estimate * gradient.backoffRatio
                clamp(gradient.minimum, gradient.maximum)
                return
            }
            let sample = max(rtt, .nanoseconds(1))
            if samplesInWindow >= gradient.minRTTWindow {
                samplesInWindow = 0
                self.minRTT = nil
            }
            samplesInWindow += 1
            let minRTT = min(self.minRTT ?? sample, sample)
            self.minRTT = minRTT
            let ratio = max(0.5, min(1.0, minRTT.seconds / sample.seconds))
            let target = estimate * ratio + Double(gradient.queueAllowance)
            let next = estimate * (1 - gradient.smoothing) + target * gradient.smoothing
            // Do not grow a limit that is not being used.
            if next > estimate, inFlight * 2 < limit { return }
            estimate = next
            clamp(gradient.minimum, gradient.maximum)
        }
    }

    private mutating func clamp(_ minimum: Int, _ maximum: Int) {
        estimate = Swift.min(Double(maximum), Swift.max(Double(minimum), estimate))
        limit = Int(estimate)
    }
}

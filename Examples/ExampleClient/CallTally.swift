import ExampleServices

/// What happened to a set of calls: one second's for a live line, or the whole run's.
struct CallTally: Sendable {
    /// One finished call, as its caller saw it.
    struct Call: Sendable {
        enum Result: Sendable {
            /// The server answered.
            case served
            /// The fallback answered with the last good response (`cache`) or the default.
            case fallback(fromCache: Bool)
            /// The caller got an error: nothing answered.
            case failed
        }

        var result: Result
        /// The open breaker rejected it (its fallback or error says so): it never reached the server.
        var rejected: Bool
        /// Attempts that reached the transport (see ``AttemptCounter``).
        var attempts: Int
        /// From the caller's call to its answer, fallback included.
        var latency: Duration
    }

    var served = 0
    var fallbackCache = 0
    var fallbackDefault = 0
    var failed = 0
    /// Calls rejected by the open breaker (each also counted as a fallback or a failure).
    var rejected = 0
    /// Calls that needed more than one attempt.
    var retried = 0
    /// Calls that needed more than one attempt and were then served: rescued by a retry.
    var rescued = 0
    var latencies = LatencyPercentiles()

    var calls: Int { served + fallbackCache + fallbackDefault + failed }
    var fallbacks: Int { fallbackCache + fallbackDefault }

    mutating func record(_ call: Call) {
        switch call.result {
        case .served: served += 1
        case .fallback(fromCache: true): fallbackCache += 1
        case .fallback(fromCache: false): fallbackDefault += 1
        case .failed: failed += 1
        }
        if call.rejected { rejected += 1 }
        if call.attempts > 1 {
            retried += 1
            if case .served = call.result { rescued += 1 }
        }
        latencies.record(call.latency)
    }

    mutating func merge(_ other: CallTally) {
        served += other.served
        fallbackCache += other.fallbackCache
        fallbackDefault += other.fallbackDefault
        failed += other.failed
        rejected += other.rejected
        retried += other.retried
        rescued += other.rescued
        latencies.merge(other.latencies)
    }

    /// `served 30 retried 5 fallback 8 (cache 6, default 2) rejected 6 failed 0 | p50 1.8 ms p99 12.4 ms`
    var counts: String {
        let percentiles = latencies.percentiles([50, 99])
        return "served \(served) retried \(retried) fallback \(fallbacks) (cache \(fallbackCache), default \(fallbackDefault)) "
            + "rejected \(rejected) failed \(failed) | p50 \(LatencyPercentiles.format(percentiles[0])) "
            + "p99 \(LatencyPercentiles.format(percentiles[1]))"
    }
}

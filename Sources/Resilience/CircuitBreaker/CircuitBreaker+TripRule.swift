extension CircuitBreaker {
    /// The rule that opened a breaker.
    public enum TripRule: Sendable, Hashable, CustomStringConvertible {
        /// The failure rate in the window reached ``Configuration/failureRateThreshold``.
        case failureRate
        /// The slow-call rate in the window reached ``Configuration/slowCallRateThreshold``.
        case slowCallRate
        /// ``Configuration/consecutiveFailureThreshold`` failures in a row.
        case consecutiveFailures
        /// A half-open probe failed.
        case probeFailure
        /// The half-open probes all succeeded but too many of them were slow.
        case slowProbes

        public var description: String {
            switch self {
            case .failureRate: "failure rate"
            case .slowCallRate: "slow-call rate"
            case .consecutiveFailures: "consecutive failures"
            case .probeFailure: "probe failure"
            case .slowProbes: "slow probes"
            }
        }
    }
}

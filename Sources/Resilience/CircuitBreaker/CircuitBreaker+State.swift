extension CircuitBreaker {
    /// The state of a circuit breaker.
    public enum State: Sendable, Hashable, CustomStringConvertible {
        /// Calls flow; outcomes fill the sliding window, which may trip the breaker.
        case closed
        /// Calls are rejected at once until the open duration has passed.
        case open
        /// A limited number of probe calls are let through to test whether the callee recovered.
        case halfOpen
        /// Manually isolated: every call is rejected until ``CircuitBreaker/reset()``.
        case forcedOpen
        /// Manually disabled: every call is let through and nothing is recorded.
        case disabled

        public var description: String {
            switch self {
            case .closed: "closed"
            case .open: "open"
            case .halfOpen: "half-open"
            case .forcedOpen: "forced-open"
            case .disabled: "disabled"
            }
        }
    }
}

extension CircuitBreaker {
    /// A snapshot of a circuit breaker's state and counters, taken in O(1).
    ///
    /// ```swift
    /// let metrics = breaker.metrics
    /// print(metrics.state, metrics.failureRate, metrics.rejectedCalls)
    /// ```
    public struct Metrics: Sendable, Hashable {
        /// The current state.
        public var state: State
        /// The current generation (state epoch).
        public var generation: UInt64
        /// Calls in the sliding window (at most ``Configuration/windowSize``).
        public var callsInWindow: Int
        /// Failed calls in the sliding window.
        public var failuresInWindow: Int
        /// `failuresInWindow / callsInWindow`, or 0 for an empty window.
        public var failureRate: Double
        /// Calls rejected since the breaker was made.
        public var rejectedCalls: Int
        /// Calls recorded as successes since the breaker was made.
        public var successfulCalls: Int
        /// Calls recorded as failures since the breaker was made.
        public var failedCalls: Int
        /// Permits released without an outcome (cancellation, ``Outcome/ignored``).
        public var ignoredCalls: Int
        /// Outcomes that arrived after the breaker had moved to a later generation; they are
        /// counted above but changed neither the window nor the state.
        public var staleOutcomes: Int
        /// Half-open probes admitted and not yet finished.
        public var probesInFlight: Int
        /// When open (or half-open with every probe in flight), the time until a probe is let
        /// through; otherwise `nil`.
        public var nextProbeIn: Duration?

        package init(
            state: State, generation: UInt64, callsInWindow: Int, failuresInWindow: Int,
            rejectedCalls: Int, successfulCalls: Int, failedCalls: Int, ignoredCalls: Int,
            staleOutcomes: Int, probesInFlight: Int, nextProbeIn: Duration?
        ) {
            self.state = state
            self.generation = generation
            self.callsInWindow = callsInWindow
            self.failuresInWindow = failuresInWindow
            self.failureRate = callsInWindow == 0 ? 0 : Double(failuresInWindow) / Double(callsInWindow)
            self.rejectedCalls = rejectedCalls
            self.successfulCalls = successfulCalls
            self.failedCalls = failedCalls
            self.ignoredCalls = ignoredCalls
            self.staleOutcomes = staleOutcomes
            self.probesInFlight = probesInFlight
            self.nextProbeIn = nextProbeIn
        }
    }
}

extension CircuitBreaker {
    /// A snapshot of a circuit breaker's state and counters, taken in O(1) (a time-based window
    /// first evicts the buckets that aged out, at most one pass over its buckets).
    ///
    /// ```swift
    /// let metrics = breaker.metrics
    /// print(metrics.state, metrics.failureRate, metrics.slowCallRate, metrics.rejectedCalls)
    /// ```
    public struct Metrics: Sendable, Hashable {
        /// The current state.
        public var state: State
        /// The current generation (state epoch).
        public var generation: UInt64
        /// Calls in the sliding window (for a count-based window, at most its size).
        public var callsInWindow: Int
        /// Failed calls in the sliding window.
        public var failuresInWindow: Int
        /// Slow calls (slower than ``Configuration/slowCallDuration``, whatever their outcome) in
        /// the sliding window.
        public var slowCallsInWindow: Int
        /// `failuresInWindow / callsInWindow`, or 0 for an empty window.
        public var failureRate: Double
        /// `slowCallsInWindow / callsInWindow`, or 0 for an empty window.
        public var slowCallRate: Double
        /// Calls rejected since the breaker was made.
        public var rejectedCalls: Int
        /// Calls recorded as successes since the breaker was made.
        public var successfulCalls: Int
        /// Calls recorded as failures since the breaker was made.
        public var failedCalls: Int
        /// Calls recorded (as successes or failures) that were slow, since the breaker was made.
        public var slowCalls: Int
        /// Permits released without an outcome (cancellation, ``Outcome/ignored``).
        public var ignoredCalls: Int
        /// Outcomes that arrived after the breaker had moved to a later generation; they are
        /// counted above but changed neither the window nor the state.
        public var staleOutcomes: Int
        /// Failures in a row while closed (for ``Configuration/consecutiveFailureThreshold``).
        public var consecutiveFailures: Int
        /// Half-open probes admitted and not yet finished.
        public var probesInFlight: Int
        /// When open (or half-open with every probe in flight), the time until a probe is let
        /// through; otherwise `nil`.
        public var nextProbeIn: Duration?
        /// When open or half-open, the open duration in effect (grown by repeated trips, jitter
        /// applied); otherwise `nil`.
        public var openDuration: Duration?
        /// Trips since the breaker last closed cleanly (or was reset): 1 after the first trip,
        /// 2 after a failed half-open, and so on.
        public var tripsSinceClose: Int
        /// How long the breaker has been in its current state (generation).
        public var timeInState: Duration

        package init(
            state: State, generation: UInt64, callsInWindow: Int, failuresInWindow: Int, slowCallsInWindow: Int,
            rejectedCalls: Int, successfulCalls: Int, failedCalls: Int, slowCalls: Int, ignoredCalls: Int,
            staleOutcomes: Int, consecutiveFailures: Int, probesInFlight: Int, nextProbeIn: Duration?,
            openDuration: Duration?, tripsSinceClose: Int, timeInState: Duration
        ) {
            self.state = state
            self.generation = generation
            self.callsInWindow = callsInWindow
            self.failuresInWindow = failuresInWindow
            self.slowCallsInWindow = slowCallsInWindow
            self.failureRate = callsInWindow == 0 ? 0 : Double(failuresInWindow) / Double(callsInWindow)
            self.slowCallRate = callsInWindow == 0 ? 0 : Double(slowCallsInWindow) / Double(callsInWindow)
            self.rejectedCalls = rejectedCalls
            self.successfulCalls = successfulCalls
            self.failedCalls = failedCalls
            self.slowCalls = slowCalls
            self.ignoredCalls = ignoredCalls
            self.staleOutcomes = staleOutcomes
            self.consecutiveFailures = consecutiveFailures
            self.probesInFlight = probesInFlight
            self.nextProbeIn = nextProbeIn
            self.openDuration = openDuration
            self.tripsSinceClose = tripsSinceClose
            self.timeInState = timeInState
        }
    }
}

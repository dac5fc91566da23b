extension CircuitBreaker {
    /// How a circuit breaker decides to trip and to recover. Validated when made: an invalid
    /// configuration throws a ``ConfigurationError`` that lists every bad field at once.
    ///
    /// ```swift
    /// let configuration = try CircuitBreaker.Configuration(
    ///     windowSize: 50, minimumCalls: 10, failureRateThreshold: 0.25, openDuration: .seconds(10)
    /// )
    /// ```
    public struct Configuration: Sendable, Hashable, CustomStringConvertible {
        /// How many of the most recent calls the count-based sliding window holds.
        /// Default 100: large enough for a stable failure rate, small enough to react within a
        /// hundred calls of a change. Must be at least 1.
        public let windowSize: Int

        /// How many calls the window must hold before the failure rate can trip the breaker.
        /// Default 20: a full outage trips within 20 calls (two seconds at 10 calls/s), while a
        /// callee with a 20% background error rate has under 0.3% chance of a spurious trip on
        /// the first 20 calls (1 failure in 1 call would be 100%). Must be in 1...windowSize.
        public let minimumCalls: Int

        /// The failure rate (failures / calls in the window) at or above which the breaker trips.
        /// Default 0.5. Must be in 0 < x <= 1.
        public let failureRateThreshold: Double

        /// How long the breaker stays open before letting probes through; also how long
        /// half-open waits for hanging probes before admitting fresh ones. Default 5 s: about the
        /// time a crashed or redeployed backend takes to come back, so traffic resumes quickly,
        /// and probing is cheap (only ``permittedCallsInHalfOpen`` calls). Must be positive.
        public let openDuration: Duration

        /// How many probe calls half-open admits; all must succeed to close the breaker, any
        /// failure opens it again. Default 3: one lucky probe does not close the breaker, and a
        /// recovering backend gets three calls, not a stampede. Must be at least 1.
        public let permittedCallsInHalfOpen: Int

        /// Creates a configuration, throwing a ``ConfigurationError`` that names every invalid
        /// field and value.
        public init(
            windowSize: Int = 100,
            minimumCalls: Int = 20,
            failureRateThreshold: Double = 0.5,
            openDuration: Duration = .seconds(5),
            permittedCallsInHalfOpen: Int = 3
        ) throws(ConfigurationError) {
            var validator = ConfigurationValidator("CircuitBreaker.Configuration")
            validator.check(windowSize >= 1, "windowSize", windowSize, "at least 1")
            validator.check(
                minimumCalls >= 1 && minimumCalls <= max(windowSize, 1), "minimumCalls", minimumCalls,
                "in 1...windowSize (\(windowSize)), or the breaker could never trip"
            )
            validator.check(
                failureRateThreshold > 0 && failureRateThreshold <= 1, "failureRateThreshold",
                failureRateThreshold, "in 0 < x <= 1"
            )
            validator.check(openDuration > .zero, "openDuration", openDuration, "positive")
            validator.check(permittedCallsInHalfOpen >= 1, "permittedCallsInHalfOpen", permittedCallsInHalfOpen, "at least 1")
            try validator.finish()
            self.init(
                unchecked: windowSize, minimumCalls, failureRateThreshold, openDuration, permittedCallsInHalfOpen
            )
        }

        private init(
            unchecked windowSize: Int, _ minimumCalls: Int, _ failureRateThreshold: Double,
            _ openDuration: Duration, _ permittedCallsInHalfOpen: Int
        ) {
            self.windowSize = windowSize
            self.minimumCalls = minimumCalls
            self.failureRateThreshold = failureRateThreshold
            self.openDuration = openDuration
            self.permittedCallsInHalfOpen = permittedCallsInHalfOpen
        }

        /// The defaults: window 100, minimum 20 calls, threshold 0.5, open 5 s, 3 probes.
        public static let `default` = Configuration(unchecked: 100, 20, 0.5, .seconds(5), 3)

        public var description: String {
            "CircuitBreaker.Configuration(windowSize: \(windowSize), minimumCalls: \(minimumCalls), "
                + "failureRateThreshold: \(failureRateThreshold), openDuration: \(openDuration), "
                + "permittedCallsInHalfOpen: \(permittedCallsInHalfOpen))"
        }
    }
}

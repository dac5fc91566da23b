extension CircuitBreaker {
    /// How a circuit breaker decides to trip and to recover. Validated when made: an invalid
    /// configuration throws a ``ConfigurationError`` that lists every bad field at once.
    ///
    /// Three trip rules, checked after every outcome recorded while closed:
    /// - failure rate: at least ``minimumCalls`` calls in the window and failures / calls >=
    ///   ``failureRateThreshold``;
    /// - slow-call rate (when ``slowCallDuration`` is set): at least ``minimumCalls`` calls in the
    ///   window and slow calls / calls >= ``slowCallRateThreshold``, where a call is slow when it
    ///   took longer than ``slowCallDuration`` from admission to outcome, whatever the outcome;
    /// - consecutive failures: ``consecutiveFailureThreshold`` failures in a row (off by default).
    ///
    /// ```swift
    /// let configuration = try CircuitBreaker.Configuration(
    ///     slidingWindow: .time(.seconds(30), buckets: 10), minimumCalls: 10,
    ///     failureRateThreshold: 0.25, slowCallDuration: .seconds(2), slowCallRateThreshold: 0.5,
    ///     consecutiveFailureThreshold: 5,
    ///     openDuration: .seconds(10), openDurationMultiplier: 2, maxOpenDuration: .seconds(120)
    /// )
    /// // the first form, still accepted: windowSize: n is slidingWindow: .count(n)
    /// let simple = try CircuitBreaker.Configuration(windowSize: 50, minimumCalls: 10)
    /// ```
    public struct Configuration: Sendable, Hashable, CustomStringConvertible {
        /// Which recent calls the failure and slow-call rates are computed over.
        /// Default `.count(100)`: large enough for a stable rate, small enough to react within a
        /// hundred calls of a change.
        public let slidingWindow: SlidingWindow

        /// The size of a count-based window; `nil` for a time-based one.
        public var windowSize: Int? {
            if case .count(let size) = slidingWindow { return size }
            return nil
        }

        /// How many calls the window must hold before the failure and slow-call rates can trip
        /// the breaker. Default 20: a full outage trips within 20 calls (two seconds at 10
        /// calls/s), while a callee with a 20% background error rate has under 0.3% chance of a
        /// spurious trip on the first 20 calls (1 failure in 1 call would be 100%). Must be at
        /// least 1, and at most the size of a count-based window (or the breaker could never trip).
        ///
        /// It does not apply in half-open: closing always takes all ``permittedCallsInHalfOpen``
        /// probes succeeding, even when `minimumCalls` is smaller (one success among three probes
        /// does not close the breaker, and one failure reopens it).
        public let minimumCalls: Int

        /// The failure rate (failures / calls in the window) at or above which the breaker trips.
        /// Default 0.5. Must be in 0 < x <= 1.
        public let failureRateThreshold: Double

        /// A call taking longer than this, from admission to outcome on the breaker's clock, is a
        /// slow call, whatever its outcome. Default `nil`: calls are not timed and the slow-call
        /// rule is off, which keeps the closed fast path free of clock reads (two reads per call
        /// would cost more than the rest of the breaker together; see docs/BENCHMARKS.md).
        /// resilience4j's value, 60 s, counts only calls that are surely stuck. Must be positive
        /// when set.
        public let slowCallDuration: Duration?

        /// The slow-call rate (slow calls / calls in the window) at or above which the breaker
        /// trips, when ``slowCallDuration`` is set. Default 1.0 (as in resilience4j): only a window
        /// of nothing but slow calls trips, so setting ``slowCallDuration`` alone trips only a
        /// callee that has become uniformly slow. Must be in 0 < x <= 1.
        ///
        /// In half-open, when every probe has succeeded, the breaker reopens instead of closing if
        /// slow probes / probes reach this rate.
        public let slowCallRateThreshold: Double

        /// This many failures in a row trip the breaker at once, whatever ``minimumCalls`` and
        /// the rates say; a success resets the count (an ignored outcome does not). Default `nil`:
        /// off, because the failure rate already covers outages; set it to trip a low-traffic
        /// breaker fast. Must be at least 1 when set.
        public let consecutiveFailureThreshold: Int?

        /// How long the breaker stays open after a trip from closed, before letting probes through;
        /// also how long half-open waits for hanging probes before admitting fresh ones. Default
        /// 5 s: about the time a crashed or redeployed backend takes to come back, so traffic
        /// resumes quickly, and probing is cheap (only ``permittedCallsInHalfOpen`` calls).
        /// Must be positive.
        public let openDuration: Duration

        /// Each reopening after a failed half-open (without a clean close in between) multiplies
        /// the open duration by this, up to ``maxOpenDuration``. Default 1: no growth, so the
        /// breaker behaves the same on every trip; use 2 to back off from a callee that stays down.
        /// A clean close (or ``CircuitBreaker/reset()``) goes back to ``openDuration``.
        /// Must be at least 1.
        public let openDurationMultiplier: Double

        /// The cap on the grown open duration; `nil` (the default) for no cap. Must be at least
        /// ``openDuration`` when set.
        public let maxOpenDuration: Duration?

        /// Each open duration is shortened by a random fraction, up to this, of itself, drawn from
        /// the breaker's random source: spreads out the probes of many clients that tripped
        /// together. Default 0: none, so open durations are exact. Must be in 0 <= x < 1.
        public let openDurationJitter: Double

        /// How many probe calls half-open admits; all must succeed to close the breaker, any
        /// failure opens it again. Default 3: one lucky probe does not close the breaker, and a
        /// recovering backend gets three calls, not a stampede. Must be at least 1.
        ///
        /// ``minimumCalls`` does not apply to probes: when it is smaller than this count, closing
        /// still takes every one of the probes succeeding (the window is not consulted in
        /// half-open), and a single probe failure reopens the breaker. Probes whose outcome is
        /// ignored (cancelled) free their slot for another probe.
        public let permittedCallsInHalfOpen: Int

        /// Creates a configuration, throwing a ``ConfigurationError`` that names every invalid
        /// field and value. Every parameter's default is documented on its property.
        public init(
            slidingWindow: SlidingWindow = .count(100),
            minimumCalls: Int = 20,
            failureRateThreshold: Double = 0.5,
            slowCallDuration: Duration? = nil,
            slowCallRateThreshold: Double = 1.0,
            consecutiveFailureThreshold: Int? = nil,
            openDuration: Duration = .seconds(5),
            openDurationMultiplier: Double = 1,
            maxOpenDuration: Duration? = nil,
            openDurationJitter: Double = 0,
            permittedCallsInHalfOpen: Int = 3
        ) throws(ConfigurationError) {
            try self.init(
                validating: slidingWindow, windowField: "slidingWindow", minimumCalls, failureRateThreshold,
                slowCallDuration, slowCallRateThreshold, consecutiveFailureThreshold, openDuration,
                openDurationMultiplier, maxOpenDuration, openDurationJitter, permittedCallsInHalfOpen
            )
        }

        /// Creates a configuration with a count-based window of the last `windowSize` calls (the
        /// first form of this initializer, kept for existing callers): the same as
        /// `slidingWindow: .count(windowSize)`.
        public init(
            windowSize: Int,
            minimumCalls: Int = 20,
            failureRateThreshold: Double = 0.5,
            slowCallDuration: Duration? = nil,
            slowCallRateThreshold: Double = 1.0,
            consecutiveFailureThreshold: Int? = nil,
            openDuration: Duration = .seconds(5),
            openDurationMultiplier: Double = 1,
            maxOpenDuration: Duration? = nil,
            openDurationJitter: Double = 0,
            permittedCallsInHalfOpen: Int = 3
        ) throws(ConfigurationError) {
            try self.init(
                validating: .count(windowSize), windowField: "windowSize", minimumCalls, failureRateThreshold,
                slowCallDuration, slowCallRateThreshold, consecutiveFailureThreshold, openDuration,
                openDurationMultiplier, maxOpenDuration, openDurationJitter, permittedCallsInHalfOpen
            )
        }

        private init(
            validating slidingWindow: SlidingWindow, windowField: String, _ minimumCalls: Int,
            _ failureRateThreshold: Double, _ slowCallDuration: Duration?, _ slowCallRateThreshold: Double,
            _ consecutiveFailureThreshold: Int?, _ openDuration: Duration, _ openDurationMultiplier: Double,
            _ maxOpenDuration: Duration?, _ openDurationJitter: Double, _ permittedCallsInHalfOpen: Int
        ) throws(ConfigurationError) {
            var validator = ConfigurationValidator("CircuitBreaker.Configuration")
            switch slidingWindow {
            case .count(let size):
                let value: Any = windowField == "windowSize" ? size : slidingWindow
                validator.check(
                    size >= 1 && size <= ConfigurationLimits.maxWindowCalls, windowField, value,
                    windowField == "windowSize" ? "in 1...\(ConfigurationLimits.maxWindowCalls)" : "a count in 1...\(ConfigurationLimits.maxWindowCalls)"
                )
                validator.check(
                    minimumCalls >= 1 && minimumCalls <= max(size, 1), "minimumCalls", minimumCalls,
                    "in 1...\(windowField == "windowSize" ? "windowSize" : "the window size") (\(size)), or the breaker could never trip"
                )
            case .time(let length, let buckets):
                validator.check(
                    buckets >= 1 && buckets <= ConfigurationLimits.maxBuckets && length > .zero
                        && length <= ConfigurationLimits.maxDuration && length >= .nanoseconds(max(buckets, 1)),
                    windowField, slidingWindow,
                    "a positive length of at most 365 days with 1...\(ConfigurationLimits.maxBuckets) buckets, each at least 1 ns"
                )
                validator.check(minimumCalls >= 1, "minimumCalls", minimumCalls, "at least 1")
            }
            validator.check(
                failureRateThreshold > 0 && failureRateThreshold <= 1, "failureRateThreshold",
                failureRateThreshold, "in 0 < x <= 1"
            )
            if let slowCallDuration {
                validator.check(
                    slowCallDuration > .zero && slowCallDuration <= ConfigurationLimits.maxDuration, "slowCallDuration",
                    slowCallDuration, "positive and at most 365 days, or nil to turn the rule off"
                )
            }
            validator.check(
                slowCallRateThreshold > 0 && slowCallRateThreshold <= 1, "slowCallRateThreshold",
                slowCallRateThreshold, "in 0 < x <= 1"
            )
            if let consecutiveFailureThreshold {
                validator.check(
                    consecutiveFailureThreshold >= 1, "consecutiveFailureThreshold", consecutiveFailureThreshold,
                    "at least 1, or nil to turn the rule off"
                )
            }
            validator.check(
                openDuration > .zero && openDuration <= ConfigurationLimits.maxDuration, "openDuration", openDuration,
                "positive and at most 365 days"
            )
            validator.check(
                openDurationMultiplier >= 1 && openDurationMultiplier.isFinite, "openDurationMultiplier",
                openDurationMultiplier, "at least 1 (1: no growth)"
            )
            if let maxOpenDuration {
                validator.check(
                    maxOpenDuration >= openDuration && maxOpenDuration <= ConfigurationLimits.maxDuration, "maxOpenDuration", maxOpenDuration,
                    "at least openDuration (\(openDuration)) and at most 365 days, or nil for no cap"
                )
            }
            validator.check(
                openDurationJitter >= 0 && openDurationJitter < 1, "openDurationJitter", openDurationJitter,
                "in 0 <= x < 1"
            )
            validator.check(permittedCallsInHalfOpen >= 1, "permittedCallsInHalfOpen", permittedCallsInHalfOpen, "at least 1")
            try validator.finish()
            self.init(
                unchecked: slidingWindow, minimumCalls, failureRateThreshold, slowCallDuration, slowCallRateThreshold,
                consecutiveFailureThreshold, openDuration, openDurationMultiplier, maxOpenDuration,
                openDurationJitter, permittedCallsInHalfOpen
            )
        }

        private init(
            unchecked slidingWindow: SlidingWindow, _ minimumCalls: Int, _ failureRateThreshold: Double,
            _ slowCallDuration: Duration?, _ slowCallRateThreshold: Double, _ consecutiveFailureThreshold: Int?,
            _ openDuration: Duration, _ openDurationMultiplier: Double, _ maxOpenDuration: Duration?,
            _ openDurationJitter: Double, _ permittedCallsInHalfOpen: Int
        ) {
            self.slidingWindow = slidingWindow
            self.minimumCalls = minimumCalls
            self.failureRateThreshold = failureRateThreshold
            self.slowCallDuration = slowCallDuration
            self.slowCallRateThreshold = slowCallRateThreshold
            self.consecutiveFailureThreshold = consecutiveFailureThreshold
            self.openDuration = openDuration
            self.openDurationMultiplier = openDurationMultiplier
            self.maxOpenDuration = maxOpenDuration
            self.openDurationJitter = openDurationJitter
            self.permittedCallsInHalfOpen = permittedCallsInHalfOpen
        }

        /// The defaults: a window of the last 100 calls, minimum 20 calls, failure rate 0.5, no
        /// slow-call rule (rate 1.0 once a duration is set), no consecutive-failure rule, open 5 s
        /// without growth or jitter, 3 probes.
        public static let `default` = Configuration(
            unchecked: .count(100), 20, 0.5, nil, 1.0, nil, .seconds(5), 1, nil, 0, 3
        )

        public var description: String {
            var text = "CircuitBreaker.Configuration(slidingWindow: \(slidingWindow), minimumCalls: \(minimumCalls), "
                + "failureRateThreshold: \(failureRateThreshold), "
            if let slowCallDuration {
                text += "slowCallDuration: \(slowCallDuration), slowCallRateThreshold: \(slowCallRateThreshold), "
            }
            if let consecutiveFailureThreshold { text += "consecutiveFailureThreshold: \(consecutiveFailureThreshold), " }
            text += "openDuration: \(openDuration), "
            if openDurationMultiplier != 1 { text += "openDurationMultiplier: \(openDurationMultiplier), " }
            if let maxOpenDuration { text += "maxOpenDuration: \(maxOpenDuration), " }
            if openDurationJitter != 0 { text += "openDurationJitter: \(openDurationJitter), " }
            return text + "permittedCallsInHalfOpen: \(permittedCallsInHalfOpen))"
        }
    }
}

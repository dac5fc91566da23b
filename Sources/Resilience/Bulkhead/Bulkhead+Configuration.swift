extension Bulkhead {
    /// How many calls a bulkhead lets run at once and how long others may wait. Validated when
    /// made: an invalid configuration throws a ``ConfigurationError`` listing every bad field.
    ///
    /// ```swift
    /// // 8 at once, up to 16 more wait in arrival order for at most 50 ms each:
    /// let configuration = try Bulkhead.Configuration(maxConcurrentCalls: 8, maxQueueLength: 16, maxWait: .milliseconds(50))
    /// // Fail fast, with an adaptive limit:
    /// let adaptive = try Bulkhead.Configuration(limit: .gradient(initial: 10, maximum: 100), maxWait: .zero)
    /// ```
    public struct Configuration: Sendable, Hashable, CustomStringConvertible {
        /// The concurrency limit, fixed or adaptive. Default `.fixed(25)` (resilience4j's
        /// default): enough parallelism for one backend method, few enough that a hanging
        /// backend cannot tie up every task of a client.
        public let limit: Limit

        /// How many callers may wait for a permit, in arrival order, when all are in use.
        /// Default 25: a burst up to twice the limit waits instead of failing. Callers beyond it
        /// are rejected at once. Must be at least 0; unused when ``maxWait`` is zero.
        public let maxQueueLength: Int

        /// How long a queued caller waits before it is rejected. Zero means fail fast: never
        /// queue. Default 100 ms: absorbs a short burst without adding more latency than a
        /// typical call takes; a longer wait only hides overload. Must be at least zero.
        public let maxWait: Duration

        /// A fixed limit of `maxConcurrentCalls`.
        public init(
            maxConcurrentCalls: Int = 25, maxQueueLength: Int = 25, maxWait: Duration = .milliseconds(100)
        ) throws(ConfigurationError) {
            try self.init(limit: .fixed(maxConcurrentCalls), maxQueueLength: maxQueueLength, maxWait: maxWait)
        }

        /// Any limit, fixed or adaptive.
        public init(limit: Limit, maxQueueLength: Int = 25, maxWait: Duration = .milliseconds(100)) throws(ConfigurationError) {
            var validator = ConfigurationValidator("Bulkhead.Configuration")
            limit.validate(into: &validator)
            validator.check(maxQueueLength >= 0, "maxQueueLength", maxQueueLength, "at least 0")
            validator.check(
                maxWait >= .zero && maxWait <= ConfigurationLimits.maxDuration, "maxWait", maxWait,
                "in zero...365 days (zero: fail fast)"
            )
            try validator.finish()
            self.init(unchecked: limit, maxQueueLength, maxWait)
        }

        private init(unchecked limit: Limit, _ maxQueueLength: Int, _ maxWait: Duration) {
            self.limit = limit
            self.maxQueueLength = maxQueueLength
            self.maxWait = maxWait
        }

        /// The defaults: a fixed limit of 25, a queue of 25, a maximum wait of 100 ms.
        public static let `default` = Configuration(unchecked: .fixed(25), 25, .milliseconds(100))

        /// The maximum concurrent calls for a fixed limit; the initial limit for an adaptive one.
        public var maxConcurrentCalls: Int { limit.initial }

        public var description: String {
            "Bulkhead.Configuration(limit: \(limit), maxQueueLength: \(maxQueueLength), maxWait: \(maxWait))"
        }
    }
}

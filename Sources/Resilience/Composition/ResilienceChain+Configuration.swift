import RPCCore

extension ResilienceChain {
    /// Everything a ``ResilienceChain`` is built from. Each policy is optional: leave it `nil`
    /// and the chain has no such layer.
    ///
    /// The overall timeout, retry and per-attempt timeout slots take any interceptor, which the
    /// chain puts in its recommended place: usually a ``TimeoutInterceptor`` and a
    /// ``RetryInterceptor`` (retry or hedging).
    ///
    /// ```swift
    /// var configuration = ResilienceChain.Configuration()
    /// configuration.fallback = FallbackInterceptor(strategy: .fixed(message: placeholder))
    /// configuration.circuitBreaker = try CircuitBreaker.Configuration(windowSize: 20, minimumCalls: 10)
    /// configuration.bulkhead = try Bulkhead.Configuration(maxConcurrentCalls: 8, maxWait: .zero)
    /// let chain = ResilienceChain(configuration: configuration)
    /// let client = RPCClient(transport: transport, interceptors: chain.interceptors)
    /// ```
    public struct Configuration: Sendable {
        /// The outermost layer: answers the failures of everything inside it. Default none.
        public var fallback: FallbackInterceptor?
        /// Slot for the overall timeout (the whole call, retries included), e.g.
    /// `TimeoutInterceptor(timeout: .seconds(2))`. Default none.
        public var overallTimeout: (any ClientInterceptor)?
        /// Slot for the retry policy, e.g. `RetryInterceptor(policy: .default)`. Default none.
        public var retry: (any ClientInterceptor)?
        /// A breaker per method (or service, see ``scope``) with this configuration. Default none.
        public var circuitBreaker: CircuitBreaker.Configuration?
        /// A bulkhead per method (or service) with this configuration. Default none.
        public var bulkhead: Bulkhead.Configuration?
        /// Slot for the per-attempt timeout, innermost, next to the transport, e.g. a
    /// ``TimeoutInterceptor`` (or set ``RetryPolicy/perAttemptTimeout``, which also makes a
    /// timed-out attempt retryable). Default none.
        public var attemptTimeout: (any ClientInterceptor)?
        /// Whether breakers and bulkheads are per method (the default: one failing or slow method
        /// does not take down its siblings) or per service.
        public var scope: Scope

        /// A configuration with no policies, per-method scope.
        public init(
            fallback: FallbackInterceptor? = nil,
            overallTimeout: (any ClientInterceptor)? = nil,
            retry: (any ClientInterceptor)? = nil,
            circuitBreaker: CircuitBreaker.Configuration? = nil,
            bulkhead: Bulkhead.Configuration? = nil,
            attemptTimeout: (any ClientInterceptor)? = nil,
            scope: Scope = .method
        ) {
            self.fallback = fallback
            self.overallTimeout = overallTimeout
            self.retry = retry
            self.circuitBreaker = circuitBreaker
            self.bulkhead = bulkhead
            self.attemptTimeout = attemptTimeout
            self.scope = scope
        }
    }
}

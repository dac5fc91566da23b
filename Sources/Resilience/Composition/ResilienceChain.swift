import RPCCore

/// Assembles client interceptors in the recommended order from one configuration, outermost first:
///
/// 1. fallback: answers whatever the layers inside fail with, rejections included;
/// 2. overall timeout: bounds the whole call, retries and waits included;
/// 3. retry: each attempt goes through the layers below;
/// 4. circuit breaker: counts every attempt, and rejects attempts at once while open;
/// 5. bulkhead: limits attempts in flight, holding each permit until its attempt really ends;
/// 6. per-attempt timeout: bounds one attempt, next to the transport.
///
/// README.md ("Order of interceptors") says what each other order would mean. Slots 2, 3 and 6
/// take any interceptor: usually ``TimeoutInterceptor`` (2 and 6) and ``RetryInterceptor`` (3).
///
/// ```swift
/// let chain = ResilienceChain(configuration: .init(
///     fallback: FallbackInterceptor(strategy: .fixed(message: placeholder)),
///     circuitBreaker: try .init(windowSize: 20, minimumCalls: 10),
///     bulkhead: try .init(maxConcurrentCalls: 8, maxWait: .zero)
/// ))
/// let client = RPCClient(transport: transport, interceptors: chain.interceptors)
/// chain.bulkheads?.bulkhead(for: getProduct).metrics   // observe the layers
/// ```
public struct ResilienceChain: Sendable {
    /// What the chain was built from.
    public let configuration: Configuration
    /// The breakers, made per method or service on first use; `nil` without a breaker.
    public let circuitBreakers: CircuitBreakerRegistry?
    /// The bulkheads, made per method or service on first use; `nil` without a bulkhead.
    public let bulkheads: BulkheadRegistry?
    /// The interceptors in the recommended order, outermost first: give them to an `RPCClient`
    /// (alone, or after interceptors of your own that should run outside them).
    public let interceptors: [any ClientInterceptor]

    /// Builds the chain.
    ///
    /// - Parameters:
    ///   - configuration: Which policies, with what settings.
    ///   - clock: Shared by the breakers and bulkheads; inject a manual clock in tests.
    ///   - onStateChange: Called for every transition of every breaker, outside locks.
    public init(
        configuration: Configuration,
        clock: any Clock<Duration> = ContinuousClock(),
        onStateChange: (@Sendable (CircuitBreaker.StateChange) -> Void)? = nil
    ) {
        self.configuration = configuration
        circuitBreakers = configuration.circuitBreaker.map {
            CircuitBreakerRegistry(
                defaultConfiguration: $0, scope: configuration.scope == .method ? .method : .service,
                clock: clock, onStateChange: onStateChange
            )
        }
        bulkheads = configuration.bulkhead.map {
            BulkheadRegistry(defaultConfiguration: $0, scope: configuration.scope == .method ? .method : .service, clock: clock)
        }
        var interceptors: [any ClientInterceptor] = []
        if let fallback = configuration.fallback { interceptors.append(fallback) }
        if let overallTimeout = configuration.overallTimeout { interceptors.append(overallTimeout) }
        if let retry = configuration.retry { interceptors.append(retry) }
        if let circuitBreakers { interceptors.append(CircuitBreakerInterceptor(registry: circuitBreakers)) }
        if let bulkheads { interceptors.append(BulkheadInterceptor(registry: bulkheads)) }
        if let attemptTimeout = configuration.attemptTimeout { interceptors.append(attemptTimeout) }
        self.interceptors = interceptors
    }
}

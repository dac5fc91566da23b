import RPCCore

/// Puts a circuit breaker in front of calls: rejects them without calling `next` while the
/// breaker is open, and records each admitted call's outcome when its response ends.
///
/// A rejected call gets a response whose `accepted` is `.failure` with an UNAVAILABLE
/// `RPCError` carrying the ``CircuitBreakerOpenError`` as its `cause` and the retry-after in
/// metadata (`x-breaker-retry-after-ms`). Outcomes are recorded through
/// `StreamingClientResponse.onEnd(_:)`: a streaming call that fails after its headers counts as a
/// failure; a body dropped unfinished (caller cancellation) releases the permit unrecorded. An
/// error thrown by `next` is classified like a failed response.
///
/// Place it inside retry and fallback, outside the bulkhead (see the composition order in
/// README.md, "Order of interceptors"): fallback, timeout, retry, circuit breaker, bulkhead, per-attempt timeout.
///
/// ```swift
/// let registry = CircuitBreakerRegistry(clock: clock)
/// let client = RPCClient(transport: transport, interceptors: [
///     CircuitBreakerInterceptor(registry: registry),               // one breaker per method
/// ])
/// // or one breaker for everything this client calls:
/// let shared = CircuitBreakerInterceptor(breaker: CircuitBreaker(name: "catalog"))
/// ```
public struct CircuitBreakerInterceptor: ClientInterceptor, ChainedClientInterceptor, ClientCallHook {
    private enum Breakers: Sendable {
        case single(CircuitBreaker)
        case registry(CircuitBreakerRegistry)
        /// Per target: the interceptor remembers the target's breakers itself, so a call
        /// builds no `target/service/method` name and takes no registry lock.
        case targeted(CircuitBreakerRegistry, target: String, cache: MethodCache<CircuitBreaker>)
    }

    private let breakers: Breakers
    /// How outcomes are classified.
    public let classifier: Classifier

    /// One breaker for every call through this interceptor.
    public init(breaker: CircuitBreaker, classifier: Classifier = .default) {
        breakers = .single(breaker)
        self.classifier = classifier
    }

    /// A breaker per method (or service) from `registry`; with a `target` (e.g. the server's
    /// address), per target and method, so clients of different servers sharing one registry
    /// trip independently.
    public init(registry: CircuitBreakerRegistry, target: String? = nil, classifier: Classifier = .default) {
        if let target, !target.isEmpty {
            breakers = .targeted(registry, target: target, cache: MethodCache())
        } else {
            breakers = .registry(registry)
        }
        self.classifier = classifier
    }

    /// The breaker that guards calls to `descriptor`.
    public func breaker(for descriptor: MethodDescriptor) -> CircuitBreaker {
        switch breakers {
        case .single(let breaker): breaker
        case .registry(let registry): registry.breaker(for: descriptor)
        case .targeted(let registry, let target, let cache):
            cache.value(for: descriptor) { registry.breaker(for: descriptor, target: target) }
        }
    }

    public func intercept(
        request: StreamingClientRequest,
        context: ClientContext,
        next: @Sendable (StreamingClientRequest, ClientContext) async throws -> StreamingClientResponse
    ) async throws -> StreamingClientResponse {
        try await interceptWithClosure(request: request, context: context, next: next)
    }

    @usableFromInline
    package func intercept(request: StreamingClientRequest, context: ClientContext, next: ClientNext) async throws -> StreamingClientResponse {
        let permit: CircuitBreaker.Permit
        do {
            permit = try breaker(for: context.descriptor).acquirePermission()
        } catch {
            return StreamingClientResponse(error: RPCError(from: error))
        }
        let response: StreamingClientResponse
        do {
            response = try await next(request, context)
        } catch {
            permit.record(classifier.classify(.failure(RPCError(from: error))))
            throw error
        }
        guard classifier.isDefault else {
            let classifier = self.classifier
            return response.onEnd { outcome in permit.record(classifier.classify(outcome)) }
        }
        // Capturing the permit alone costs no closure context.
        return response.onEnd { outcome in permit.record(Classifier.classifyByDefault(outcome)) }
    }
}

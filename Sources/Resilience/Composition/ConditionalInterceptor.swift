import RPCCore

/// Applies an interceptor only to some calls, so that one client can have policies per method or
/// per service; other calls go straight to `next`.
///
/// ```swift
/// let client = RPCClient(transport: transport, interceptors: [
///     // Only searches get a tight bulkhead:
///     ConditionalInterceptor(methods: [search], BulkheadInterceptor(bulkhead: searchBulkhead)),
///     // Everything of the inventory service gets a breaker:
///     ConditionalInterceptor.forService("inventory.v1.Inventory", CircuitBreakerInterceptor(registry: breakers)),
/// ])
/// ```
public struct ConditionalInterceptor: ClientInterceptor, ChainedClientInterceptor {
    /// The wrapped interceptor.
    public let interceptor: any ClientInterceptor
    private let applies: @Sendable (MethodDescriptor) -> Bool

    /// Applies `interceptor` to calls for which `predicate` is true.
    public init(where predicate: @escaping @Sendable (MethodDescriptor) -> Bool, _ interceptor: any ClientInterceptor) {
        self.interceptor = interceptor
        self.applies = predicate
    }

    /// Applies `interceptor` to calls of these methods.
    public init(methods: Set<MethodDescriptor>, _ interceptor: any ClientInterceptor) {
        self.init(where: { methods.contains($0) }, interceptor)
    }

    /// Applies `interceptor` to calls of every method of these fully qualified services.
    public static func forServices(_ services: Set<String>, _ interceptor: any ClientInterceptor) -> ConditionalInterceptor {
        ConditionalInterceptor(where: { services.contains($0.service) }, interceptor)
    }

    /// Applies `interceptor` to calls of every method of `service` (fully qualified, e.g.
    /// `catalog.v1.Catalog`).
    public static func forService(_ service: String, _ interceptor: any ClientInterceptor) -> ConditionalInterceptor {
        forServices([service], interceptor)
    }

    /// Whether the wrapped interceptor runs for calls to `descriptor`.
    public func applies(to descriptor: MethodDescriptor) -> Bool { applies(descriptor) }

    public func intercept(
        request: StreamingClientRequest,
        context: ClientContext,
        next: @Sendable (StreamingClientRequest, ClientContext) async throws -> StreamingClientResponse
    ) async throws -> StreamingClientResponse {
        guard applies(context.descriptor) else { return try await next(request, context) }
        return try await interceptor.intercept(request: request, context: context, next: next)
    }

    @usableFromInline
    package func intercept(request: StreamingClientRequest, context: ClientContext, next: ClientNext) async throws -> StreamingClientResponse {
        guard applies(context.descriptor) else { return try await next(request, context) }
        if let chained = interceptor as? any ChainedClientInterceptor {
            return try await chained.intercept(request: request, context: context, next: next)
        }
        return try await interceptor.intercept(request: request, context: context) { request, context in
            try await next(request, context)
        }
    }
}

import RPCCore
import Resilience
import ResilienceTestKit
import Synchronization
import Testing

@Suite struct CompositionTests {
    /// Records the order interceptors run in.
    struct Marker: ClientInterceptor {
        let name: String
        let trace: Recorder<String>
        func intercept(
            request: StreamingClientRequest, context: ClientContext,
            next: @Sendable (StreamingClientRequest, ClientContext) async throws -> StreamingClientResponse
        ) async throws -> StreamingClientResponse {
            trace.append(name)
            return try await next(request, context)
        }
    }

    @Test func theChainIsAssembledInTheRecommendedOrder() throws {
        let trace = Recorder<String>()
        let chain = ResilienceChain(configuration: .init(
            fallback: FallbackInterceptor(strategy: .fixed(message: [0])),
            overallTimeout: Marker(name: "overall timeout", trace: trace),
            retry: Marker(name: "retry", trace: trace),
            circuitBreaker: breakerConfiguration(),
            bulkhead: bulkheadConfiguration(),
            attemptTimeout: Marker(name: "attempt timeout", trace: trace)
        ))
        let kinds = chain.interceptors.map { interceptor -> String in
            switch interceptor {
            case is FallbackInterceptor: "fallback"
            case let marker as Marker: marker.name
            case is CircuitBreakerInterceptor: "circuit breaker"
            case is BulkheadInterceptor: "bulkhead"
            default: "?"
            }
        }
        #expect(kinds == ["fallback", "overall timeout", "retry", "circuit breaker", "bulkhead", "attempt timeout"])
        #expect(chain.circuitBreakers != nil)
        #expect(chain.bulkheads?.bulkhead(for: getProduct).limit == 2)
    }

    @Test func aChainHasOnlyTheLayersConfigured() {
        let chain = ResilienceChain(configuration: .init(bulkhead: bulkheadConfiguration(), scope: .service))
        #expect(chain.interceptors.count == 1)
        #expect(chain.circuitBreakers == nil)
        #expect(chain.bulkheads?.scope == .service)
        #expect(ResilienceChain(configuration: .init()).interceptors.isEmpty)
    }

    @Test func aFullBulkheadInTheChainIsAnsweredByTheFallback() async throws {
        let gate = Gate()
        let transport = FakeTransport { _, _ in BulkheadInterceptorTests.gatedResponse(gate) }
        let chain = ResilienceChain(configuration: .init(
            fallback: FallbackInterceptor(triggers: [.bulkheadFull], strategy: .fixed(message: [0xfa]), responseHandling: .streamed),
            circuitBreaker: breakerConfiguration(),
            bulkhead: bulkheadConfiguration(limit: 1, maxWait: .zero)
        ))
        let client = RPCClient(transport: transport, interceptors: chain.interceptors)
        let held = await client.streaming(request: StreamingClientRequest(message: [1]), descriptor: getProduct)
        let response = try await client.unary(request: ClientRequest(message: [1]), descriptor: getProduct)
        #expect(response.message == [0xfa])
        #expect(response.metadata.firstString(forKey: "x-fallback") == "default")
        #expect(response.metadata.firstString(forKey: "x-fallback-cause") == "bulkhead-full")
        #expect(transport.callCount == 1)
        gate.open()
        withExtendedLifetime(held) {}
    }

    @Test func conditionalInterceptorsApplyOnlyToTheirMethodsOrServices() async throws {
        let trace = Recorder<String>()
        let transport = FakeTransport(always: { Responses.ok() })
        let client = RPCClient(transport: transport, interceptors: [
            ConditionalInterceptor(methods: [getProduct], Marker(name: "get only", trace: trace)),
            ConditionalInterceptor.forService("inventory.v1.Inventory", Marker(name: "inventory", trace: trace)),
            ConditionalInterceptor(where: { $0.method.hasPrefix("List") }, Marker(name: "lists", trace: trace)),
        ])
        for descriptor in [getProduct, listProducts, getStock] {
            _ = try await client.unary(request: ClientRequest(message: [1]), descriptor: descriptor)
        }
        #expect(trace.values == ["get only", "lists", "inventory"])
        #expect(transport.callCount == 3)
        #expect(ConditionalInterceptor.forService("catalog.v1.Catalog", Marker(name: "x", trace: trace)).applies(to: listProducts))
    }

    @Test func aConditionalBulkheadLimitsOnlyItsMethod() async throws {
        let bulkhead = Bulkhead(name: "get", configuration: bulkheadConfiguration(limit: 1, maxWait: .zero))
        let transport = FakeTransport(always: { Responses.ok() })
        let client = RPCClient(transport: transport, interceptors: [
            ConditionalInterceptor(methods: [getProduct], BulkheadInterceptor(bulkhead: bulkhead)),
        ])
        let holder = try await bulkhead.acquire()
        await #expect(throws: RPCError.self) {
            _ = try await client.unary(request: ClientRequest(message: [1]), descriptor: getProduct)
        }
        _ = try await client.unary(request: ClientRequest(message: [1]), descriptor: listProducts)
        holder.release()
        #expect(transport.callCount == 1)
    }
}

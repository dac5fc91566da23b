import RPCCore
import Resilience
import ResilienceTestKit
import Testing

@Suite struct CircuitBreakerRegistryTests {
    @Test func concurrentFirstUseGetsOneBreaker() async {
        let registry = CircuitBreakerRegistry()
        let identities = await withTaskGroup(of: ObjectIdentifier.self) { group in
            for _ in 0..<1_000 { group.addTask { ObjectIdentifier(registry.breaker(for: getProduct)) } }
            var identities = Set<ObjectIdentifier>()
            for await identity in group { identities.insert(identity) }
            return identities
        }
        #expect(identities.count == 1)
        #expect(registry.all.keys.sorted() == ["catalog.v1.Catalog/GetProduct"])
    }

    @Test func oneBreakerPerMethodByDefault() async {
        let transport = FakeTransport { _, context in
            context.descriptor == getProduct ? Responses.failure(.unavailable) : Responses.ok()
        }
        let registry = CircuitBreakerRegistry(defaultConfiguration: breakerConfiguration(windowSize: 2, minimumCalls: 2))
        let client = RPCClient(transport: transport, interceptors: [CircuitBreakerInterceptor(registry: registry)])
        for _ in 0..<2 { _ = try? await client.unary(request: ClientRequest(message: [1]), descriptor: getProduct) }
        #expect(registry.breaker(for: getProduct).state == .open)
        let other = try? await client.unary(request: ClientRequest(message: [1]), descriptor: listProducts)
        #expect(other != nil)
        #expect(registry.breaker(for: listProducts).state == .closed)
    }

    @Test func targetsSharingARegistryTripIndependently() async {
        let failing = FakeTransport { _, _ in Responses.failure(.unavailable) }
        let healthy = FakeTransport { _, _ in Responses.ok() }
        let registry = CircuitBreakerRegistry(
            defaultConfiguration: breakerConfiguration(windowSize: 2, minimumCalls: 2),
            configurations: ["catalog.v1.Catalog": breakerConfiguration(windowSize: 3, minimumCalls: 3)]
        )
        let down = RPCClient(transport: failing, interceptors: [CircuitBreakerInterceptor(registry: registry, target: "catalog-a:50051")])
        let up = RPCClient(transport: healthy, interceptors: [CircuitBreakerInterceptor(registry: registry, target: "catalog-b:50051")])
        for _ in 0..<3 { _ = try? await down.unary(request: ClientRequest(message: [1]), descriptor: getProduct) }
        let answered = try? await up.unary(request: ClientRequest(message: [1]), descriptor: getProduct)
        #expect(answered != nil)
        let downBreaker = registry.breaker(for: getProduct, target: "catalog-a:50051")
        #expect(downBreaker.name == "catalog-a:50051/catalog.v1.Catalog/GetProduct")
        #expect(downBreaker.state == .open)
        // The service's configuration applies to the target-qualified breaker too.
        #expect(downBreaker.configuration.minimumCalls == 3)
        #expect(registry.breaker(for: getProduct, target: "catalog-b:50051").state == .closed)
        #expect(registry.breaker(for: getProduct).state == .closed)
        #expect(registry.all.count == 3)
    }

    @Test func aTargetedInterceptorUsesTheRegistrysBreakersPerMethod() {
        let registry = CircuitBreakerRegistry()
        let targeted = CircuitBreakerInterceptor(registry: registry, target: "catalog-a:50051")
        // Looked up twice (the second from the interceptor's own cache): the registry's instance.
        #expect(targeted.breaker(for: getProduct) === registry.breaker(for: getProduct, target: "catalog-a:50051"))
        #expect(targeted.breaker(for: getProduct) === registry.breaker(for: getProduct, target: "catalog-a:50051"))
        #expect(targeted.breaker(for: listProducts) === registry.breaker(for: listProducts, target: "catalog-a:50051"))
        #expect(targeted.breaker(for: getProduct) !== targeted.breaker(for: listProducts))
        // An empty target is no target.
        #expect(CircuitBreakerInterceptor(registry: registry, target: "").breaker(for: getProduct) === registry.breaker(for: getProduct))
    }

    @Test func serviceScopeSharesOneBreakerPerService() {
        let registry = CircuitBreakerRegistry(scope: .service)
        #expect(registry.breaker(for: getProduct) === registry.breaker(for: listProducts))
        #expect(registry.breaker(for: getProduct) !== registry.breaker(for: getStock))
        #expect(registry.breaker(for: getProduct).name == "catalog.v1.Catalog")
    }

    @Test func theMostSpecificConfigurationWins() {
        let method = breakerConfiguration(windowSize: 5, minimumCalls: 5)
        let service = breakerConfiguration(windowSize: 7, minimumCalls: 7)
        let registry = CircuitBreakerRegistry(configurations: [
            "catalog.v1.Catalog/GetProduct": method,
            "catalog.v1.Catalog": service,
        ])
        #expect(registry.breaker(for: getProduct).configuration == method)
        #expect(registry.breaker(for: listProducts).configuration == service)
        #expect(registry.breaker(for: getStock).configuration == .default)
    }

    @Test func stateChangesOfEveryBreakerReachTheCallback() throws {
        let seen = Recorder<String>()
        let registry = CircuitBreakerRegistry(
            defaultConfiguration: breakerConfiguration(windowSize: 1, minimumCalls: 1), clock: ManualClock(),
            onStateChange: { seen.append("\($0.breakerName): \($0.to)") }
        )
        try registry.breaker(for: getProduct).acquirePermission().record(.failure)
        try registry.breaker(for: getStock).acquirePermission().record(.failure)
        #expect(seen.values == ["catalog.v1.Catalog/GetProduct: open", "inventory.v1.Inventory/GetStock: open"])
    }
}

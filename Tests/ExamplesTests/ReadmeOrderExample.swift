// README.md's second Swift block ("Order of interceptors"), verbatim below this line (ReadmeExamplesTests).
import RPCCore
import Resilience

func makeCatalogClient<Transport: ClientTransport>(transport: Transport, placeholder: [UInt8]) throws -> RPCClient<Transport> {
    let chain = ResilienceChain(configuration: .init(
        fallback: FallbackInterceptor(strategy: .fixed(message: placeholder)),   // default triggers include .bulkheadFull
        circuitBreaker: try CircuitBreaker.Configuration(windowSize: 20, minimumCalls: 10),
        bulkhead: try Bulkhead.Configuration(limit: .gradient(initial: 16, maximum: 64), maxQueueLength: 16, maxWait: .milliseconds(50))
    ))
    let search = MethodDescriptor(service: "catalog.v1.Catalog", method: "Search")
    let searchBulkhead = Bulkhead(name: "search", configuration: try .init(maxConcurrentCalls: 2, maxWait: .zero))
    return RPCClient(transport: transport, interceptors: chain.interceptors + [
        ConditionalInterceptor(methods: [search], BulkheadInterceptor(bulkhead: searchBulkhead)),
    ])
}

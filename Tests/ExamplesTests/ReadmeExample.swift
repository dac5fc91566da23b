// README.md's first Swift block, verbatim below this line (ReadmeExamplesTests keeps them identical).
import ExampleServices   // generated-style Catalog messages and client
import HTTP2Transport
import Protobuf
import RPCCore
import Resilience

func showProduct() async throws {
    let transport = try HTTP2ClientTransport(target: .ipv4(host: "127.0.0.1", port: 50051))
    let breakers = CircuitBreakerRegistry(
        defaultConfiguration: try CircuitBreaker.Configuration(
            windowSize: 20, minimumCalls: 10, failureRateThreshold: 0.5, openDuration: .seconds(5)
        )
    )
    var placeholder = Catalog_V1_Product()
    placeholder.name = "(details unavailable)"
    let client = RPCClient(transport: transport, interceptors: [
        FallbackInterceptor(
            triggers: [.circuitOpen, .status(.unavailable), .status(.deadlineExceeded)],
            strategy: try .lastGoodResponse(
                maxAge: .seconds(60), otherwise: .fixed(message: placeholder.serializedBytes())
            )
        ),
        CircuitBreakerInterceptor(registry: breakers),   // one breaker per method
    ])
    let catalog = Catalog_V1_CatalogClient(wrapping: client)

    let response = try await catalog.getProduct(
        Catalog_V1_GetProductRequest(id: "sku-1"), options: CallOptions(timeout: .milliseconds(500))
    )
    // nil for a real answer; "cache" or "default" for a fallback, with "x-fallback-cause".
    print(response.message.name, response.metadata.firstString(forKey: "x-fallback") ?? "served")
    await client.close()
}

import HTTP2Transport
import RPCCore
import Resilience
import Synchronization
import Testing

/// The circuit breaker interceptor over real HTTP/2 against a server that keeps failing: after the
/// configured failures it opens, and rejects without the server seeing another call.
@Suite("Circuit breaker over HTTP/2", .timeLimit(.minutes(1)))
struct CircuitBreakerOverHTTP2Tests {
    static let flaky = MethodDescriptor(service: "test.Flaky", method: "Get")
    static let healthy = MethodDescriptor(service: "test.Flaky", method: "Ping")

    /// A server whose `Get` always fails with UNAVAILABLE and whose `Ping` echoes; both count the
    /// calls that reach them.
    static func failingRouter(handled: CallCounter, pinged: CallCounter) -> RPCRouter {
        var router = RPCRouter()
        let bytes = IdentitySerializer()
        router.registerUnary(flaky, deserializer: bytes, serializer: bytes) { _, _ -> ServerResponse<[UInt8]> in
            handled.increment()
            throw RPCError(code: .unavailable, message: "backend is down")
        }
        router.registerUnary(healthy, deserializer: bytes, serializer: bytes) { request, _ in
            pinged.increment()
            return ServerResponse(message: request.message)
        }
        return router
    }

    @Test func opensAfterTheConfiguredFailuresThenRejectsWithoutReachingTheServer() async throws {
        let handled = CallCounter()
        let pinged = CallCounter()
        let server = try await TestServer.start(router: Self.failingRouter(handled: handled, pinged: pinged))
        let registry = CircuitBreakerRegistry(
            defaultConfiguration: try CircuitBreaker.Configuration(windowSize: 4, minimumCalls: 4, openDuration: .seconds(60))
        )
        let client = RPCClient(
            transport: try HTTP2ClientTransport(target: server.target),
            interceptors: [CircuitBreakerInterceptor(registry: registry)]
        )
        let breaker = registry.breaker(for: Self.flaky)

        for call in 1...4 {
            let error = await unaryError(client, Self.flaky)
            #expect(error?.code == .unavailable)
            #expect(error?.message == "backend is down")
            #expect(error.flatMap { CircuitBreakerOpenError.find(in: $0) } == nil)
            #expect(handled.count == call)
            #expect(breaker.state == (call < 4 ? .closed : .open))
        }
        #expect(breaker.metrics.failedCalls == 4)

        for rejected in 1...3 {
            let error = await unaryError(client, Self.flaky) ?? RPCError(code: .ok, message: "no error")
            #expect(error.code == .unavailable)
            let rejection = try #require(CircuitBreakerOpenError.find(in: error))
            #expect(rejection.breakerName == "test.Flaky/Get")
            #expect(error.message.hasPrefix("circuit 'test.Flaky/Get' is open after 4 failures in 4 calls; next probe in "))
            #expect(error.metadata.firstString(forKey: CircuitBreakerOpenError.retryAfterMetadataKey) != nil)
            #expect(breaker.metrics.rejectedCalls == rejected)
        }
        #expect(handled.count == 4)   // the server saw none of the rejected calls

        // Another method has its own breaker, still closed, and reaches the server.
        let pong = try await client.unary(request: ClientRequest(message: [7]), descriptor: Self.healthy)
        #expect(pong.message == [7])
        #expect(pinged.count == 1)
        #expect(registry.breaker(for: Self.healthy).state == .closed)

        await client.close()
        try await server.stop()
    }
}

/// Counts the calls that reach a handler.
final class CallCounter: Sendable {
    private let value = Atomic<Int>(0)
    func increment() { value.add(1, ordering: .relaxed) }
    var count: Int { value.load(ordering: .relaxed) }
}

import ExampleServices
import Foundation
import HTTP2Transport
import Protobuf
import RPCCore
import Resilience
import ResilienceTestKit
import Testing

/// Fallback: through an outage (the server process is killed) the client keeps answering, from
/// its cache of the last good response and then a default, and says each time that it did; once a
/// new server is up on the same port, real answers come back.
@Suite("integration: fallback through an outage")
struct FallbackScenarioTests {
    @Test("served, then cache, then default while the server is down, then served again after a restart")
    func fallbackCoversTheOutage() async throws {
        var server = try await FlakyServerProcess.start(["--quiet"])
        let port = server.port
        let clock = ManualClock()   // ages the cache and times the breaker: no sleeping
        let breaker = CircuitBreaker(
            name: "echo",
            configuration: try .init(windowSize: 4, minimumCalls: 3, failureRateThreshold: 0.5, openDuration: .seconds(5), permittedCallsInHalfOpen: 1),
            clock: clock
        )
        let placeholder = Echo_V1_EchoResponse(text: "(default)").serializedBytes()
        var configuration = HTTP2ClientTransport.Configuration.defaults
        configuration.reconnectBackoffInitial = .milliseconds(10)
        configuration.reconnectBackoffMax = .milliseconds(50)
        let caller = try EchoCaller(port: port, interceptors: [
            FallbackInterceptor(
                triggers: [.circuitOpen, .status(.unavailable)],
                strategy: try .lastGoodResponse(maxAge: .seconds(10), otherwise: .fixed(message: placeholder)),
                clock: clock
            ),
            CircuitBreakerInterceptor(breaker: breaker),
        ], configuration: configuration)

        let served = try await caller.get("sku-1")
        #expect(served.message.text == "sku-1")
        #expect(served.metadata.firstString(forKey: FallbackInterceptor.metadataKey) == nil)

        // Outage: the server dies (no GOAWAY). Calls fail UNAVAILABLE underneath; the caller gets
        // the cached answer, marked as such, with its age.
        await server.kill()
        clock.advance(by: .seconds(2))
        let cached = try await caller.get("sku-1")
        #expect(cached.message.text == "sku-1")
        #expect(cached.metadata.firstString(forKey: FallbackInterceptor.metadataKey) == "cache")
        #expect(cached.metadata.firstString(forKey: FallbackInterceptor.ageMetadataKey) == "2000")
        #expect(cached.metadata.firstString(forKey: FallbackInterceptor.causeMetadataKey) == "UNAVAILABLE")
        // A second failure opens the breaker (2 failures in 3 calls); its rejections are answered too.
        _ = try await caller.get("sku-1")
        #expect(breaker.state == .open)
        let whileOpen = try await caller.get("sku-1")
        #expect(whileOpen.message.text == "sku-1")
        #expect(whileOpen.metadata.firstString(forKey: FallbackInterceptor.causeMetadataKey) == FallbackInterceptor.circuitOpenCause)
        // Nothing cached for this request: the default.
        let other = try await caller.get("sku-2")
        #expect(other.message.text == "(default)")
        #expect(other.metadata.firstString(forKey: FallbackInterceptor.metadataKey) == "default")
        // The cache entry expires after 10 s: the default from then on.
        clock.advance(by: .seconds(3))   // 5 s old... and the breaker's open duration passed
        clock.advance(by: .seconds(6))   // 11 s old
        let expired = try await caller.get("sku-1")
        #expect(expired.message.text == "(default)")

        // Recovery: a new server process on the same port; the client was never rebuilt.
        server = try await FlakyServerProcess.start(["--quiet"], port: port)
        clock.advance(by: .seconds(5))   // let the breaker probe again
        var recovered: ClientResponse<Echo_V1_EchoResponse>?
        for _ in 0..<200 where recovered == nil {
            let response = try await caller.get("sku-3")
            if response.metadata.firstString(forKey: FallbackInterceptor.metadataKey) == nil {
                recovered = response
            } else {
                // A probe failed while the connection was still reconnecting: the breaker
                // reopened. Let it probe again.
                clock.advance(by: .seconds(5))
                try await Task.sleep(for: .milliseconds(20))   // the transport's reconnect backoff is real time
            }
        }
        #expect(recovered?.message.text == "sku-3")
        await caller.close()
        let counters = try await server.stop()
        #expect(counters.calls >= 1, "\(counters)")
    }
}

import RPCCore
import Resilience
import ResilienceTestKit
import Testing

@Suite struct FallbackInterceptorBulkheadAndDeadlineTests {
    @Test func aFullBulkheadTriggersTheFallbackWithoutCallingTheTransport() async throws {
        let bulkhead = Bulkhead(name: "catalog", configuration: bulkheadConfiguration(limit: 1, maxWait: .zero))
        let transport = FakeTransport(always: { Responses.ok() })
        let client = RPCClient(transport: transport, interceptors: [
            FallbackInterceptor(triggers: [.bulkheadFull], strategy: .fixed(message: [0xde])),
            BulkheadInterceptor(bulkhead: bulkhead),
        ])
        let holder = try await bulkhead.acquire()
        let response = try await client.unary(request: ClientRequest(message: [1]), descriptor: getProduct)
        #expect(response.message == [0xde])
        #expect(response.metadata.firstString(forKey: FallbackInterceptor.metadataKey) == "default")
        #expect(response.metadata.firstString(forKey: FallbackInterceptor.causeMetadataKey) == FallbackInterceptor.bulkheadFullCause)
        #expect(transport.callCount == 0)
        holder.release()
    }

    @Test func theBulkheadFullTriggerDoesNotMatchAServersResourceExhausted() async {
        let transport = FakeTransport(always: { Responses.failure(.resourceExhausted, "quota exceeded") })
        let client = RPCClient(transport: transport, interceptors: [
            FallbackInterceptor(triggers: [.bulkheadFull], strategy: .fixed(message: [0xde])),
        ])
        do {
            _ = try await client.unary(request: ClientRequest(message: [1]), descriptor: getProduct)
            Issue.record("a server's RESOURCE_EXHAUSTED got a fallback")
        } catch {
            #expect(RPCError(from: error).message == "quota exceeded")
        }
        #expect(FallbackInterceptor.Trigger.defaults.contains(.bulkheadFull))
        #expect(FallbackInterceptor.Trigger.bulkheadFull.description == "bulkhead full")
    }

    @Test func aDeadlineExceededTriggersTheFallback() async throws {
        let transport = FakeTransport(always: { Responses.failure(.deadlineExceeded, "the deadline passed") })
        let client = RPCClient(transport: transport, interceptors: [
            FallbackInterceptor(triggers: [.deadlineExceeded], strategy: .fixed(message: [0xde])),
        ])
        let response = try await client.unary(request: ClientRequest(message: [1]), descriptor: getProduct)
        #expect(response.message == [0xde])
        #expect(response.metadata.firstString(forKey: FallbackInterceptor.causeMetadataKey) == "DEADLINE_EXCEEDED")
        #expect(FallbackInterceptor.Trigger.deadlineExceeded == .status(.deadlineExceeded))
    }

    @Test func theCallersOwnDeadlinePassingGetsTheFallback() async throws {
        // The deadline has passed by the time the call reaches the transport: RPCClient fails it
        // with DEADLINE_EXCEEDED, which the fallback answers.
        let transport = FakeTransport(always: { Responses.ok() })
        let client = RPCClient(transport: transport, interceptors: [
            FallbackInterceptor(triggers: [.deadlineExceeded], strategy: .fixed(message: [0xde])),
        ])
        let response = try await client.unary(
            request: ClientRequest(message: [1]), descriptor: getProduct, options: CallOptions(timeout: .zero)
        )
        #expect(response.message == [0xde])
        #expect(transport.callCount == 0)
    }

    @Test func aFailingFallbackForAFullBulkheadSurfacesTheRejection() async throws {
        let bulkhead = Bulkhead(name: "catalog", configuration: bulkheadConfiguration(limit: 1, maxWait: .zero))
        let client = RPCClient(transport: FakeTransport(always: { Responses.ok() }), interceptors: [
            FallbackInterceptor(triggers: [.bulkheadFull], strategy: .custom { _, _ in throw TestError(reason: "no default") }),
            BulkheadInterceptor(bulkhead: bulkhead),
        ])
        let holder = try await bulkhead.acquire()
        do {
            _ = try await client.unary(request: ClientRequest(message: [1]), descriptor: getProduct)
            Issue.record("expected the rejection")
        } catch let error as RPCError {
            #expect(error.code == .resourceExhausted)
            #expect(error.message.contains("bulkhead 'catalog'"))
            #expect(error.cause as? TestError == TestError(reason: "no default"))
        }
        holder.release()
    }
}

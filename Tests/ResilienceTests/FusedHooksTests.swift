import RPCCore
import Resilience
import Testing

/// `RPCClient` runs the breaker, the bulkhead and the timeout as hooks in the frame in front of
/// the next layer, with one end observer for all of them: the same outcomes as nested layers.
@Suite struct FusedHooksTests {
    static let ok = StreamingClientResponse(message: [7])

    @Test func aBreakerAndABulkheadInARowBothSeeTheEndAndADroppedBodyReleasesBoth() async throws {
        let breaker = CircuitBreaker(name: "b")
        let bulkhead = Bulkhead(name: "h", configuration: bulkheadConfiguration(limit: 1, maxWait: .zero))
        let client = RPCClient(transport: FakeTransport { _, _ in Self.ok }, interceptors: [
            TimeoutInterceptor(timeout: .seconds(60)),
            CircuitBreakerInterceptor(breaker: breaker),
            BulkheadInterceptor(bulkhead: bulkhead),
        ])
        let response = try await client.unary(request: ClientRequest(message: [1]), descriptor: getProduct)
        #expect(response.message == [7])
        #expect(breaker.metrics.successfulCalls == 1)
        expectBalanced(bulkhead, inUse: 0)

        var dropped: StreamingClientResponse? = await client.streaming(request: StreamingClientRequest(message: [1]), descriptor: getProduct)
        expectBalanced(bulkhead, inUse: 1)   // held until the body ends
        #expect(breaker.metrics.ignoredCalls == 0)
        #expect(dropped != nil)
        dropped = nil
        expectBalanced(bulkhead, inUse: 0)
        #expect(breaker.metrics.ignoredCalls == 1)
        #expect(breaker.metrics.successfulCalls == 1)
    }

    @Test func aFullBulkheadBehindABreakerRejectsAndTheBreakerIgnoresIt() async throws {
        let breaker = CircuitBreaker(name: "b")
        let bulkhead = Bulkhead(name: "h", configuration: bulkheadConfiguration(limit: 1, maxQueueLength: 0, maxWait: .zero))
        let client = RPCClient(transport: FakeTransport { _, _ in Self.ok }, interceptors: [
            CircuitBreakerInterceptor(breaker: breaker),
            BulkheadInterceptor(bulkhead: bulkhead),
        ])
        let held = await client.streaming(request: StreamingClientRequest(message: [1]), descriptor: getProduct)
        let rejected = await client.streaming(request: StreamingClientRequest(message: [1]), descriptor: getProduct)
        guard case .failure(let error) = rejected.accepted else {
            Issue.record("the full bulkhead let the call through")
            return
        }
        #expect(error.code == .resourceExhausted)
        #expect(breaker.metrics.ignoredCalls == 1)
        #expect(breaker.metrics.failedCalls == 0)
        for try await _ in try held.accepted.get().bodyParts {}
        #expect(breaker.metrics.successfulCalls == 1)
        expectBalanced(bulkhead, inUse: 0)
    }

    @Test func aCallThatWaitsForTheBulkheadStillReportsToTheBreakerInFront() async throws {
        let breaker = CircuitBreaker(name: "b")
        let bulkhead = Bulkhead(name: "h", configuration: bulkheadConfiguration(limit: 1))
        let client = RPCClient(transport: FakeTransport { _, _ in StreamingClientResponse(error: RPCError(code: .unavailable, message: "down")) }, interceptors: [
            CircuitBreakerInterceptor(breaker: breaker),
            BulkheadInterceptor(bulkhead: bulkhead),
        ])
        let permit = try #require(bulkhead.tryAcquire())
        let waiting = Task { await client.streaming(request: StreamingClientRequest(message: [1]), descriptor: getProduct) }
        while bulkhead.metrics.queued == 0 { await Task.yield() }
        permit.release()
        let response = await waiting.value
        guard case .failure(let error) = response.accepted else {
            Issue.record("the call should have failed UNAVAILABLE")
            return
        }
        #expect(error.code == .unavailable)
        #expect(breaker.metrics.failedCalls == 1)
        expectBalanced(bulkhead, inUse: 0)
    }

    @Test func aBreakerWithACustomClassifierClassifiesThroughTheClient() async throws {
        let breaker = CircuitBreaker(name: "b")
        let client = RPCClient(transport: FakeTransport { _, _ in StreamingClientResponse(error: RPCError(code: .notFound, message: "no")) }, interceptors: [
            CircuitBreakerInterceptor(breaker: breaker, classifier: .failing(on: [.notFound])),
        ])
        _ = await client.streaming(request: StreamingClientRequest(message: [1]), descriptor: getProduct)
        #expect(breaker.metrics.failedCalls == 1)
    }

    @Test func aTimeoutHookSetsTheDeadlineTheTransportSees() async throws {
        let seen = Recorder<ContinuousClock.Instant?>()
        let before = ContinuousClock.now
        let client = RPCClient(transport: FakeTransport { _, context in
            seen.append(context.deadline)
            return Self.ok
        }, interceptors: [TimeoutInterceptor(timeout: .seconds(30)), TimeoutInterceptor(timeout: .seconds(60))])
        _ = try await client.unary(request: ClientRequest(message: [1]), descriptor: getProduct)
        let deadline = try #require(seen.values.first ?? nil)
        #expect(deadline >= before.advanced(by: .seconds(30)))
        #expect(deadline <= ContinuousClock.now.advanced(by: .seconds(30)))
    }
}

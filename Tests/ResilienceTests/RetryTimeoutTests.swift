import RPCCore
import Resilience
import ResilienceTestKit
import Testing

/// The timeout interceptor, and retry and timeouts in the chain's slots.
@Suite struct TimeoutInterceptorTests {
    @Test func setsTheDeadlineOrKeepsAnEarlierOne() async throws {
        let transport = ScriptedAttempts { _ in Responses.ok() }
        let client = RPCClient(transport: transport, interceptors: [TimeoutInterceptor(timeout: .seconds(10))])
        let start = ContinuousClock.now
        _ = try await client.unary(request: ClientRequest(message: [1]), descriptor: getProduct)
        _ = try await client.unary(request: ClientRequest(message: [1]), descriptor: getProduct, options: CallOptions(timeout: .seconds(1)))
        _ = try await client.unary(request: ClientRequest(message: [1]), descriptor: getProduct, options: CallOptions(timeout: .seconds(100)))
        let deadlines = transport.attempts.map { start.duration(to: $0.deadline!) }
        #expect(deadlines[0] > .seconds(9) && deadlines[0] <= .seconds(11))
        #expect(deadlines[1] <= .milliseconds(1500))
        #expect(deadlines[2] > .seconds(9) && deadlines[2] <= .seconds(11))
    }

    @Test func aZeroTimeoutFailsAtOnceWithDeadlineExceeded() async {
        let transport = ScriptedAttempts { _ in Responses.ok() }
        let client = RPCClient(transport: transport, interceptors: [TimeoutInterceptor(timeout: .zero)])
        let response = await client.streaming(request: StreamingClientRequest(message: [1]), descriptor: getProduct)
        guard case .failure(let error) = response.accepted else { Issue.record("expected a failure"); return }
        #expect(error.code == .deadlineExceeded)
        #expect(transport.count == 0)
    }

    @Test func aRetryInTheChainSlotCountsEachAttemptInTheBreaker() async throws {
        let transport = ScriptedAttempts { n in n < 2 ? failure(.unavailable) : Responses.ok() }
        let chain = ResilienceChain(configuration: .init(
            overallTimeout: TimeoutInterceptor(timeout: .seconds(30)),
            retry: RetryInterceptor(policy: retryPolicy(), clock: ManualClock(), random: { 0 }),
            circuitBreaker: breakerConfiguration(windowSize: 10, minimumCalls: 10)
        ))
        let client = RPCClient(transport: transport, interceptors: chain.interceptors)
        _ = try await client.unary(request: ClientRequest(message: [1]), descriptor: getProduct)
        #expect(transport.count == 3)
        let metrics = chain.circuitBreakers!.breaker(for: getProduct).metrics
        #expect(metrics.callsInWindow == 3)
        #expect(metrics.failuresInWindow == 2)
        #expect(transport.attempts.allSatisfy { $0.deadline != nil })
    }
}

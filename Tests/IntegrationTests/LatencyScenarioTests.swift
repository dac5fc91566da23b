import Foundation
import HTTP2Transport
import RPCCore
import Resilience
import Synchronization
import Testing

/// Latency spikes: per-attempt timeouts cut the long tail, and the slow-call rate opens the breaker.
@Suite("integration: latency spikes")
struct LatencyScenarioTests {
    @Test("a per-attempt timeout of 300 ms cuts a 10 s tail: every call succeeds, none waits for the tail")
    func perAttemptTimeoutCutsTheTail() async throws {
        // 25% of calls are held 10 s by the server; the rest answer at once.
        let server = try await FlakyServerProcess.start(["--quiet", "--tail-rate", "0.25", "--tail-ms", "10000", "--seed", "21"])
        let policy = try RetryPolicy(
            maxAttempts: 5, initialBackoff: .milliseconds(1), maxBackoff: .milliseconds(5),
            retryableStatusCodes: [.unavailable, .deadlineExceeded], perAttemptTimeout: .milliseconds(300)
        )
        let caller = try EchoCaller(port: server.port, interceptors: [
            RetryInterceptor(policy: policy, random: RetryScenarioTests.seededRandom(8)),
        ])
        let calls = 40
        var slowest = Duration.zero
        for index in 0..<calls {
            let (result, elapsed) = await caller.timedGet("call \(index)", timeout: .seconds(30))
            switch result {
            case .success(let response): #expect(response.message.text == "call \(index)")
            case .failure(let error): Issue.record("call \(index) failed: \(error)")
            }
            slowest = max(slowest, elapsed)
        }
        await caller.close()
        let counters = try await server.stop()
        // The tail was really injected (so without the timeout some calls would take 10 s) ...
        #expect(counters.calls > calls, "some attempts must have been cut and retried: \(counters)")
        #expect(counters.injectedFaults > 0, "\(counters)")
        // ... and no call waited for it: at most a few 300 ms attempts, never 10 s.
        #expect(slowest < .seconds(5), "the slowest call took \(slowest)")
    }

    @Test("calls slower than 50 ms open the breaker by the slow-call rate after the minimum number of calls")
    func slowCallRateOpensTheBreaker() async throws {
        let server = try await FlakyServerProcess.start(["--quiet", "--latency-ms", "150"])
        let transitions = Mutex<[CircuitBreaker.StateChange]>([])
        let breaker = CircuitBreaker(
            name: "echo-slow",
            configuration: try .init(
                windowSize: 4, minimumCalls: 4, slowCallDuration: .milliseconds(50), slowCallRateThreshold: 0.75,
                openDuration: .seconds(60)
            ),
            onStateChange: { change in transitions.withLock { $0.append(change) } }
        )
        let caller = try EchoCaller(port: server.port, interceptors: [CircuitBreakerInterceptor(breaker: breaker)])
        // Each call succeeds, but takes 150 ms: slow. The 4th completes the window.
        for index in 0..<4 {
            let response = try await caller.get("slow \(index)")
            #expect(response.message.text == "slow \(index)")
        }
        #expect(breaker.state == .open)
        let (result, elapsed) = await caller.timedGet("rejected")
        guard case .failure(let error) = result, let open = CircuitBreakerOpenError.find(in: error) else {
            Issue.record("the 5th call was not rejected by the breaker: \(result)")
            return
        }
        #expect(open.slowCalls == 4)
        #expect(elapsed < .milliseconds(150), "a rejection must not wait for the slow server: \(elapsed)")
        await caller.close()
        let counters = try await server.stop()
        #expect(counters.calls == 4, "the rejected call must not reach the server: \(counters)")
        let reasons = transitions.withLock { $0 }.map { "\($0.from) -> \($0.to)" }
        #expect(reasons == ["closed -> open"])
    }
}

import FaultInjection
import Foundation
import HTTP2Transport
import RPCCore
import Resilience
import Synchronization
import Testing

/// Errors at a rate: retry with throttling rescues nearly every call while the errors are
/// occasional, and stops adding load when every call fails.
@Suite("integration: retry and throttling against injected errors")
struct RetryScenarioTests {
    /// A seeded jitter source, so the client's backoffs are the same on every run.
    static func seededRandom(_ seed: UInt64) -> @Sendable () -> Double {
        let random = Mutex(FaultRandom(seed: seed))
        return { random.withLock { $0.nextUnitInterval() } }
    }

    @Test("30% UNAVAILABLE: without retry about 30% fail; with retry and throttling over 99% succeed")
    func retryRescuesCallsFromAThirtyPercentErrorRate() async throws {
        let calls = 1000
        let server = try await FlakyServerProcess.start(["--quiet", "--error-rate", "0.3", "--error-code", "UNAVAILABLE", "--seed", "11"])

        // Without the policy: the control, so this scenario could fail.
        let bare = try EchoCaller(port: server.port, interceptors: [])
        var bareFailures = 0
        for index in 0..<calls {
            let (result, _) = await bare.timedGet("bare \(index)")
            if case .failure(let error) = result {
                #expect(error.code == .unavailable)
                bareFailures += 1
            }
        }
        await bare.close()
        #expect(bareFailures > calls / 5, "the server should fail about 30% of \(calls) calls; \(bareFailures) failed")

        // With retry: up to 5 attempts, short backoffs, and a throttle. Its level is a random walk:
        // each failed attempt takes a token, each success gives `tokenRatio` back. At 0.1 (A6's
        // example) a 30% error rate drains it (0.7 x 0.1 < 0.3) and retries stop; at 0.5 it drifts
        // up by only 0.05 a call and spends about a third of the time at or below half (233 of
        // 300 calls succeeded in a run); at 1 it drifts up by 0.4 and stays near the top. 20
        // tokens: a streak of 5 failures (0.3^5, one call in 400) must not throttle the next calls.
        // Expected failures: 0.3^5 x 1000 = 2.4 calls; 99% allows 10.
        let throttle = try RetryThrottle(maxTokens: 20, tokenRatio: 1)
        let policy = try RetryPolicy(maxAttempts: 5, initialBackoff: .milliseconds(1), maxBackoff: .milliseconds(5))
        let retrying = try EchoCaller(port: server.port, interceptors: [
            RetryInterceptor(policy: policy, throttle: throttle, random: Self.seededRandom(3)),
        ])
        var succeeded = 0
        var failureSamples: [String] = []
        for index in 0..<calls {
            let (result, _) = await retrying.timedGet("retry \(index)")
            switch result {
            case .success(let response):
                #expect(response.message.text == "retry \(index)")
                succeeded += 1
            case .failure(let error):
                if failureSamples.count < 3 { failureSamples.append("\(error)") }
            }
        }
        await retrying.close()
        #expect(succeeded * 100 >= calls * 99, "\(succeeded) of \(calls) calls succeeded with retry; failures: \(failureSamples)")
        let counters = try await server.stop()
        // Every retried attempt reached the server: more than the calls themselves.
        #expect(counters.calls > 2 * calls, "\(counters)")
    }

    @Test("100% UNAVAILABLE: the throttle stops retrying; the server sees 5 attempts for the first call, then 1 per call")
    func throttleStopsRetryingWhenEverythingFails() async throws {
        let server = try await FlakyServerProcess.start(["--quiet", "--error-rate", "1", "--error-code", "UNAVAILABLE"])
        // Tokens start at 10; each failed attempt takes one; retries need more than 5.
        // Call 1: attempts at 10, 9, 8, 7, 6 tokens -> 5 attempts (the policy's maximum), 5 left.
        // Every later call: 1 attempt (5 tokens, then fewer, never above half).
        let throttle = try RetryThrottle(maxTokens: 10, tokenRatio: 1)
        let policy = try RetryPolicy(maxAttempts: 5, initialBackoff: .milliseconds(1), maxBackoff: .milliseconds(2))
        let caller = try EchoCaller(port: server.port, interceptors: [
            RetryInterceptor(policy: policy, throttle: throttle, random: Self.seededRandom(5)),
        ])
        let calls = 20
        for index in 0..<calls {
            let (result, _) = await caller.timedGet("doomed \(index)")
            guard case .failure(let error) = result else {
                Issue.record("call \(index) succeeded against a server failing every call")
                continue
            }
            #expect(error.code == .unavailable)
        }
        await caller.close()
        let counters = try await server.stop()
        #expect(counters.calls == 5 + (calls - 1), "without throttling the server would see \(5 * calls); \(counters)")
        #expect(counters.injectedFaults == counters.calls, "\(counters)")
        #expect(throttle.tokenCount == 0)
    }
}

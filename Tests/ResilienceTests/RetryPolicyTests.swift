import RPCCore
import Resilience
import Testing

@Suite struct RetryPolicyTests {
    @Test func defaultsAreDocumented() {
        let policy = RetryPolicy.default
        #expect(policy.maxAttempts == 3)
        #expect(policy.initialBackoff == .milliseconds(100))
        #expect(policy.maxBackoff == .seconds(1))
        #expect(policy.backoffMultiplier == 2)
        #expect(policy.retryableStatusCodes == [.unavailable])
        #expect(policy.replayBufferLimit == 64 * 1024)
        #expect(policy.perAttemptTimeout == nil)
    }

    @Test func anInvalidPolicyListsEveryBadField() {
        do {
            _ = try RetryPolicy(
                maxAttempts: 6, initialBackoff: .zero, maxBackoff: .seconds(-1), backoffMultiplier: 0,
                retryableStatusCodes: [.ok], replayBufferLimit: -1, perAttemptTimeout: .zero
            )
            Issue.record("expected a ConfigurationError")
        } catch {
            #expect(error.fields == [
                "maxAttempts", "initialBackoff", "maxBackoff", "backoffMultiplier", "retryableStatusCodes",
                "replayBufferLimit", "perAttemptTimeout",
            ])
            #expect(error.description.contains("maxAttempts is 6 but must be in 2...5"))
        }
        #expect(throws: ConfigurationError.self) { try RetryPolicy(maxAttempts: 1) }
        #expect(throws: ConfigurationError.self) { try RetryPolicy(retryableStatusCodes: []) }
    }

    @Test func backoffBoundsGrowGeometricallyUpToTheMaximum() throws {
        let policy = try RetryPolicy(maxAttempts: 5, initialBackoff: .milliseconds(100), maxBackoff: .milliseconds(500), backoffMultiplier: 2)
        #expect(policy.backoffBound(beforeRetry: 1) == .milliseconds(100))
        #expect(policy.backoffBound(beforeRetry: 2) == .milliseconds(200))
        #expect(policy.backoffBound(beforeRetry: 3) == .milliseconds(400))
        #expect(policy.backoffBound(beforeRetry: 4) == .milliseconds(500))
        #expect(policy.backoffBound(beforeRetry: 1000) == .milliseconds(500))
    }

    @Test func fullJitterScalesTheBoundByTheRandomValue() throws {
        let policy = try RetryPolicy(initialBackoff: .milliseconds(100), maxBackoff: .seconds(1), backoffMultiplier: 3)
        #expect(policy.backoff(beforeRetry: 1, random: 0) == .zero)
        #expect(policy.backoff(beforeRetry: 1, random: 0.5) == .milliseconds(50))
        #expect(policy.backoff(beforeRetry: 2, random: 0.5) == .milliseconds(150))
        #expect(policy.backoff(beforeRetry: 3, random: 0.25) == .milliseconds(225))
        #expect(policy.backoff(beforeRetry: 9, random: 0.999) <= .seconds(1))
        #expect(policy.backoff(beforeRetry: 1, random: 7) == .milliseconds(100))
        var generator = SeededGenerator(seed: 4)
        for retry in 1...6 {
            let value = policy.backoff(beforeRetry: retry, random: Double.random(in: 0..<1, using: &generator))
            #expect(value >= .zero && value <= policy.backoffBound(beforeRetry: retry))
        }
    }

    @Test func throttleTakesATokenPerFailureAndGivesTheRatioPerSuccess() throws {
        let throttle = try RetryThrottle(maxTokens: 4, tokenRatio: 0.5)
        #expect(throttle.tokenCount == 4 && throttle.allowsRetry)
        throttle.recordRetryableFailure()
        #expect(throttle.tokenCount == 3 && throttle.allowsRetry)
        throttle.recordRetryableFailure()
        #expect(throttle.tokenCount == 2 && !throttle.allowsRetry)
        for _ in 0..<5 { throttle.recordRetryableFailure() }
        #expect(throttle.tokenCount == 0)
        throttle.recordSuccess()
        #expect(throttle.tokenCount == 0.5)
        for _ in 0..<20 { throttle.recordSuccess() }
        #expect(throttle.tokenCount == 4)
        #expect(throws: ConfigurationError.self) { try RetryThrottle(maxTokens: 0, tokenRatio: 0) }
    }
}

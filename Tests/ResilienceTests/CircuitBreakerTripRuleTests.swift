import Resilience
import ResilienceTestKit
import Testing

/// The slow-call, consecutive-failure and time-window trip rules, each at its threshold and just
/// below, through the public API with a manual clock.
@Suite struct CircuitBreakerTripRuleTests {
    /// Admits a call, lets `duration` pass on `clock`, then records `outcome`.
    static func call(
        _ breaker: CircuitBreaker, _ outcome: CircuitBreaker.Outcome, taking duration: Duration = .zero, on clock: ManualClock
    ) throws {
        let permit = try breaker.acquirePermission()
        if duration > .zero { clock.advance(by: duration) }
        permit.record(outcome)
    }

    static func slowConfiguration(threshold: Double = 0.5) throws -> CircuitBreaker.Configuration {
        try CircuitBreaker.Configuration(
            windowSize: 10, minimumCalls: 10, failureRateThreshold: 1,
            slowCallDuration: .seconds(2), slowCallRateThreshold: threshold
        )
    }

    // MARK: Slow calls

    @Test func slowCallRateAtTheThresholdTrips() throws {
        let clock = ManualClock()
        let breaker = CircuitBreaker(name: "slow", configuration: try Self.slowConfiguration(), clock: clock)
        for _ in 0..<5 { try Self.call(breaker, .success, on: clock) }
        for index in 0..<5 {
            // Slow whatever the outcome: successes and failures alike.
            try Self.call(breaker, index % 2 == 0 ? .success : .failure, taking: .milliseconds(2001), on: clock)
        }
        #expect(breaker.state == .open)
        let metrics = breaker.metrics
        #expect(metrics.slowCalls == 5)
        #expect(metrics.slowCallsInWindow == 5)
        #expect(metrics.slowCallRate == 0.5)
        #expect(metrics.failuresInWindow == 2)
        let error = try #require(throws: CircuitBreakerOpenError.self) { try breaker.acquirePermission() }
        #expect(error.rule == .slowCallRate)
        #expect(error.slowCalls == 5)
        #expect(error.message == "circuit 'slow' is open after 5 slow calls in 10 calls; next probe in 5.0 s. Retry after that or use a fallback.")
    }

    @Test func slowCallRateJustBelowTheThresholdDoesNotTrip() throws {
        let clock = ManualClock()
        let breaker = CircuitBreaker(name: "slow", configuration: try Self.slowConfiguration(), clock: clock)
        for _ in 0..<6 { try Self.call(breaker, .success, on: clock) }
        for _ in 0..<4 { try Self.call(breaker, .success, taking: .seconds(3), on: clock) }
        #expect(breaker.state == .closed)
        #expect(breaker.metrics.slowCallRate == 0.4)
    }

    @Test func aCallOfExactlyTheSlowCallDurationIsNotSlow() throws {
        let clock = ManualClock()
        let breaker = CircuitBreaker(name: "edge", configuration: try Self.slowConfiguration(threshold: 0.1), clock: clock)
        try Self.call(breaker, .success, taking: .seconds(2), on: clock)
        #expect(breaker.metrics.slowCalls == 0)
        try Self.call(breaker, .success, taking: .seconds(2) + .nanoseconds(1), on: clock)
        #expect(breaker.metrics.slowCalls == 1)
    }

    @Test func slowCallsNeedMinimumCalls() throws {
        let clock = ManualClock()
        let breaker = CircuitBreaker(name: "slow", configuration: try Self.slowConfiguration(threshold: 1), clock: clock)
        for _ in 0..<9 { try Self.call(breaker, .success, taking: .seconds(3), on: clock) }
        #expect(breaker.state == .closed)   // 100% slow, but 9 calls
        try Self.call(breaker, .success, taking: .seconds(3), on: clock)
        #expect(breaker.state == .open)
    }

    @Test func byDefaultCallsAreNotTimed() throws {
        let clock = ManualClock()
        let configuration = try CircuitBreaker.Configuration(windowSize: 4, minimumCalls: 4)
        let breaker = CircuitBreaker(name: "untimed", configuration: configuration, clock: clock)
        let permit = try breaker.acquirePermission()
        #expect(permit.admittedAt == nil)
        clock.advance(by: .seconds(3600))
        permit.record(.success)
        for _ in 0..<3 { try Self.call(breaker, .success, taking: .seconds(3600), on: clock) }
        #expect(breaker.state == .closed)
        #expect(breaker.metrics.slowCalls == 0)
    }

    @Test func theDefaultSlowCallRateTripsOnlyOnAWindowOfNothingButSlowCalls() throws {
        let clock = ManualClock()
        let configuration = try CircuitBreaker.Configuration(windowSize: 4, minimumCalls: 4, slowCallDuration: .seconds(60))
        let breaker = CircuitBreaker(name: "default", configuration: configuration, clock: clock)
        for _ in 0..<3 { try Self.call(breaker, .success, taking: .seconds(61), on: clock) }
        try Self.call(breaker, .success, on: clock)
        #expect(breaker.state == .closed)   // 3 of 4 slow: below the default 1.0
        for _ in 0..<3 { try Self.call(breaker, .success, taking: .seconds(60), on: clock) }
        #expect(breaker.state == .closed)   // exactly 60 s is not slow
        try Self.call(breaker, .success, taking: .seconds(61), on: clock)
        try Self.call(breaker, .success, taking: .seconds(61), on: clock)
        try Self.call(breaker, .success, taking: .seconds(61), on: clock)
        #expect(breaker.state == .closed)   // 3 of 4
        try Self.call(breaker, .success, taking: .seconds(61), on: clock)
        #expect(breaker.state == .open)     // 4 of 4
    }

    @Test func halfOpenReopensWhenTheProbesAreTooSlow() throws {
        let clock = ManualClock()
        let configuration = try CircuitBreaker.Configuration(
            windowSize: 2, minimumCalls: 2, slowCallDuration: .seconds(1), slowCallRateThreshold: 0.5,
            permittedCallsInHalfOpen: 2
        )
        let breaker = CircuitBreaker(name: "probes", configuration: configuration, clock: clock)
        for _ in 0..<2 { try Self.call(breaker, .failure, on: clock) }
        clock.advance(by: .seconds(5))
        let slow = try breaker.acquirePermission()
        let fast = try breaker.acquirePermission()
        fast.record(.success)
        clock.advance(by: .seconds(2))
        slow.record(.success)   // 1 of 2 probes slow: at the threshold
        #expect(breaker.state == .open)
        let error = try #require(throws: CircuitBreakerOpenError.self) { try breaker.acquirePermission() }
        #expect(error.rule == .slowProbes)
        #expect(error.message == "circuit 'probes' is open after 1 slow call in 2 half-open probe calls; next probe in 5.0 s. Retry after that or use a fallback.")

        clock.advance(by: .seconds(5))
        let first = try breaker.acquirePermission()
        let second = try breaker.acquirePermission()
        clock.advance(by: .seconds(1))   // exactly the slow-call duration: not slow
        first.record(.success)
        second.record(.success)
        #expect(breaker.state == .closed)
    }

    @Test func aStaleSlowOutcomeCountsOnlyInTheLifetimeTotals() throws {
        let clock = ManualClock()
        let breaker = CircuitBreaker(name: "stale", configuration: try Self.slowConfiguration(threshold: 0.1), clock: clock)
        let permit = try breaker.acquirePermission()
        breaker.reset()
        clock.advance(by: .seconds(3))
        permit.record(.success)
        let metrics = breaker.metrics
        #expect(metrics.slowCalls == 1)
        #expect(metrics.slowCallsInWindow == 0)
        #expect(metrics.staleOutcomes == 1)
        #expect(breaker.state == .closed)
    }

    // MARK: Consecutive failures

    static func consecutiveConfiguration() throws -> CircuitBreaker.Configuration {
        try CircuitBreaker.Configuration(windowSize: 100, minimumCalls: 100, consecutiveFailureThreshold: 3)
    }

    @Test func consecutiveFailuresAtTheThresholdTrip() throws {
        let clock = ManualClock()
        let recorded = Recorder<CircuitBreaker.StateChange>()
        let breaker = CircuitBreaker(name: "streak", configuration: try Self.consecutiveConfiguration(), clock: clock) {
            recorded.append($0)
        }
        for _ in 0..<3 { try Self.call(breaker, .failure, on: clock) }
        #expect(breaker.state == .open)
        #expect(recorded.values.map(\.reason) == [.consecutiveFailuresExceeded(3)])
        let error = try #require(throws: CircuitBreakerOpenError.self) { try breaker.acquirePermission() }
        #expect(error.rule == .consecutiveFailures)
        #expect(error.message == "circuit 'streak' is open after 3 consecutive failures; next probe in 5.0 s. Retry after that or use a fallback.")
    }

    @Test func consecutiveFailuresJustBelowTheThresholdDoNotTrip() throws {
        let clock = ManualClock()
        let breaker = CircuitBreaker(name: "streak", configuration: try Self.consecutiveConfiguration(), clock: clock)
        for _ in 0..<2 { try Self.call(breaker, .failure, on: clock) }
        #expect(breaker.state == .closed)
        #expect(breaker.metrics.consecutiveFailures == 2)
    }

    @Test func aSuccessBreaksTheStreakButAnIgnoredOutcomeDoesNot() throws {
        let clock = ManualClock()
        let breaker = CircuitBreaker(name: "streak", configuration: try Self.consecutiveConfiguration(), clock: clock)
        for _ in 0..<2 { try Self.call(breaker, .failure, on: clock) }
        try Self.call(breaker, .success, on: clock)
        #expect(breaker.metrics.consecutiveFailures == 0)
        for _ in 0..<2 { try Self.call(breaker, .failure, on: clock) }
        try Self.call(breaker, .ignored, on: clock)
        #expect(breaker.state == .closed)
        #expect(breaker.metrics.consecutiveFailures == 2)
        try Self.call(breaker, .failure, on: clock)
        #expect(breaker.state == .open)
    }

    @Test func theConsecutiveFailureRuleIsOffByDefault() throws {
        let clock = ManualClock()
        let breaker = CircuitBreaker(
            name: "off", configuration: try CircuitBreaker.Configuration(windowSize: 100, minimumCalls: 100), clock: clock
        )
        for _ in 0..<99 { try Self.call(breaker, .failure, on: clock) }
        #expect(breaker.state == .closed)
        #expect(breaker.metrics.consecutiveFailures == 99)
    }

    // MARK: Time-based window

    static func timeConfiguration() throws -> CircuitBreaker.Configuration {
        try CircuitBreaker.Configuration(slidingWindow: .time(.seconds(10), buckets: 10), minimumCalls: 4)
    }

    @Test func aTimeBasedWindowTripsAtTheThreshold() throws {
        let clock = ManualClock()
        let breaker = CircuitBreaker(name: "timed", configuration: try Self.timeConfiguration(), clock: clock)
        try Self.call(breaker, .success, on: clock)
        clock.advance(by: .seconds(3))
        try Self.call(breaker, .success, on: clock)
        try Self.call(breaker, .failure, on: clock)
        #expect(breaker.state == .closed)   // 3 calls: below the minimum
        clock.advance(by: .seconds(6))
        try Self.call(breaker, .failure, on: clock)   // 2 of 4 at 9 s: 50%
        #expect(breaker.state == .open)
    }

    @Test func aTimeBasedWindowJustBelowTheThresholdStaysClosed() throws {
        let clock = ManualClock()
        let breaker = CircuitBreaker(name: "timed", configuration: try Self.timeConfiguration(), clock: clock)
        for _ in 0..<3 { try Self.call(breaker, .success, on: clock) }
        for _ in 0..<2 { try Self.call(breaker, .failure, on: clock) }   // 2 of 5: 40%
        #expect(breaker.state == .closed)
        #expect(breaker.metrics.callsInWindow == 5)
    }

    @Test func oldFailuresAgeOutOfATimeBasedWindow() throws {
        let clock = ManualClock()
        let breaker = CircuitBreaker(name: "timed", configuration: try Self.timeConfiguration(), clock: clock)
        for _ in 0..<3 { try Self.call(breaker, .failure, on: clock) }   // 3 failures at 0 s
        clock.advance(by: .seconds(10))                                   // their bucket is evicted
        #expect(breaker.metrics.callsInWindow == 0)
        for _ in 0..<3 { try Self.call(breaker, .success, on: clock) }
        try Self.call(breaker, .failure, on: clock)                       // 1 of 4
        #expect(breaker.state == .closed)
        #expect(breaker.metrics.failuresInWindow == 1)
        clock.advance(by: .seconds(1_000_000))                            // a long idle gap
        #expect(breaker.metrics.callsInWindow == 0)
    }

    @Test func aTimeBasedWindowCountsSlowCalls() throws {
        let clock = ManualClock()
        let configuration = try CircuitBreaker.Configuration(
            slidingWindow: .time(.seconds(10), buckets: 5), minimumCalls: 2,
            slowCallDuration: .seconds(1), slowCallRateThreshold: 1
        )
        let breaker = CircuitBreaker(name: "timed-slow", configuration: configuration, clock: clock)
        try Self.call(breaker, .success, taking: .seconds(2), on: clock)
        #expect(breaker.state == .closed)
        try Self.call(breaker, .success, taking: .seconds(2), on: clock)
        #expect(breaker.state == .open)
        #expect(breaker.metrics.slowCallsInWindow == 2)
    }
}


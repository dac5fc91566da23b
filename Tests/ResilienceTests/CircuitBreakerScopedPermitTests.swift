import Resilience
import ResilienceTestKit
import Testing

/// The allocation-free, non-copyable permit.
@Suite struct CircuitBreakerScopedPermitTests {
    @Test func recordsItsOutcomeOnce() throws {
        let configuration = try CircuitBreaker.Configuration(windowSize: 2, minimumCalls: 2)
        let breaker = CircuitBreaker(name: "scoped", configuration: configuration, clock: ManualClock())
        let permit = try breaker.acquireScopedPermission()
        let isProbe = permit.isProbe
        let generation = permit.generation
        #expect(!isProbe)
        #expect(generation == 0)
        permit.record(.failure)
        try breaker.acquireScopedPermission().record(.failure)
        #expect(breaker.metrics.failedCalls == 2)
        #expect(breaker.metrics.ignoredCalls == 0)
        #expect(breaker.state == .open)
        #expect(throws: CircuitBreakerOpenError.self) { _ = try breaker.acquireScopedPermission() }
    }

    @Test func aScopedPermitDroppedUnrecordedReleasesItsProbeSlot() throws {
        let clock = ManualClock()
        let configuration = try CircuitBreaker.Configuration(windowSize: 1, minimumCalls: 1, permittedCallsInHalfOpen: 1)
        let breaker = CircuitBreaker(name: "scoped", configuration: configuration, clock: clock)
        try breaker.acquireScopedPermission().record(.failure)
        clock.advance(by: .seconds(5))
        do {
            let probe = try breaker.acquireScopedPermission()
            let isProbe = probe.isProbe
            #expect(isProbe)
            #expect(throws: CircuitBreakerOpenError.self) { _ = try breaker.acquireScopedPermission() }
            _ = consume probe
        }
        #expect(breaker.metrics.ignoredCalls == 1)
        #expect(breaker.metrics.probesInFlight == 0)
        try breaker.acquireScopedPermission().record(.success)
        #expect(breaker.state == .closed)
    }
}

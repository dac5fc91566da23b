import Resilience
import ResilienceTestKit
import Synchronization
import Testing

/// Open-duration growth on repeated trips, its cap, jitter and its reset after a clean close.
@Suite struct CircuitBreakerBackoffTests {
    static func configuration(
        multiplier: Double = 2, max: Duration? = .seconds(12), jitter: Double = 0
    ) throws -> CircuitBreaker.Configuration {
        try CircuitBreaker.Configuration(
            windowSize: 2, minimumCalls: 2, openDuration: .seconds(5), openDurationMultiplier: multiplier,
            maxOpenDuration: max, openDurationJitter: jitter, permittedCallsInHalfOpen: 1
        )
    }

    static func trip(_ breaker: CircuitBreaker) throws {
        for _ in 0..<2 { try breaker.acquirePermission().record(.failure) }
        #expect(breaker.state == .open)
    }

    /// Waits out the open duration in effect, then fails the probe.
    static func failProbe(_ breaker: CircuitBreaker, _ clock: ManualClock) throws {
        clock.advance(by: try #require(breaker.metrics.nextProbeIn))
        let probe = try breaker.acquirePermission()
        #expect(probe.isProbe)
        probe.record(.failure)
        #expect(breaker.state == .open)
    }

    @Test func theOpenDurationGrowsOnEachReopeningUpToTheCap() throws {
        let clock = ManualClock()
        let breaker = CircuitBreaker(name: "backoff", configuration: try Self.configuration(), clock: clock)
        try Self.trip(breaker)
        #expect(breaker.metrics.openDuration == .seconds(5))
        #expect(breaker.metrics.tripsSinceClose == 1)

        var durations: [Duration] = []
        for _ in 0..<3 {
            try Self.failProbe(breaker, clock)
            durations.append(try #require(breaker.metrics.nextProbeIn))
        }
        #expect(durations == [.seconds(10), .seconds(12), .seconds(12)])
        #expect(breaker.metrics.tripsSinceClose == 4)

        // Just before the grown duration ends, still rejected, with the right retry-after.
        clock.advance(by: .seconds(12) - .milliseconds(1))
        let error = try #require(throws: CircuitBreakerOpenError.self) { try breaker.acquirePermission() }
        #expect(error.retryAfter == .milliseconds(1))
    }

    @Test func aCleanCloseResetsTheOpenDuration() throws {
        let clock = ManualClock()
        let breaker = CircuitBreaker(name: "backoff", configuration: try Self.configuration(), clock: clock)
        try Self.trip(breaker)
        try Self.failProbe(breaker, clock)
        #expect(breaker.metrics.openDuration == .seconds(10))

        clock.advance(by: .seconds(10))
        try breaker.acquirePermission().record(.success)
        #expect(breaker.state == .closed)
        #expect(breaker.metrics.tripsSinceClose == 0)
        #expect(breaker.metrics.openDuration == nil)

        try Self.trip(breaker)
        #expect(breaker.metrics.openDuration == .seconds(5))
        #expect(breaker.metrics.nextProbeIn == .seconds(5))
        try Self.failProbe(breaker, clock)
        #expect(breaker.metrics.nextProbeIn == .seconds(10))
    }

    @Test func resetAlsoResetsTheOpenDuration() throws {
        let clock = ManualClock()
        let breaker = CircuitBreaker(name: "backoff", configuration: try Self.configuration(), clock: clock)
        try Self.trip(breaker)
        try Self.failProbe(breaker, clock)
        breaker.reset()
        try Self.trip(breaker)
        #expect(breaker.metrics.nextProbeIn == .seconds(5))
    }

    @Test func noGrowthByDefault() throws {
        let clock = ManualClock()
        let configuration = try CircuitBreaker.Configuration(windowSize: 2, minimumCalls: 2, permittedCallsInHalfOpen: 1)
        let breaker = CircuitBreaker(name: "flat", configuration: configuration, clock: clock)
        try Self.trip(breaker)
        for _ in 0..<3 {
            try Self.failProbe(breaker, clock)
            #expect(breaker.metrics.nextProbeIn == .seconds(5))
        }
    }

    @Test func withoutACapTheDurationKeepsGrowing() throws {
        let clock = ManualClock()
        let breaker = CircuitBreaker(name: "uncapped", configuration: try Self.configuration(multiplier: 3, max: nil), clock: clock)
        try Self.trip(breaker)
        try Self.failProbe(breaker, clock)
        try Self.failProbe(breaker, clock)
        #expect(breaker.metrics.nextProbeIn == .seconds(45))
    }

    @Test func aHugeMultiplierStopsAtTheCap() throws {
        let clock = ManualClock()
        let breaker = CircuitBreaker(
            name: "huge", configuration: try Self.configuration(multiplier: 1e300, max: .seconds(30)), clock: clock
        )
        try Self.trip(breaker)
        try Self.failProbe(breaker, clock)
        #expect(breaker.metrics.nextProbeIn == .seconds(30))
        let uncapped = CircuitBreaker(name: "huge", configuration: try Self.configuration(multiplier: 1e300, max: nil), clock: clock)
        try Self.trip(uncapped)
        try Self.failProbe(uncapped, clock)
        #expect(uncapped.metrics.nextProbeIn == .seconds(365 * 24 * 3600))
    }

    @Test func metricsTellTheTimeInTheCurrentState() throws {
        let clock = ManualClock()
        let breaker = CircuitBreaker(name: "timed", configuration: try Self.configuration(), clock: clock)
        clock.advance(by: .seconds(7))
        #expect(breaker.metrics.timeInState == .seconds(7))
        try Self.trip(breaker)
        clock.advance(by: .milliseconds(1500))
        #expect(breaker.metrics.timeInState == .milliseconds(1500))
        #expect(breaker.metrics.state == .open)
    }

    @Test func jitterShortensEachOpenDurationByTheInjectedRandomFraction() throws {
        let clock = ManualClock()
        let randoms = RandomSequence([0.5, 0.0, 0.999])
        let breaker = CircuitBreaker(
            name: "jitter", configuration: try Self.configuration(max: nil, jitter: 0.2), clock: clock,
            random: { randoms.next() }
        )
        try Self.trip(breaker)
        #expect(breaker.metrics.nextProbeIn == .seconds(4.5))             // 5 s - 5 s * 0.2 * 0.5
        try Self.failProbe(breaker, clock)
        #expect(breaker.metrics.nextProbeIn == .seconds(10))              // 10 s - 0
        try Self.failProbe(breaker, clock)
        #expect(breaker.metrics.nextProbeIn == .seconds(20) - .seconds(20) * (0.2 * 0.999))
        #expect(randoms.calls == 3)
    }

    @Test func noJitterNeverAsksForARandomNumber() throws {
        let clock = ManualClock()
        let randoms = RandomSequence([])
        let breaker = CircuitBreaker(name: "exact", configuration: try Self.configuration(), clock: clock, random: { randoms.next() })
        try Self.trip(breaker)
        try Self.failProbe(breaker, clock)
        #expect(randoms.calls == 0)
    }

    @Test func aHangingProbeIsSupersededAfterTheGrownOpenDuration() throws {
        let clock = ManualClock()
        let breaker = CircuitBreaker(name: "hang", configuration: try Self.configuration(), clock: clock)
        try Self.trip(breaker)
        try Self.failProbe(breaker, clock)             // open for 10 s now
        clock.advance(by: .seconds(10))
        let hanging = try breaker.acquirePermission()
        clock.advance(by: .seconds(10) - .nanoseconds(1))
        #expect(throws: CircuitBreakerOpenError.self) { try breaker.acquirePermission() }
        clock.advance(by: .nanoseconds(1))
        #expect(try breaker.acquirePermission().isProbe)
        #expect(hanging.generation < breaker.metrics.generation)
    }
}

/// A fixed sequence of random values, then 0.
private final class RandomSequence: Sendable {
    private let state: Mutex<(values: [Double], calls: Int)>
    init(_ values: [Double]) { state = Mutex((values, 0)) }
    func next() -> Double {
        state.withLock { state in
            state.calls += 1
            return state.values.isEmpty ? 0 : state.values.removeFirst()
        }
    }
    var calls: Int { state.withLock { $0.calls } }
}

import RPCCore
import Resilience
import ResilienceTestKit
import Testing

@Suite struct BulkheadAdaptiveLimitTests {
    /// Runs `rounds` rounds of `bulkhead.limit` calls at once, each taking `latency` on `clock`
    /// and ending with `outcome`; returns the limit after each round.
    static func drive(
        _ bulkhead: Bulkhead, clock: ManualClock, rounds: Int, latency: Duration, outcome: Bulkhead.Outcome = .success
    ) -> [Int] {
        var limits: [Int] = []
        for _ in 0..<rounds {
            var permits: [Bulkhead.Permit] = []
            while let permit = bulkhead.tryAcquire() { permits.append(permit) }
            clock.advance(by: latency)
            for permit in permits { permit.release(outcome) }
            limits.append(bulkhead.limit)
        }
        return limits
    }

    @Test func aimdRisesUnderHealthyLoadAndFallsWhenLatencyGrows() throws {
        let clock = ManualClock()
        let bulkhead = Bulkhead(name: "aimd", configuration: try .init(
            limit: .aimd(initial: 4, minimum: 2, maximum: 40, latencyTarget: .milliseconds(100)), maxWait: .zero
        ), clock: clock)
        #expect(bulkhead.limit == 4)
        let rising = Self.drive(bulkhead, clock: clock, rounds: 5, latency: .milliseconds(20))
        #expect(rising == rising.sorted())
        #expect(rising.last! > 4 * 2, "\(rising)")
        let peak = bulkhead.limit
        let falling = Self.drive(bulkhead, clock: clock, rounds: 3, latency: .milliseconds(150))
        #expect(falling == falling.sorted(by: >))
        #expect(falling.last! < peak / 2, "\(falling)")
        expectBalanced(bulkhead, inUse: 0)
    }

    @Test func aimdBacksOffOnFailuresAndStaysWithinBounds() throws {
        let clock = ManualClock()
        let bulkhead = Bulkhead(name: "aimd", configuration: try .init(
            limit: .aimd(initial: 10, minimum: 3, maximum: 12, latencyTarget: .milliseconds(100)), maxWait: .zero
        ), clock: clock)
        let up = Self.drive(bulkhead, clock: clock, rounds: 10, latency: .milliseconds(1))
        #expect(up.max() == 12)
        let down = Self.drive(bulkhead, clock: clock, rounds: 20, latency: .milliseconds(1), outcome: .failure)
        #expect(down.min() == 3)
        #expect(bulkhead.limit == 3)
    }

    @Test func cancelledCallsDoNotMoveTheLimit() throws {
        let clock = ManualClock()
        let bulkhead = Bulkhead(name: "aimd", configuration: try .init(
            limit: .aimd(initial: 10, latencyTarget: .milliseconds(100)), maxWait: .zero
        ), clock: clock)
        _ = Self.drive(bulkhead, clock: clock, rounds: 5, latency: .seconds(5), outcome: .ignored)
        #expect(bulkhead.limit == 10)
    }

    @Test func anIdleClientDoesNotGrowTheLimit() async throws {
        let clock = ManualClock()
        let bulkhead = Bulkhead(name: "aimd", configuration: try .init(limit: .aimd(initial: 10), maxWait: .zero), clock: clock)
        for _ in 0..<50 {
            let permit = try await bulkhead.acquire()
            clock.advance(by: .milliseconds(1))
            permit.release()
        }
        #expect(bulkhead.limit == 10)
    }

    @Test func gradientRisesUnderHealthyLoadAndFallsWhenLatencyGrows() throws {
        let clock = ManualClock()
        let bulkhead = Bulkhead(name: "gradient", configuration: try .init(
            limit: .gradient(initial: 10, minimum: 2, maximum: 100, smoothing: 0.2, queueAllowance: 4), maxWait: .zero
        ), clock: clock)
        let rising = Self.drive(bulkhead, clock: clock, rounds: 6, latency: .milliseconds(10))
        #expect(rising == rising.sorted())
        #expect(rising.last! >= 40, "\(rising)")
        let peak = bulkhead.limit
        // Latency four times the minimum: the gradient is clamped at 0.5 and the limit shrinks
        // towards 2 * queueAllowance.
        let falling = Self.drive(bulkhead, clock: clock, rounds: 6, latency: .milliseconds(40))
        #expect(falling.first! < peak, "\(falling)")
        #expect(falling.last! < peak / 2, "\(falling)")
        #expect(falling.last! >= 2)
        // Back to healthy latency: it grows again.
        let recovering = Self.drive(bulkhead, clock: clock, rounds: 3, latency: .milliseconds(10))
        #expect(recovering.last! > falling.last!, "\(recovering)")
    }

    @Test func gradientRemeasuresTheMinimumRoundTripTime() throws {
        let clock = ManualClock()
        let bulkhead = Bulkhead(name: "gradient", configuration: try .init(
            limit: .gradient(initial: 20, minimum: 2, maximum: 100, minRTTWindow: 50), maxWait: .zero
        ), clock: clock)
        // One very fast round, then the callee's normal latency is 10 times higher.
        _ = Self.drive(bulkhead, clock: clock, rounds: 1, latency: .milliseconds(1))
        let pinned = Self.drive(bulkhead, clock: clock, rounds: 1, latency: .milliseconds(10))
        #expect(pinned.last! <= 10, "\(pinned)")
        // Once the window has passed, 10 ms is the new minimum and the limit grows again.
        let regrown = Self.drive(bulkhead, clock: clock, rounds: 12, latency: .milliseconds(10))
        #expect(regrown.last! > 20, "\(regrown)")
    }

    @Test func gradientBacksOffOnFailures() throws {
        let clock = ManualClock()
        let bulkhead = Bulkhead(name: "gradient", configuration: try .init(
            limit: .gradient(initial: 50, minimum: 5, maximum: 100), maxWait: .zero
        ), clock: clock)
        let limits = Self.drive(bulkhead, clock: clock, rounds: 3, latency: .milliseconds(1), outcome: .failure)
        #expect(limits.last! < 10, "\(limits)")
        #expect(limits.last! >= 5)
    }

    @Test func aRaisedLimitAdmitsQueuedCallers() async throws {
        let clock = ManualClock()
        let bulkhead = Bulkhead(name: "aimd", configuration: try .init(
            limit: .aimd(initial: 2, minimum: 1, maximum: 10, latencyTarget: .seconds(1)), maxQueueLength: 10, maxWait: .seconds(3600)
        ), clock: clock)
        let first = try await bulkhead.acquire()
        let second = try await bulkhead.acquire()
        let waiters = (0..<2).map { _ in Task { try await bulkhead.acquire() } }
        await eventually { bulkhead.metrics.queued == 2 }
        first.release()   // limit 2 -> 3: both waiters get a permit
        var permits = [second]
        for waiter in waiters { permits.append(try await waiter.value) }
        #expect(bulkhead.limit == 3)
        #expect(bulkhead.metrics.inUse == 3)
        for permit in permits { permit.release() }
        #expect(bulkhead.metrics.inUse == 0)
    }
}

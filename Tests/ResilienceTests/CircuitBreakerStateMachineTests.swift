import Resilience
import Testing

/// The pure state machine, driven with explicit times.
@Suite struct CircuitBreakerStateMachineTests {
    typealias Machine = CircuitBreakerStateMachine

    /// Admits a call at `now` and records `outcome` for it; returns the transition, if any.
    @discardableResult
    static func call(_ machine: inout Machine, _ outcome: CircuitBreaker.Outcome, at now: Duration = .zero) -> Machine.Transition? {
        let (admission, _) = machine.acquire(at: now)
        guard case .admitted(let generation, _) = admission else {
            Issue.record("call rejected in \(machine.state)")
            return nil
        }
        return machine.record(outcome, generation: generation, at: now)
    }

    static func admit(_ machine: inout Machine, at now: Duration) -> (generation: UInt64, isProbe: Bool)? {
        guard case .admitted(let generation, let isProbe) = machine.acquire(at: now).0 else { return nil }
        return (generation, isProbe)
    }

    static func rejection(_ machine: inout Machine, at now: Duration) -> Machine.Rejection? {
        guard case .rejected(let rejection) = machine.acquire(at: now).0 else { return nil }
        return rejection
    }

    /// A machine tripped open at time zero: 10 calls, all failures.
    static func tripped(permitted: Int = 3) -> Machine {
        var machine = Machine(configuration: breakerConfiguration(permittedCallsInHalfOpen: permitted))
        for _ in 0..<10 { Self.call(&machine, .failure) }
        #expect(machine.state == .open)
        return machine
    }

    @Test func tripsWhenTheFailureRateReachesTheThreshold() {
        var machine = Machine(configuration: breakerConfiguration())
        for _ in 0..<5 { Self.call(&machine, .success) }
        for _ in 0..<4 { #expect(Self.call(&machine, .failure) == nil) }
        let transition = Self.call(&machine, .failure)   // 5 of 10: 50%
        #expect(transition?.from == .closed)
        #expect(transition?.to == .open)
        #expect(transition?.reason == .failureRateExceeded(failures: 5, calls: 10))
        #expect(machine.state == .open)
    }

    @Test func staysClosedJustBelowTheThreshold() {
        var machine = Machine(configuration: breakerConfiguration())
        for _ in 0..<6 { Self.call(&machine, .success) }
        for _ in 0..<4 { Self.call(&machine, .failure) }   // 4 of 10: 40%
        #expect(machine.state == .closed)
        #expect(machine.window.failures == 4)
    }

    @Test func needsMinimumCallsBeforeTripping() {
        var machine = Machine(configuration: breakerConfiguration(windowSize: 20, minimumCalls: 10))
        for _ in 0..<9 { Self.call(&machine, .failure) }   // 100%, but only 9 calls
        #expect(machine.state == .closed)
        Self.call(&machine, .failure)
        #expect(machine.state == .open)
    }

    @Test func aSuccessReachingMinimumCallsCanTrip() {
        var machine = Machine(configuration: breakerConfiguration(windowSize: 10, minimumCalls: 10))
        for _ in 0..<5 { Self.call(&machine, .failure) }
        for _ in 0..<4 { Self.call(&machine, .success) }
        #expect(machine.state == .closed)
        Self.call(&machine, .success)   // 10 calls, 5 failures
        #expect(machine.state == .open)
    }

    @Test func evictedOutcomesNoLongerCount() {
        var machine = Machine(configuration: breakerConfiguration(windowSize: 4, minimumCalls: 4))
        for outcome in [CircuitBreaker.Outcome.failure, .success, .success, .success] { Self.call(&machine, outcome) }
        #expect(machine.window.failures == 1)   // F S S S: 25%
        Self.call(&machine, .success)           // S S S S: the failure was evicted
        #expect(machine.window.failures == 0)
        Self.call(&machine, .failure)
        #expect(machine.state == .closed)       // S S S F: 25%
        Self.call(&machine, .failure)           // S S F F: 50%
        #expect(machine.state == .open)
    }

    @Test func ignoredOutcomesDoNotCount() {
        var machine = Machine(configuration: breakerConfiguration())
        for _ in 0..<20 { Self.call(&machine, .ignored) }
        #expect(machine.window.count == 0)
        #expect(machine.state == .closed)
        #expect(machine.metrics(at: .zero).ignoredCalls == 20)
    }

    @Test func openRejectsWithTheTimeUntilTheNextProbe() throws {
        var machine = Self.tripped()
        let rejection = try #require(Self.rejection(&machine, at: .milliseconds(800)))
        #expect(rejection.state == .open)
        #expect(rejection.retryAfter == .milliseconds(4200))
        #expect(rejection.trip?.failures == 10)
        #expect(rejection.trip?.calls == 10)
        #expect(machine.metrics(at: .milliseconds(800)).rejectedCalls == 1)
    }

    @Test func turnsHalfOpenLazilyOnTheFirstCallAfterTheOpenDuration() throws {
        var machine = Self.tripped()
        #expect(Self.rejection(&machine, at: .seconds(5) - .nanoseconds(1)) != nil)
        #expect(machine.state == .open)   // time alone changes nothing
        let generation = machine.generation
        let (admission, transition) = machine.acquire(at: .seconds(5))
        #expect(admission == .admitted(generation: generation + 1, isProbe: true))
        #expect(transition?.from == .open)
        #expect(transition?.to == .halfOpen)
        #expect(transition?.reason == .openDurationElapsed)
    }

    @Test func halfOpenAdmitsExactlyThePermittedProbesThenClosesWhenAllSucceed() throws {
        var machine = Self.tripped(permitted: 3)
        let probes = (0..<3).compactMap { _ in Self.admit(&machine, at: .seconds(5)) }
        #expect(probes.count == 3)
        #expect(probes.allSatisfy { $0.isProbe })
        let rejection = try #require(Self.rejection(&machine, at: .seconds(5)))
        #expect(rejection.state == .halfOpen)
        #expect(rejection.probesInFlight == 3)
        #expect(machine.record(.success, generation: probes[0].generation, at: .seconds(6)) == nil)
        #expect(machine.record(.success, generation: probes[1].generation, at: .seconds(6)) == nil)
        #expect(machine.state == .halfOpen)
        let transition = machine.record(.success, generation: probes[2].generation, at: .seconds(6))
        #expect(transition?.to == .closed)
        #expect(transition?.reason == .probesSucceeded(3))
        #expect(machine.window.count == 0)   // a fresh window
    }

    @Test func aFailedProbeOpensAgain() throws {
        var machine = Self.tripped(permitted: 3)
        let first = try #require(Self.admit(&machine, at: .seconds(5)))
        let second = try #require(Self.admit(&machine, at: .seconds(5)))
        #expect(machine.record(.success, generation: first.generation, at: .seconds(6)) == nil)
        let transition = machine.record(.failure, generation: second.generation, at: .seconds(6))
        #expect(transition?.from == .halfOpen)
        #expect(transition?.to == .open)
        #expect(transition?.reason == .probeFailed)
        let rejection = try #require(Self.rejection(&machine, at: .seconds(6)))
        #expect(rejection.retryAfter == .seconds(5))
        #expect(rejection.trip == Machine.Trip(failures: 1, calls: 2, duringHalfOpen: true))
    }

    @Test func aHangingProbeIsSupersededAfterAnotherOpenDuration() throws {
        var machine = Self.tripped(permitted: 1)
        let hanging = try #require(Self.admit(&machine, at: .seconds(5)))
        let rejection = try #require(Self.rejection(&machine, at: .seconds(7)))
        #expect(rejection.retryAfter == .seconds(3))
        #expect(Self.rejection(&machine, at: .seconds(10) - .nanoseconds(1)) != nil)

        let (admission, transition) = machine.acquire(at: .seconds(10))
        #expect(admission == .admitted(generation: hanging.generation + 1, isProbe: true))
        #expect(transition?.from == .halfOpen)
        #expect(transition?.to == .halfOpen)
        #expect(transition?.reason == .probesTimedOut)

        // The hanging probe finally fails: it is from an earlier generation, so nothing happens.
        #expect(machine.record(.failure, generation: hanging.generation, at: .seconds(11)) == nil)
        #expect(machine.state == .halfOpen)
        #expect(machine.metrics(at: .seconds(11)).staleOutcomes == 1)
    }

    @Test func outcomesFromAnEarlierGenerationNeverCauseATransition() throws {
        var machine = Machine(configuration: breakerConfiguration())
        let early = (0..<5).compactMap { _ in Self.admit(&machine, at: .zero) }   // admitted while closed
        for _ in 0..<10 { Self.call(&machine, .failure) }
        #expect(machine.state == .open)
        let probe = try #require(Self.admit(&machine, at: .seconds(5)))
        // Successes of calls admitted while closed must not count as probes.
        for permit in early { #expect(machine.record(.success, generation: permit.generation, at: .seconds(5)) == nil) }
        #expect(machine.state == .halfOpen)
        #expect(machine.metrics(at: .seconds(5)).staleOutcomes == 5)
        #expect(machine.metrics(at: .seconds(5)).probesInFlight == 1)
        #expect(probe.isProbe)
    }

    @Test func staleFailuresDoNotPolluteAFreshWindow() throws {
        var machine = Machine(configuration: breakerConfiguration())
        let early = try #require(Self.admit(&machine, at: .zero))
        _ = machine.reset()
        #expect(machine.record(.failure, generation: early.generation, at: .zero) == nil)
        #expect(machine.window.count == 0)
    }

    @Test func anIgnoredProbeFreesItsSlot() throws {
        var machine = Self.tripped(permitted: 1)
        let probe = try #require(Self.admit(&machine, at: .seconds(5)))
        #expect(Self.rejection(&machine, at: .seconds(5)) != nil)
        #expect(machine.record(.ignored, generation: probe.generation, at: .seconds(5)) == nil)
        let next = try #require(Self.admit(&machine, at: .seconds(5)))
        #expect(next.isProbe)
        #expect(next.generation == probe.generation)
    }

    @Test func forcedOpenRejectsEverythingWithoutARetryAfter() throws {
        var machine = Machine(configuration: breakerConfiguration())
        let transition = machine.forceOpen()
        #expect(transition?.to == .forcedOpen)
        #expect(machine.forceOpen() == nil)   // already
        let rejection = try #require(Self.rejection(&machine, at: .seconds(3600)))
        #expect(rejection.state == .forcedOpen)
        #expect(rejection.retryAfter == nil)
    }

    @Test func disabledAdmitsEverythingAndNeverTrips() {
        var machine = Machine(configuration: breakerConfiguration())
        #expect(machine.disable()?.to == .disabled)
        for _ in 0..<100 { Self.call(&machine, .failure) }
        #expect(machine.state == .disabled)
        #expect(machine.window.count == 0)
    }

    @Test func resetClosesWithAFreshWindowAndANewGeneration() {
        var machine = Self.tripped()
        let generation = machine.generation
        let transition = machine.reset()
        #expect(transition.from == .open)
        #expect(transition.to == .closed)
        #expect(transition.reason == .reset)
        #expect(machine.generation == generation + 1)
        #expect(machine.window.count == 0)
        #expect(Self.admit(&machine, at: .zero) != nil)
    }

    @Test func metricsReportTheWindowAndTheNextProbe() {
        var machine = Machine(configuration: breakerConfiguration())
        for _ in 0..<6 { Self.call(&machine, .success) }
        for _ in 0..<3 { Self.call(&machine, .failure) }
        var metrics = machine.metrics(at: .zero)
        #expect(metrics.state == .closed)
        #expect(metrics.callsInWindow == 9)
        #expect(metrics.failuresInWindow == 3)
        #expect(abs(metrics.failureRate - 1.0 / 3.0) < 1e-9)
        #expect(metrics.nextProbeIn == nil)
        for _ in 0..<2 { Self.call(&machine, .failure) }
        metrics = machine.metrics(at: .seconds(1))
        #expect(metrics.state == .open)
        #expect(metrics.nextProbeIn == .seconds(4))
        #expect(metrics.successfulCalls == 6)
        #expect(metrics.failedCalls == 5)
    }
}

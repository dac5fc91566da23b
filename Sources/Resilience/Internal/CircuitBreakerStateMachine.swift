/// The circuit breaker's logic as a pure value: every method takes `now` (time elapsed on the
/// breaker's clock) and returns what happened; the caller holds the lock and delivers events.
///
/// Generations: every transition starts a new generation. A permit carries the generation it was
/// admitted in; an outcome from an earlier generation is counted in the lifetime statistics but
/// never touches the window or the state.
package struct CircuitBreakerStateMachine: Sendable {
    /// What tripped the breaker, for rejection messages.
    package struct Trip: Sendable, Hashable {
        package var failures: Int
        package var calls: Int
        /// Whether a half-open probe failed (rather than the closed window's failure rate).
        package var duringHalfOpen: Bool

        package init(failures: Int, calls: Int, duringHalfOpen: Bool) {
            self.failures = failures
            self.calls = calls
            self.duringHalfOpen = duringHalfOpen
        }
    }

    package enum Phase: Sendable, Hashable {
        case closed
        /// Rejecting until `probeAt`.
        case open(trip: Trip, probeAt: Duration)
        /// `admitted` probes so far (in flight or succeeded), `succeeded` of them succeeded;
        /// when all slots are taken, fresh probes are admitted from `supersedeAt` on.
        case halfOpen(trip: Trip, admitted: Int, succeeded: Int, supersedeAt: Duration)
        case forcedOpen
        case disabled

        package var state: CircuitBreaker.State {
            switch self {
            case .closed: .closed
            case .open: .open
            case .halfOpen: .halfOpen
            case .forcedOpen: .forcedOpen
            case .disabled: .disabled
            }
        }
    }

    package struct Rejection: Sendable, Hashable {
        package var state: CircuitBreaker.State
        package var trip: Trip?
        /// When a probe will be let through; `nil` when forced open.
        package var retryAfter: Duration?
        package var probesInFlight: Int
    }

    package enum Admission: Sendable, Hashable {
        case admitted(generation: UInt64, isProbe: Bool)
        case rejected(Rejection)
    }

    package struct Transition: Sendable, Hashable {
        package var from: CircuitBreaker.State
        package var to: CircuitBreaker.State
        package var generation: UInt64
        package var reason: CircuitBreaker.StateChange.Reason
    }

    package let configuration: CircuitBreaker.Configuration
    package private(set) var phase: Phase = .closed
    package private(set) var generation: UInt64 = 0
    package private(set) var window: CountBasedWindow

    private var rejectedCalls = 0
    private var successfulCalls = 0
    private var failedCalls = 0
    private var ignoredCalls = 0
    private var staleOutcomes = 0

    package init(configuration: CircuitBreaker.Configuration) {
        self.configuration = configuration
        self.window = CountBasedWindow(capacity: configuration.windowSize)
    }

    package var state: CircuitBreaker.State { phase.state }

    // MARK: Admission

    /// Decides whether a call may go through, moving open -> half-open lazily once the open
    /// duration has passed, and superseding hanging probes.
    package mutating func acquire(at now: Duration) -> (Admission, Transition?) {
        switch phase {
        case .closed, .disabled:
            return (.admitted(generation: generation, isProbe: false), nil)

        case .forcedOpen:
            rejectedCalls += 1
            return (.rejected(Rejection(state: .forcedOpen, trip: nil, retryAfter: nil, probesInFlight: 0)), nil)

        case .open(let trip, let probeAt):
            guard now >= probeAt else {
                rejectedCalls += 1
                return (.rejected(Rejection(state: .open, trip: trip, retryAfter: probeAt - now, probesInFlight: 0)), nil)
            }
            let transition = move(
                to: .halfOpen(trip: trip, admitted: 1, succeeded: 0, supersedeAt: now + configuration.openDuration),
                reason: .openDurationElapsed
            )
            return (.admitted(generation: generation, isProbe: true), transition)

        case .halfOpen(let trip, let admitted, let succeeded, let supersedeAt):
            if admitted < configuration.permittedCallsInHalfOpen {
                phase = .halfOpen(
                    trip: trip, admitted: admitted + 1, succeeded: succeeded,
                    supersedeAt: now + configuration.openDuration
                )
                return (.admitted(generation: generation, isProbe: true), nil)
            }
            guard now >= supersedeAt else {
                rejectedCalls += 1
                let rejection = Rejection(
                    state: .halfOpen, trip: trip, retryAfter: supersedeAt - now, probesInFlight: admitted - succeeded
                )
                return (.rejected(rejection), nil)
            }
            let transition = move(
                to: .halfOpen(trip: trip, admitted: 1, succeeded: 0, supersedeAt: now + configuration.openDuration),
                reason: .probesTimedOut
            )
            return (.admitted(generation: generation, isProbe: true), transition)
        }
    }

    // MARK: Outcomes

    /// Records the outcome of a call admitted in `permitGeneration`.
    package mutating func record(
        _ outcome: CircuitBreaker.Outcome, generation permitGeneration: UInt64, at now: Duration
    ) -> Transition? {
        switch outcome {
        case .success: successfulCalls += 1
        case .failure: failedCalls += 1
        case .ignored: ignoredCalls += 1
        }
        guard permitGeneration == generation else {
            staleOutcomes += 1
            return nil
        }
        switch phase {
        case .closed:
            guard outcome != .ignored else { return nil }
            window.record(failure: outcome == .failure)
            guard window.count >= configuration.minimumCalls,
                  window.failureRate >= configuration.failureRateThreshold
            else { return nil }
            let trip = Trip(failures: window.failures, calls: window.count, duringHalfOpen: false)
            return move(
                to: .open(trip: trip, probeAt: now + configuration.openDuration),
                reason: .failureRateExceeded(failures: trip.failures, calls: trip.calls)
            )

        case .halfOpen(let trip, let admitted, let succeeded, let supersedeAt):
            switch outcome {
            case .ignored:
                // The probe's slot is free again.
                phase = .halfOpen(trip: trip, admitted: admitted - 1, succeeded: succeeded, supersedeAt: supersedeAt)
                return nil
            case .failure:
                let probeTrip = Trip(failures: 1, calls: succeeded + 1, duringHalfOpen: true)
                return move(to: .open(trip: probeTrip, probeAt: now + configuration.openDuration), reason: .probeFailed)
            case .success:
                let succeeded = succeeded + 1
                if succeeded >= configuration.permittedCallsInHalfOpen {
                    window.reset()
                    return move(to: .closed, reason: .probesSucceeded(succeeded))
                }
                phase = .halfOpen(trip: trip, admitted: admitted, succeeded: succeeded, supersedeAt: supersedeAt)
                return nil
            }

        case .open, .forcedOpen, .disabled:
            // No permit is issued in these generations except when disabled, which records nothing.
            return nil
        }
    }

    // MARK: Manual transitions

    /// Rejects every call until ``reset()``.
    package mutating func forceOpen() -> Transition? {
        phase == .forcedOpen ? nil : move(to: .forcedOpen, reason: .forcedOpen)
    }

    /// Lets every call through and records nothing until ``reset()``.
    package mutating func disable() -> Transition? {
        phase == .disabled ? nil : move(to: .disabled, reason: .disabled)
    }

    /// Closed with an empty window, in a new generation (even when already closed, so that
    /// outcomes of calls admitted before the reset do not count).
    package mutating func reset() -> Transition {
        window.reset()
        return move(to: .closed, reason: .reset)
    }

    private mutating func move(to next: Phase, reason: CircuitBreaker.StateChange.Reason) -> Transition {
        let from = phase.state
        phase = next
        generation += 1
        return Transition(from: from, to: next.state, generation: generation, reason: reason)
    }

    // MARK: Metrics

    package func metrics(at now: Duration) -> CircuitBreaker.Metrics {
        var probesInFlight = 0
        var nextProbeIn: Duration?
        switch phase {
        case .open(_, let probeAt):
            nextProbeIn = max(.zero, probeAt - now)
        case .halfOpen(_, let admitted, let succeeded, let supersedeAt):
            probesInFlight = admitted - succeeded
            if admitted >= configuration.permittedCallsInHalfOpen { nextProbeIn = max(.zero, supersedeAt - now) }
        case .closed, .forcedOpen, .disabled:
            break
        }
        return CircuitBreaker.Metrics(
            state: phase.state, generation: generation, callsInWindow: window.count,
            failuresInWindow: window.failures, rejectedCalls: rejectedCalls, successfulCalls: successfulCalls,
            failedCalls: failedCalls, ignoredCalls: ignoredCalls, staleOutcomes: staleOutcomes,
            probesInFlight: probesInFlight, nextProbeIn: nextProbeIn
        )
    }
}

/// The circuit breaker's logic as a pure value: every method takes `now` (time elapsed on the
/// breaker's clock) and returns what happened; the caller holds the lock and delivers events.
///
/// Generations: every transition starts a new generation. A permit carries the generation it was
/// admitted in; an outcome from an earlier generation is counted in the lifetime statistics but
/// never touches the window or the state.
package struct CircuitBreakerStateMachine: Sendable {
    /// What tripped the breaker, for rejection messages.
    package struct Trip: Sendable, Hashable {
        /// Failures that tripped it (in the window, in a row, or the failed probe).
        package var failures: Int
        /// Calls they were counted among.
        package var calls: Int
        /// Slow calls among them (for ``CircuitBreaker/TripRule/slowCallRate`` and ``CircuitBreaker/TripRule/slowProbes``).
        package var slowCalls: Int
        /// The rule that tripped.
        package var rule: CircuitBreaker.TripRule

        package init(failures: Int, calls: Int, slowCalls: Int = 0, rule: CircuitBreaker.TripRule) {
            self.failures = failures
            self.calls = calls
            self.slowCalls = slowCalls
            self.rule = rule
        }

        /// A failure-rate trip, or a probe failure when `duringHalfOpen`.
        package init(failures: Int, calls: Int, duringHalfOpen: Bool) {
            self.init(failures: failures, calls: calls, rule: duringHalfOpen ? .probeFailure : .failureRate)
        }

        /// Whether a half-open probe tripped it (a failure, or too many slow probes).
        package var duringHalfOpen: Bool { rule == .probeFailure || rule == .slowProbes }
    }

    package enum Phase: Sendable, Hashable {
        case closed
        /// Rejecting until `probeAt`.
        case open(trip: Trip, probeAt: Duration)
        /// `admitted` probes so far (in flight or succeeded), `succeeded` of them succeeded, `slow`
        /// of those slowly; when all slots are taken, fresh probes are admitted from `supersedeAt` on.
        case halfOpen(trip: Trip, admitted: Int, succeeded: Int, slow: Int, supersedeAt: Duration)
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

    /// The longest open duration backoff grows to when ``CircuitBreaker/Configuration/maxOpenDuration``
    /// is `nil`: a year, so that repeated multiplication never overflows.
    package static let uncappedOpenDurationLimit: Duration = .seconds(365 * 24 * 3600)

    package let configuration: CircuitBreaker.Configuration
    package private(set) var phase: Phase = .closed
    package private(set) var generation: UInt64 = 0
    package private(set) var window: SlidingOutcomeWindow
    /// Failures in a row while closed (a success resets it; ignored outcomes do not).
    package private(set) var consecutiveFailures = 0
    /// The open duration of the current open (and half-open) period, jitter applied.
    package private(set) var currentOpenDuration: Duration
    /// The open duration (before jitter) the next trip will use: grows on each reopening, back to
    /// ``CircuitBreaker/Configuration/openDuration`` on a clean close or reset.
    package private(set) var nextOpenDuration: Duration
    /// Trips since the last clean close or reset.
    package private(set) var tripsSinceClose = 0

    private let random: @Sendable () -> Double
    private var stateEnteredAt: Duration = .zero
    private var rejectedCalls = 0
    private var successfulCalls = 0
    private var failedCalls = 0
    private var slowCalls = 0
    private var ignoredCalls = 0
    private var staleOutcomes = 0

    /// - Parameter random: Returns a value in `0..<1` for the open-duration jitter; called only
    ///   when ``CircuitBreaker/Configuration/openDurationJitter`` is positive.
    package init(
        configuration: CircuitBreaker.Configuration,
        random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) }
    ) {
        self.configuration = configuration
        self.random = random
        self.window = SlidingOutcomeWindow(configuration.slidingWindow)
        self.currentOpenDuration = configuration.openDuration
        self.nextOpenDuration = configuration.openDuration
    }

    package var state: CircuitBreaker.State { phase.state }

    /// The generation when closed (a call is admitted with nothing to change), else `nil`.
    package var closedGeneration: UInt64? {
        if case .closed = phase { return generation }
        return nil
    }

    // MARK: Admission

    /// Decides whether a call may go through, moving open -> half-open lazily once the open
    /// duration has passed, and superseding hanging probes. `now` is read only when the state
    /// needs it (never when closed or disabled).
    package mutating func acquire(at currentTime: @autoclosure () -> Duration) -> (Admission, Transition?) {
        switch phase {
        case .closed, .disabled:
            return (.admitted(generation: generation, isProbe: false), nil)
        case .forcedOpen:
            rejectedCalls += 1
            return (.rejected(Rejection(state: .forcedOpen, trip: nil, retryAfter: nil, probesInFlight: 0)), nil)
        case .open, .halfOpen:
            break
        }
        let now = currentTime()
        switch phase {
        case .closed, .disabled, .forcedOpen:
            preconditionFailure("handled above")

        case .open(let trip, let probeAt):
            guard now >= probeAt else {
                rejectedCalls += 1
                return (.rejected(Rejection(state: .open, trip: trip, retryAfter: probeAt - now, probesInFlight: 0)), nil)
            }
            let transition = move(
                to: .halfOpen(trip: trip, admitted: 1, succeeded: 0, slow: 0, supersedeAt: now + currentOpenDuration),
                reason: .openDurationElapsed, at: now
            )
            return (.admitted(generation: generation, isProbe: true), transition)

        case .halfOpen(let trip, let admitted, let succeeded, let slow, let supersedeAt):
            if admitted < configuration.permittedCallsInHalfOpen {
                phase = .halfOpen(
                    trip: trip, admitted: admitted + 1, succeeded: succeeded, slow: slow,
                    supersedeAt: now + currentOpenDuration
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
                to: .halfOpen(trip: trip, admitted: 1, succeeded: 0, slow: 0, supersedeAt: now + currentOpenDuration),
                reason: .probesTimedOut, at: now
            )
            return (.admitted(generation: generation, isProbe: true), transition)
        }
    }

    // MARK: Outcomes

    /// Records the outcome of a call admitted in `permitGeneration` at `admittedAt` (`nil`: not
    /// timed). The call is slow when `now - admittedAt` exceeds
    /// ``CircuitBreaker/Configuration/slowCallDuration``. `now` is read only when needed: for a
    /// slow-call measurement, a time-based window, or a transition.
    package mutating func record(
        _ outcome: CircuitBreaker.Outcome, generation permitGeneration: UInt64,
        admittedAt: Duration? = nil, at currentTime: @autoclosure () -> Duration
    ) -> Transition? {
        var cachedNow: Duration?
        func now() -> Duration {
            if let cachedNow { return cachedNow }
            let time = currentTime()
            cachedNow = time
            return time
        }
        var isSlow = false
        if outcome != .ignored, let slowCallDuration = configuration.slowCallDuration, let admittedAt {
            isSlow = now() - admittedAt > slowCallDuration
        }
        switch outcome {
        case .success: successfulCalls += 1
        case .failure: failedCalls += 1
        case .ignored: ignoredCalls += 1
        }
        if isSlow { slowCalls += 1 }
        guard permitGeneration == generation else {
            staleOutcomes += 1
            return nil
        }
        switch phase {
        case .closed:
            guard outcome != .ignored else { return nil }
            let failed = outcome == .failure
            if window.isTimeBased {
                window.record(failure: failed, slow: isSlow, at: now())
            } else {
                window.record(failure: failed, slow: isSlow, at: .zero)
            }
            consecutiveFailures = failed ? consecutiveFailures + 1 : 0
            if let threshold = configuration.consecutiveFailureThreshold, consecutiveFailures >= threshold {
                let trip = Trip(failures: consecutiveFailures, calls: consecutiveFailures, rule: .consecutiveFailures)
                return open(trip, reason: .consecutiveFailuresExceeded(consecutiveFailures), at: now())
            }
            guard window.count >= configuration.minimumCalls else { return nil }
            if window.failureRate >= configuration.failureRateThreshold {
                let trip = Trip(failures: window.failures, calls: window.count, slowCalls: window.slowCalls, rule: .failureRate)
                return open(trip, reason: .failureRateExceeded(failures: trip.failures, calls: trip.calls), at: now())
            }
            if configuration.slowCallDuration != nil, window.slowCallRate >= configuration.slowCallRateThreshold {
                let trip = Trip(failures: window.failures, calls: window.count, slowCalls: window.slowCalls, rule: .slowCallRate)
                return open(trip, reason: .slowCallRateExceeded(slowCalls: trip.slowCalls, calls: trip.calls), at: now())
            }
            return nil

        case .halfOpen(let trip, let admitted, let succeeded, let slow, let supersedeAt):
            switch outcome {
            case .ignored:
                // The probe's slot is free again.
                phase = .halfOpen(trip: trip, admitted: admitted - 1, succeeded: succeeded, slow: slow, supersedeAt: supersedeAt)
                return nil
            case .failure:
                let probeTrip = Trip(failures: 1, calls: succeeded + 1, slowCalls: slow + (isSlow ? 1 : 0), rule: .probeFailure)
                return open(probeTrip, reason: .probeFailed, at: now())
            case .success:
                let succeeded = succeeded + 1
                let slow = slow + (isSlow ? 1 : 0)
                guard succeeded >= configuration.permittedCallsInHalfOpen else {
                    phase = .halfOpen(trip: trip, admitted: admitted, succeeded: succeeded, slow: slow, supersedeAt: supersedeAt)
                    return nil
                }
                if configuration.slowCallDuration != nil, Double(slow) / Double(succeeded) >= configuration.slowCallRateThreshold {
                    let slowTrip = Trip(failures: 0, calls: succeeded, slowCalls: slow, rule: .slowProbes)
                    return open(slowTrip, reason: .probesTooSlow(slowProbes: slow, probes: succeeded), at: now())
                }
                closeCleanly()
                return move(to: .closed, reason: .probesSucceeded(succeeded), at: now())
            }

        case .open, .forcedOpen, .disabled:
            // No permit is issued in these generations except when disabled, which records nothing.
            return nil
        }
    }

    /// Opens for the next open duration (grown by earlier trips since the last clean close,
    /// shortened by jitter), and grows the one after.
    private mutating func open(_ trip: Trip, reason: CircuitBreaker.StateChange.Reason, at now: Duration) -> Transition {
        var duration = nextOpenDuration
        if configuration.openDurationJitter > 0 {
            let drawn = random()
            let unit = drawn.isNaN ? 0 : min(max(drawn, 0), 1)   // a broken source must not crash the trip
            duration = max(.nanoseconds(1), duration - duration * (configuration.openDurationJitter * unit))
        }
        currentOpenDuration = duration
        tripsSinceClose += 1
        if configuration.openDurationMultiplier > 1 {
            let cap = configuration.maxOpenDuration ?? max(Self.uncappedOpenDurationLimit, configuration.openDuration)
            // Compared in seconds first, so that a huge multiplier never overflows `Duration`.
            let grown = nextOpenDuration.seconds * configuration.openDurationMultiplier
            nextOpenDuration = grown >= cap.seconds ? cap : min(nextOpenDuration * configuration.openDurationMultiplier, cap)
        }
        return move(to: .open(trip: trip, probeAt: now + duration), reason: reason, at: now)
    }

    /// Back to a fresh window, no failure streak and the base open duration.
    private mutating func closeCleanly() {
        window.reset()
        consecutiveFailures = 0
        tripsSinceClose = 0
        nextOpenDuration = configuration.openDuration
        currentOpenDuration = configuration.openDuration
    }

    // MARK: Manual transitions

    /// Rejects every call until ``reset(at:)``.
    package mutating func forceOpen(at now: Duration = .zero) -> Transition? {
        phase == .forcedOpen ? nil : move(to: .forcedOpen, reason: .forcedOpen, at: now)
    }

    /// Lets every call through and records nothing until ``reset(at:)``.
    package mutating func disable(at now: Duration = .zero) -> Transition? {
        phase == .disabled ? nil : move(to: .disabled, reason: .disabled, at: now)
    }

    /// Closed with an empty window and the base open duration, in a new generation (even when
    /// already closed, so that outcomes of calls admitted before the reset do not count).
    package mutating func reset(at now: Duration = .zero) -> Transition {
        closeCleanly()
        return move(to: .closed, reason: .reset, at: now)
    }

    private mutating func move(to next: Phase, reason: CircuitBreaker.StateChange.Reason, at now: Duration) -> Transition {
        let from = phase.state
        phase = next
        generation += 1
        stateEnteredAt = now
        return Transition(from: from, to: next.state, generation: generation, reason: reason)
    }

    // MARK: Metrics

    /// A snapshot at `now` (moving a time-based window there first, which may evict old buckets).
    package mutating func metrics(at now: Duration) -> CircuitBreaker.Metrics {
        window.advance(to: now)
        var probesInFlight = 0
        var nextProbeIn: Duration?
        var openDuration: Duration?
        switch phase {
        case .open(_, let probeAt):
            nextProbeIn = max(.zero, probeAt - now)
            openDuration = currentOpenDuration
        case .halfOpen(_, let admitted, let succeeded, _, let supersedeAt):
            probesInFlight = admitted - succeeded
            if admitted >= configuration.permittedCallsInHalfOpen { nextProbeIn = max(.zero, supersedeAt - now) }
            openDuration = currentOpenDuration
        case .closed, .forcedOpen, .disabled:
            break
        }
        return CircuitBreaker.Metrics(
            state: phase.state, generation: generation, callsInWindow: window.count,
            failuresInWindow: window.failures, slowCallsInWindow: window.slowCalls,
            rejectedCalls: rejectedCalls, successfulCalls: successfulCalls, failedCalls: failedCalls,
            slowCalls: slowCalls, ignoredCalls: ignoredCalls, staleOutcomes: staleOutcomes,
            consecutiveFailures: consecutiveFailures, probesInFlight: probesInFlight, nextProbeIn: nextProbeIn,
            openDuration: openDuration, tripsSinceClose: tripsSinceClose, timeInState: max(.zero, now - stateEnteredAt)
        )
    }
}

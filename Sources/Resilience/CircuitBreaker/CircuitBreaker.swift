import RPCCore
import Synchronization

/// A circuit breaker: stops calling a callee that keeps failing, then probes it until it recovers.
///
/// Usable around any operation, with or without RPC. Closed, it records outcomes in a sliding
/// window (the last N calls, or the last T in buckets: ``Configuration/slidingWindow``) and trips
/// when at least ``Configuration/minimumCalls`` calls are in the window and the failure rate
/// reaches ``Configuration/failureRateThreshold`` or the slow-call rate reaches
/// ``Configuration/slowCallRateThreshold``, or after ``Configuration/consecutiveFailureThreshold``
/// failures in a row. Open, it rejects at once with a ``CircuitBreakerOpenError``. On the first
/// call after the open duration it turns half-open and admits exactly
/// ``Configuration/permittedCallsInHalfOpen`` probes: all succeed (and not too many slowly), it
/// closes with a fresh window; any fails, it opens again, for longer if
/// ``Configuration/openDurationMultiplier`` is above 1. Probes that hang are superseded after
/// another open duration. Every transition starts a new generation; outcomes of calls admitted in
/// an earlier generation never cause a transition.
///
/// Thread-safe: the state machine sits behind a mutex; state-change events are delivered after
/// it is released, in order.
///
/// ```swift
/// let breaker = CircuitBreaker(name: "inventory")
/// let stock = try await breaker.run { try await inventory.stock(of: "sku-42") }
///
/// // or by hand:
/// let permit = try breaker.acquirePermission()      // throws CircuitBreakerOpenError when open
/// do { try await work(); permit.record(.success) } catch { permit.record(.failure) }
/// ```
public final class CircuitBreaker: Sendable {
    /// The breaker's name, used in errors and events (for RPC: `service/method`).
    public let name: String
    /// The breaker's configuration.
    public let configuration: Configuration

    private struct Locked {
        var machine: CircuitBreakerStateMachine
        var subscribers: [UInt64: AsyncStream<StateChange>.Continuation] = [:]
        var nextSubscriberID: UInt64 = 0
        var pendingEvents: [StateChange] = []
        var isDelivering = false
    }

    private let locked: Mutex<Locked>
    private let time: ElapsedTime
    private let onStateChange: (@Sendable (StateChange) -> Void)?

    /// Where an admitted call stands: what ``Permit`` carries, without the allocation.
    struct Admitted {
        var generation: UInt64
        var isProbe: Bool
        var admittedAt: Duration?
    }

    /// Creates a closed breaker.
    ///
    /// - Parameters:
    ///   - name: Names the breaker in errors and events.
    ///   - configuration: Window, thresholds and durations; ``Configuration/default`` if omitted.
    ///   - clock: The clock for open durations and slow calls; inject a manual clock in tests.
    ///   - onStateChange: Called for every transition, in order, outside the breaker's lock:
    ///     usually on the thread whose call caused it, but while another thread is delivering
    ///     events, that thread delivers this one too (after its own), so a call such as `reset()`
    ///     may return before its event has been delivered. Keep it short (log, count, hand off).
    ///   - random: Returns a value in `0..<1` for ``Configuration/openDurationJitter`` (called
    ///     once per trip, only when the jitter is positive); inject a fixed sequence in tests.
    ///     Default: the system random number generator.
    public init(
        name: String,
        configuration: Configuration = .default,
        clock: any Clock<Duration> = ContinuousClock(),
        onStateChange: (@Sendable (StateChange) -> Void)? = nil,
        random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) }
    ) {
        self.name = name
        self.configuration = configuration
        self.time = ElapsedTime(clock)
        self.onStateChange = onStateChange
        self.locked = Mutex(Locked(machine: CircuitBreakerStateMachine(configuration: configuration, random: random)))
    }

    deinit {
        let subscribers = locked.withLock { $0.subscribers.values }
        for subscriber in subscribers { subscriber.finish() }
    }

    // MARK: Calls

    /// Asks to make one call. Returns a permit whose outcome must be recorded, or throws
    /// ``CircuitBreakerOpenError`` at once when the breaker rejects the call. The slow-call clock
    /// starts now. (The permit is a class, one heap allocation; ``run(isolation:classify:_:)``
    /// needs none.)
    public func acquirePermission() throws(CircuitBreakerOpenError) -> Permit {
        let admitted = try admit()
        return Permit(breaker: self, generation: admitted.generation, isProbe: admitted.isProbe, admittedAt: admitted.admittedAt)
    }

    /// Like ``acquirePermission()``, without the heap allocation: the permit is a non-copyable
    /// value that must be recorded (or dropped, which releases it) in the scope that holds it.
    public func acquireScopedPermission() throws(CircuitBreakerOpenError) -> ScopedPermit {
        let admitted = try admit()
        return ScopedPermit(breaker: self, generation: admitted.generation, isProbe: admitted.isProbe, admittedAt: admitted.admittedAt)
    }

    func admit() throws(CircuitBreakerOpenError) -> Admitted {
        // The clock is read only when needed: to time the call for the slow-call rule, or (in the
        // machine, under the lock) when the breaker is not closed.
        let admittedAt = configuration.slowCallDuration == nil ? nil : time.now()
        // Fast path: closed admits without changing anything but needs the generation.
        if let generation = locked.withLock({ $0.machine.closedGeneration }) {
            return Admitted(generation: generation, isProbe: false, admittedAt: admittedAt)
        }
        let (admission, deliver) = locked.withLock { locked in
            let (admission, transition) = locked.machine.acquire(at: admittedAt ?? self.time.now())
            return (admission, enqueue(transition, in: &locked))
        }
        if deliver { deliverEvents() }
        switch admission {
        case .admitted(let generation, let isProbe):
            return Admitted(generation: generation, isProbe: isProbe, admittedAt: admittedAt)
        case .rejected(let rejection):
            throw rejectionError(rejection)
        }
    }

    private func rejectionError(_ rejection: CircuitBreakerStateMachine.Rejection) -> CircuitBreakerOpenError {
        CircuitBreakerOpenError(
            breakerName: name, state: rejection.state,
            failures: rejection.trip?.failures ?? 0, calls: rejection.trip?.calls ?? 0,
            trippedByProbe: rejection.trip?.duringHalfOpen ?? false,
            slowCalls: rejection.trip?.slowCalls ?? 0, rule: rejection.trip?.rule,
            retryAfter: rejection.retryAfter, probesInFlight: rejection.probesInFlight
        )
    }

    /// Records the outcome of the call `permit` was issued for; same as `permit.record(outcome)`.
    @discardableResult
    public func record(_ outcome: Outcome, for permit: Permit) -> Bool {
        permit.record(outcome)
    }

    /// Runs `operation` if the breaker admits it and records its outcome: a returned value is a
    /// success, a thrown error is classified by `classify` (by default a failure, except
    /// cancellation, which is ignored). Throws ``CircuitBreakerOpenError`` without running
    /// `operation` when the breaker rejects the call; otherwise rethrows the operation's error.
    ///
    /// ```swift
    /// let product = try await breaker.run(classify: { ($0 as? LookupError) == .notFound ? .success : .failure }) {
    ///     try await catalog.product(id: "sku-42")
    /// }
    /// ```
    public func run<T>(
        isolation: isolated (any Actor)? = #isolation,
        classify: (any Error) -> Outcome = CircuitBreaker.defaultErrorClassification,
        _ operation: () async throws -> T
    ) async throws -> T {
        // No Permit object here: the outcome is recorded on every path below, so nothing can be
        // dropped unrecorded, and the closed fast path allocates nothing.
        let admitted = try admit()
        do {
            let value = try await operation()
            complete(.success, generation: admitted.generation, admittedAt: admitted.admittedAt)
            return value
        } catch {
            complete(Task.isCancelled ? .ignored : classify(error), generation: admitted.generation, admittedAt: admitted.admittedAt)
            throw error
        }
    }

    /// The default classification for ``run(isolation:classify:_:)``: `CancellationError` and
    /// CANCELLED are ``Outcome/ignored``, anything else a ``Outcome/failure``.
    public static func defaultErrorClassification(_ error: any Error) -> Outcome {
        if error is CancellationError { return .ignored }
        if let error = error as? RPCError, error.code == .cancelled { return .ignored }
        return .failure
    }

    func complete(_ outcome: Outcome, generation: UInt64, admittedAt: Duration?) {
        let deliver = locked.withLock { locked in
            guard let transition = locked.machine.record(outcome, generation: generation, admittedAt: admittedAt, at: self.time.now())
            else { return false }
            return enqueue(transition, in: &locked)
        }
        if deliver { deliverEvents() }
    }

    // MARK: State

    /// The current state (open turns half-open lazily, on the next call after the open duration).
    public var state: State { locked.withLock { $0.machine.state } }

    /// A snapshot of the state and counters.
    public var metrics: Metrics {
        let now = time.now()
        return locked.withLock { $0.machine.metrics(at: now) }
    }

    /// Rejects every call, without a timer, until ``reset()`` or ``disable()``.
    public func forceOpen() {
        transition { $0.forceOpen(at: $1) }
    }

    /// Lets every call through without tripping until ``reset()`` or ``forceOpen()``.
    public func disable() {
        transition { $0.disable(at: $1) }
    }

    /// Closes the breaker with an empty window and the base open duration, in a new generation:
    /// outcomes of calls admitted before the reset no longer count.
    public func reset() {
        transition { $0.reset(at: $1) }
    }

    private func transition(_ body: (inout CircuitBreakerStateMachine, Duration) -> CircuitBreakerStateMachine.Transition?) {
        let now = time.now()
        let deliver = locked.withLock { locked in enqueue(body(&locked.machine, now), in: &locked) }
        if deliver { deliverEvents() }
    }

    // MARK: Events

    /// A stream of every state change from now on, in order. Each call makes a new subscriber;
    /// the stream ends when the breaker is deallocated.
    public func stateChanges() -> AsyncStream<StateChange> {
        let (stream, continuation) = AsyncStream.makeStream(of: StateChange.self)
        let id = locked.withLock { locked in
            locked.nextSubscriberID += 1
            locked.subscribers[locked.nextSubscriberID] = continuation
            return locked.nextSubscriberID
        }
        continuation.onTermination = { [weak self] _ in
            _ = self?.locked.withLock { $0.subscribers.removeValue(forKey: id) }
        }
        return stream
    }

    /// Queues the transition's event under the lock; returns whether the caller must deliver
    /// (no one else is delivering).
    private func enqueue(_ transition: CircuitBreakerStateMachine.Transition?, in locked: inout Locked) -> Bool {
        guard let transition else { return false }
        locked.pendingEvents.append(StateChange(
            breakerName: name, from: transition.from, to: transition.to,
            generation: transition.generation, reason: transition.reason
        ))
        guard !locked.isDelivering else { return false }
        locked.isDelivering = true
        return true
    }

    /// Delivers queued events outside the lock until none are left. Only one thread delivers at a
    /// time, so events arrive in the order the transitions happened, even when a callback calls
    /// back into the breaker.
    private func deliverEvents() {
        while true {
            let batch = locked.withLock { locked -> ([StateChange], [AsyncStream<StateChange>.Continuation])? in
                guard !locked.pendingEvents.isEmpty else {
                    locked.isDelivering = false
                    return nil
                }
                defer { locked.pendingEvents.removeAll() }
                return (locked.pendingEvents, Array(locked.subscribers.values))
            }
            guard let (events, subscribers) = batch else { return }
            for event in events {
                onStateChange?(event)
                for subscriber in subscribers { subscriber.yield(event) }
            }
        }
    }
}

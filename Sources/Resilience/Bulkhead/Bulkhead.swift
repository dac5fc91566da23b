import Synchronization

/// Limits how many calls run at once, so that one slow or failing callee cannot take every task,
/// connection or thread of its caller. Callers beyond the limit wait in a bounded FIFO queue for
/// at most ``Configuration/maxWait`` (zero: they fail at once); the rest are rejected with
/// ``BulkheadFullError`` (RESOURCE_EXHAUSTED for RPCs). The limit is fixed, or adaptive
/// (``Limit/aimd(initial:minimum:maximum:latencyTarget:backoffRatio:)``,
/// ``Limit/gradient(initial:minimum:maximum:smoothing:queueAllowance:backoffRatio:)``).
///
/// An engine with no RPC knowledge: usable around any `async` operation.
///
/// ```swift
/// let bulkhead = Bulkhead(name: "thumbnails", configuration: try .init(maxConcurrentCalls: 4, maxWait: .zero))
/// let image = try await bulkhead.run { try await render(photo) }
/// ```
///
/// Every admission is released exactly once: on success, on error, when the caller is cancelled
/// while running or while queued, when a queued caller times out, and when a grant races a
/// cancellation (the granted permit is handed back). So `available + inUse == limit` holds for a
/// fixed limit whenever the bulkhead is observed. Waiters are resumed outside the lock.
public final class Bulkhead: Sendable {
    /// The bulkhead's name, used in errors (for RPC: `service/method` or `service`).
    public let name: String
    /// The bulkhead's configuration.
    public let configuration: Configuration

    private struct Waiter {
        var continuation: CheckedContinuation<Duration, any Error>
        var timer: Task<Void, Never>?
    }

    private struct Locked {
        var machine: BulkheadStateMachine
        var waiters: [UInt64: Waiter] = [:]
        var nextID: UInt64 = 0
    }

    private let locked: Mutex<Locked>
    private let clock: any Clock<Duration>
    private let time: ElapsedTime
    /// Whether admissions need a timestamp (an adaptive limit measures round-trip times).
    private let measuresTime: Bool

    /// Creates a bulkhead with every permit free.
    ///
    /// - Parameters:
    ///   - name: Names the bulkhead in errors.
    ///   - configuration: Limit, queue and maximum wait; ``Configuration/default`` if omitted.
    ///   - clock: Times queued callers out and measures round-trip times for an adaptive limit;
    ///     inject a manual clock in tests.
    public init(name: String, configuration: Configuration = .default, clock: any Clock<Duration> = ContinuousClock()) {
        self.name = name
        self.configuration = configuration
        self.clock = clock
        self.time = ElapsedTime(clock)
        self.measuresTime = configuration.limit.isAdaptive
        self.locked = Mutex(Locked(machine: BulkheadStateMachine(
            limiter: BulkheadLimiter(configuration.limit),
            maxQueueLength: configuration.maxQueueLength,
            maxWait: configuration.maxWait
        )))
    }

    // MARK: Permits

    /// Takes a permit if one is free and nobody is waiting; never waits. `nil` otherwise.
    public func tryAcquire() -> Permit? {
        let now = measuresTime ? time.now() : .zero
        let admission = locked.withLock { $0.machine.tryAcquire() }
        guard case .admitted = admission else { return nil }
        return Permit(bulkhead: self, admittedAt: now)
    }

    /// Takes a permit, waiting in arrival order for at most ``Configuration/maxWait`` when all
    /// are in use. Throws ``BulkheadFullError`` when the queue is full or the wait ran out, and
    /// `CancellationError` when the task is cancelled while waiting (no permit is then held).
    @inline(__always)   // the uncontended case then costs callers in this module no async frame
    public func acquire() async throws -> Permit {
        if let permit = try acquireWithoutWaiting() { return permit }
        return try await acquireSlowly()
    }

    /// What ``acquire()`` does before it would wait, without an `async` call: a permit, a
    /// rejection (thrown), or `nil` when the caller must go on with ``acquireSlowly()``.
    func acquireWithoutWaiting() throws(BulkheadFullError) -> Permit? {
        let now = measuresTime ? time.now() : .zero
        let fast = locked.withLock { locked -> BulkheadStateMachine.Admission? in
            locked.machine.mustWait ? nil : locked.machine.tryAcquire()
        }
        switch fast {
        case .admitted?: return Permit(bulkhead: self, admittedAt: now)
        case .rejected(let reason)?: throw BulkheadFullError(bulkheadName: name, limit: limit, reason: reason)
        case .enqueued?, nil: return nil
        }
    }

    /// The rest of ``acquire()``: waits in the queue.
    func acquireSlowly() async throws -> Permit {
        let id = locked.withLock { locked in
            locked.nextID += 1
            return locked.nextID
        }
        let admittedAt = try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Duration, any Error>) in
                enum Action { case admitted(Duration), rejected(BulkheadFullError), cancelled, enqueued }
                let action = locked.withLock { locked -> Action in
                    // The cancelled flag is set before the handler runs, and both take the lock:
                    // either the handler finds the waiter, or this check sees the cancellation.
                    if Task.isCancelled { return .cancelled }
                    switch locked.machine.acquire(id: id) {
                    case .admitted:
                        return .admitted(measuresTime ? time.now() : .zero)
                    case .rejected(let reason):
                        return .rejected(BulkheadFullError(bulkheadName: name, limit: locked.machine.limit, reason: reason))
                    case .enqueued:
                        locked.waiters[id] = Waiter(continuation: continuation, timer: nil)
                        return .enqueued
                    }
                }
                switch action {
                case .admitted(let now): continuation.resume(returning: now)
                case .rejected(let error): continuation.resume(throwing: error)
                case .cancelled: continuation.resume(throwing: CancellationError())
                case .enqueued: startTimer(for: id)
                }
            }
        } onCancel: {
            let waiter = locked.withLock { locked -> Waiter? in
                guard locked.machine.cancel(id) else { return nil }
                return locked.waiters.removeValue(forKey: id)
            }
            waiter?.timer?.cancel()
            waiter?.continuation.resume(throwing: CancellationError())
        }
        let permit = Permit(bulkhead: self, admittedAt: admittedAt)
        if Task.isCancelled {
            // The grant raced the caller's cancellation: hand the permit back to the next waiter.
            permit.release(.ignored)
            throw CancellationError()
        }
        return permit
    }

    /// Starts the timer that rejects waiter `id` after `maxWait`, unless it has left the queue.
    private func startTimer(for id: UInt64) {
        let clock = self.clock
        let maxWait = configuration.maxWait
        let timer = Task { [weak self] in
            do {
                try await clock.sleep(for: maxWait)
            } catch {
                return
            }
            self?.expire(id)
        }
        let stored = locked.withLock { locked -> Bool in
            guard locked.waiters[id] != nil else { return false }
            locked.waiters[id]?.timer = timer
            return true
        }
        if !stored { timer.cancel() }
    }

    private func expire(_ id: UInt64) {
        let expired = locked.withLock { locked -> (Waiter, Int)? in
            guard locked.machine.expire(id), let waiter = locked.waiters.removeValue(forKey: id) else { return nil }
            return (waiter, locked.machine.limit)
        }
        guard let (waiter, limit) = expired else { return }
        waiter.continuation.resume(throwing: BulkheadFullError(
            bulkheadName: name, limit: limit, reason: .waitedTooLong(maxWait: configuration.maxWait)
        ))
    }

    func release(admittedAt: Duration, outcome: Outcome) {
        let now = measuresTime ? time.now() : .zero
        let granted = locked.withLock { locked -> [Waiter] in
            let ids = locked.machine.release(admittedAt: admittedAt, outcome: outcome, at: now)
            if ids.isEmpty { return [] }
            return ids.compactMap { locked.waiters.removeValue(forKey: $0) }
        }
        for waiter in granted {
            waiter.timer?.cancel()
            waiter.continuation.resume(returning: now)
        }
    }

    /// Runs `operation` with a permit, waiting for one as ``acquire()`` does, and releases the
    /// permit when it returns or throws (``Outcome/ignored`` if the task was cancelled, else
    /// ``Outcome/success`` or ``Outcome/failure``). Throws ``BulkheadFullError`` without running
    /// `operation` when rejected; otherwise rethrows the operation's error.
    public func run<T>(
        isolation: isolated (any Actor)? = #isolation,
        _ operation: () async throws -> T
    ) async throws -> T {
        let permit = try await acquire()
        do {
            let value = try await operation()
            permit.release(.success)
            return value
        } catch {
            permit.release(Task.isCancelled || error is CancellationError ? .ignored : .failure)
            throw error
        }
    }

    // MARK: State

    /// The concurrency limit now (it moves for an adaptive limit).
    public var limit: Int { locked.withLock { $0.machine.limit } }

    /// A snapshot of permits, queue and counters.
    public var metrics: Metrics {
        locked.withLock { locked in
            let m = locked.machine
            return Metrics(
                limit: m.limit, inUse: m.inUse, available: m.available, queued: m.queued,
                admittedCalls: m.admittedCalls, rejectedQueueFull: m.rejectedQueueFull,
                rejectedTimedOut: m.rejectedTimedOut, cancelledWhileQueued: m.cancelledWhileQueued
            )
        }
    }
}

import Synchronization

/// A clock that moves only when told to: for deterministic tests of anything that takes an
/// `any Clock<Duration>` (circuit breaker open durations, cache ages, backoff, timeouts).
///
/// `sleep(until:)` suspends until ``advance(by:)`` or ``advance(to:)`` moves the clock to or past
/// the deadline, or until the sleeping task is cancelled (it then throws `CancellationError`).
/// Sleepers are resumed in deadline order, outside the clock's lock.
///
/// ```swift
/// let clock = ManualClock()
/// let sleeper = Task { try await clock.sleep(for: .seconds(5)) }
/// await clock.waitForSleepers(count: 1)   // the task is now suspended in sleep
/// clock.advance(by: .seconds(5))          // ... and now resumed
/// try await sleeper.value
/// ```
public final class ManualClock: Clock, Sendable {
    public typealias Duration = Swift.Duration

    private struct Sleeper {
        var deadline: Instant
        var sequence: UInt64
        var continuation: CheckedContinuation<Void, any Error>
    }

    private struct Waiter {
        var count: Int
        var continuation: CheckedContinuation<Void, Never>
    }

    private struct State {
        var now: Instant
        var nextID: UInt64 = 0
        var sleepers: [UInt64: Sleeper] = [:]
        var waiters: [UInt64: Waiter] = [:]

        mutating func makeID() -> UInt64 {
            nextID += 1
            return nextID
        }

        /// Removes and returns the waiters whose sleeper count has been reached.
        mutating func satisfiedWaiters() -> [CheckedContinuation<Void, Never>] {
            let ready = waiters.filter { $0.value.count <= sleepers.count }
            for id in ready.keys { waiters[id] = nil }
            return ready.values.map(\.continuation)
        }
    }

    private let state: Mutex<State>

    /// Creates a clock that reads `now` (by default its zero) until advanced.
    public init(now: Instant = .zero) {
        state = Mutex(State(now: now))
    }

    /// The current instant; changes only through ``advance(by:)`` and ``advance(to:)``.
    public var now: Instant { state.withLock { $0.now } }

    /// Zero: a manual clock has no granularity.
    public var minimumResolution: Duration { .zero }

    /// The number of tasks suspended in ``sleep(until:tolerance:)``.
    public var sleeperCount: Int { state.withLock { $0.sleepers.count } }

    /// Suspends until the clock is advanced to or past `deadline`; returns at once if it already
    /// is. Throws `CancellationError` if the task is cancelled first.
    public func sleep(until deadline: Instant, tolerance: Duration? = nil) async throws {
        let id = state.withLock { $0.makeID() }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                enum Action { case resume, cancel, wait([CheckedContinuation<Void, Never>]) }
                let action = state.withLock { state -> Action in
                    // The cancelled flag is set before the handler runs, and both take the lock:
                    // either the handler finds the sleeper, or this check sees the cancellation.
                    if Task.isCancelled { return .cancel }
                    if deadline <= state.now { return .resume }
                    state.sleepers[id] = Sleeper(deadline: deadline, sequence: id, continuation: continuation)
                    return .wait(state.satisfiedWaiters())
                }
                switch action {
                case .resume: continuation.resume()
                case .cancel: continuation.resume(throwing: CancellationError())
                case .wait(let waiters): for waiter in waiters { waiter.resume() }
                }
            }
        } onCancel: {
            let sleeper = state.withLock { $0.sleepers.removeValue(forKey: id) }
            sleeper?.continuation.resume(throwing: CancellationError())
        }
    }

    /// Moves the clock forward by `duration` and resumes every sleeper whose deadline has come.
    /// `duration` must not be negative: time does not go back.
    public func advance(by duration: Duration) {
        precondition(duration >= .zero, "ManualClock cannot go back in time (advance(by: \(duration)))")
        let target = state.withLock { $0.now.advanced(by: duration) }
        advance(to: target)
    }

    /// Moves the clock to `instant` (if it is later than now) and resumes every sleeper whose
    /// deadline has come, earliest deadline first.
    public func advance(to instant: Instant) {
        let due = state.withLock { state -> [Sleeper] in
            if instant > state.now { state.now = instant }
            let due = state.sleepers.values.filter { $0.deadline <= state.now }
            for sleeper in due { state.sleepers[sleeper.sequence] = nil }
            return due.sorted { ($0.deadline, $0.sequence) < ($1.deadline, $1.sequence) }
        }
        for sleeper in due { sleeper.continuation.resume() }
    }

    /// Suspends until at least `count` tasks are suspended in ``sleep(until:tolerance:)``, so
    /// that a test can advance the clock knowing the code under test is waiting on it.
    /// Returns early if the waiting task is cancelled.
    public func waitForSleepers(count: Int) async {
        let id = state.withLock { $0.makeID() }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let ready = state.withLock { state -> Bool in
                    if Task.isCancelled || state.sleepers.count >= count { return true }
                    state.waiters[id] = Waiter(count: count, continuation: continuation)
                    return false
                }
                if ready { continuation.resume() }
            }
        } onCancel: {
            let waiter = state.withLock { $0.waiters.removeValue(forKey: id) }
            waiter?.continuation.resume()
        }
    }
}

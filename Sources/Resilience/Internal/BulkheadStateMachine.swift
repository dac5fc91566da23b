/// The bulkhead's logic as a pure value: permits in use, the FIFO wait queue and the (possibly
/// adaptive) limit. Every method takes `now` (time elapsed on the bulkhead's clock) and returns
/// what the caller must do; the caller holds the lock and resumes waiters outside it.
///
/// Waiters are identified by ids the caller chooses. A waiter leaves the queue exactly once: by a
/// grant (``release(admittedAt:outcome:at:)`` or a raised limit), by ``expire(_:)`` or by
/// ``cancel(_:)``; the later calls for the same id find nothing and return `false` / no grant.
package struct BulkheadStateMachine: Sendable {
    package enum Admission: Sendable, Hashable {
        /// A permit was taken at once.
        case admitted
        /// No permit is free and the caller may wait: it is queued under its id.
        case enqueued
        /// No permit is free and the caller may not wait.
        case rejected(BulkheadFullError.Reason)
    }

    package let maxQueueLength: Int
    package let maxWait: Duration
    package private(set) var limiter: BulkheadLimiter
    package private(set) var inUse = 0
    /// Queued waiter ids, oldest first from `head`.
    private var queue: [UInt64] = []
    private var head = 0
    package private(set) var queued = 0

    package private(set) var admittedCalls = 0
    package private(set) var rejectedQueueFull = 0
    package private(set) var rejectedTimedOut = 0
    package private(set) var cancelledWhileQueued = 0

    package init(limiter: BulkheadLimiter, maxQueueLength: Int, maxWait: Duration) {
        self.limiter = limiter
        self.maxQueueLength = maxQueueLength
        self.maxWait = maxWait
    }

    package var limit: Int { limiter.limit }
    /// Permits free now: `limit - inUse`, never negative (an adaptive limit may fall below the
    /// permits in use; they drain as calls end).
    package var available: Int { max(0, limiter.limit - inUse) }

    /// Whether a caller would have to queue: no permit free, or earlier callers waiting (FIFO:
    /// a newcomer never overtakes them).
    package var mustWait: Bool { queued > 0 || inUse >= limiter.limit }

    /// Takes a permit if one is free and nobody waits; never queues.
    package mutating func tryAcquire() -> Admission {
        if !mustWait {
            inUse += 1
            admittedCalls += 1
            return .admitted
        }
        return rejection()
    }

    /// Takes a permit, or queues `id` when waiting is allowed and the queue has room.
    package mutating func acquire(id: UInt64) -> Admission {
        if !mustWait {
            inUse += 1
            admittedCalls += 1
            return .admitted
        }
        guard maxWait > .zero, queued < maxQueueLength else { return rejection() }
        queue.append(id)
        queued += 1
        return .enqueued
    }

    private mutating func rejection() -> Admission {
        rejectedQueueFull += 1
        return .rejected(.full(queued: queued, maxQueueLength: maxWait > .zero ? maxQueueLength : 0))
    }

    /// Returns a permit admitted at `admittedAt`, feeds the adaptive limit, and grants permits to
    /// the oldest waiters while any are free. Returns the granted ids, oldest first.
    package mutating func release(admittedAt: Duration, outcome: Bulkhead.Outcome, at now: Duration) -> [UInt64] {
        precondition(inUse > 0, "a bulkhead permit was released more often than acquired")
        limiter.record(rtt: now - admittedAt, inFlight: inUse, outcome: outcome)
        inUse -= 1
        return grantWaiters()
    }

    /// Grants permits to the oldest waiters while permits are free.
    private mutating func grantWaiters() -> [UInt64] {
        guard queued > 0, inUse < limiter.limit else { return [] }
        var granted: [UInt64] = []
        while queued > 0, inUse < limiter.limit {
            let id = queue[head]
            head += 1
            queued -= 1
            inUse += 1
            admittedCalls += 1
            granted.append(id)
        }
        compact()
        return granted
    }

    /// Removes waiter `id` because it waited `maxWait`; `false` if it is no longer queued.
    package mutating func expire(_ id: UInt64) -> Bool {
        guard remove(id) else { return false }
        rejectedTimedOut += 1
        return true
    }

    /// Removes waiter `id` because its task was cancelled; `false` if it is no longer queued.
    package mutating func cancel(_ id: UInt64) -> Bool {
        guard remove(id) else { return false }
        cancelledWhileQueued += 1
        return true
    }

    private mutating func remove(_ id: UInt64) -> Bool {
        // The queue is bounded by maxQueueLength, so a linear search is cheap.
        guard let index = queue[head...].firstIndex(of: id) else { return false }
        queue.remove(at: index)
        queued -= 1
        compact()
        return true
    }

    private mutating func compact() {
        if queued == 0 {
            queue.removeAll(keepingCapacity: true)
            head = 0
        } else if head >= 32, head * 2 >= queue.count {
            queue.removeFirst(head)
            head = 0
        }
    }
}

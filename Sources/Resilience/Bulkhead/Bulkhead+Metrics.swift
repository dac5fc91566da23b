extension Bulkhead {
    /// A snapshot of a bulkhead's permits, queue and counters.
    public struct Metrics: Sendable, Hashable, CustomStringConvertible {
        /// The concurrency limit now (moves for an adaptive limit).
        public var limit: Int
        /// Permits held by running calls.
        public var inUse: Int
        /// Permits free: `limit - inUse`, never negative. With a fixed limit
        /// `available + inUse == limit` always; an adaptive limit may briefly fall below `inUse`.
        public var available: Int
        /// Callers waiting for a permit.
        public var queued: Int
        /// Calls admitted so far, at once or after waiting.
        public var admittedCalls: Int
        /// Calls rejected because no permit was free and they could not queue.
        public var rejectedQueueFull: Int
        /// Calls rejected after waiting `maxWait`.
        public var rejectedTimedOut: Int
        /// Callers whose task was cancelled while they waited. (A caller already cancelled when
        /// it would have to wait is turned away with `CancellationError` and counted nowhere; one
        /// that finds a free permit gets it.)
        public var cancelledWhileQueued: Int

        public var description: String {
            "limit \(limit), in use \(inUse), available \(available), queued \(queued); admitted \(admittedCalls), "
                + "rejected \(rejectedQueueFull) (full) + \(rejectedTimedOut) (waited too long), "
                + "cancelled while queued \(cancelledWhileQueued)"
        }
    }
}

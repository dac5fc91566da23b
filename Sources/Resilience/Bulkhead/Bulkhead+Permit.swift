extension Bulkhead {
    /// One admission to a bulkhead, from ``Bulkhead/acquire()`` or ``Bulkhead/tryAcquire()``.
    /// Release it exactly once, when the work it guards has really ended; ``Bulkhead/run(isolation:_:)``
    /// and the interceptors do that for you. A plain value (no allocation), so it cannot tell
    /// a second release from the first: releasing twice is a programming error that frees a
    /// permit another caller holds (and traps when no permit is in use).
    ///
    /// ```swift
    /// let permit = try await bulkhead.acquire()
    /// defer { permit.release() }
    /// try await work()
    /// ```
    public struct Permit: Sendable {
        /// The bulkhead the permit belongs to.
        public let bulkhead: Bulkhead
        /// When it was admitted, as time elapsed on the bulkhead's clock (zero for a fixed limit,
        /// which never reads the clock).
        let admittedAt: Duration

        init(bulkhead: Bulkhead, admittedAt: Duration) {
            self.bulkhead = bulkhead
            self.admittedAt = admittedAt
        }

        /// Returns the permit, telling an adaptive limit how the call went (default
        /// ``Outcome/success``); the oldest waiter, if any, gets it.
        public func release(_ outcome: Outcome = .success) {
            bulkhead.release(admittedAt: admittedAt, outcome: outcome)
        }
    }
}

import Synchronization

extension CircuitBreaker {
    /// Permission for one call, from ``CircuitBreaker/acquirePermission()``. Record its outcome
    /// exactly once; later records are ignored. A permit dropped unrecorded is released as
    /// ``Outcome/ignored``, so a forgotten permit never wedges a half-open breaker. When
    /// ``Configuration/slowCallDuration`` is set, the call is timed from admission to the record.
    /// Being a class, it costs one heap allocation; ``ScopedPermit`` does not.
    ///
    /// ```swift
    /// let permit = try breaker.acquirePermission()
    /// let ok = await doTheCall()
    /// permit.record(ok ? .success : .failure)
    /// ```
    public final class Permit: Sendable {
        /// The generation (state epoch) the call was admitted in. If the breaker has moved on by
        /// the time the outcome arrives, it counts in the statistics but changes no state.
        public let generation: UInt64
        /// Whether the call was admitted as a half-open probe.
        public let isProbe: Bool
        /// When the call was admitted, as time elapsed on the breaker's clock since the breaker
        /// was made: the start of the slow-call measurement. `nil` when calls are not timed
        /// (``Configuration/slowCallDuration`` is `nil`).
        public let admittedAt: Duration?

        private let breaker: CircuitBreaker
        private let recorded = Atomic<Bool>(false)

        init(breaker: CircuitBreaker, generation: UInt64, isProbe: Bool, admittedAt: Duration?) {
            self.breaker = breaker
            self.generation = generation
            self.isProbe = isProbe
            self.admittedAt = admittedAt
        }

        /// Records the call's outcome. Returns `false` (and does nothing) if one was recorded already.
        @discardableResult
        public func record(_ outcome: Outcome) -> Bool {
            guard recorded.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing).exchanged
            else { return false }
            breaker.complete(outcome, generation: generation, admittedAt: admittedAt)
            return true
        }

        /// Whether an outcome has been recorded.
        public var isRecorded: Bool { recorded.load(ordering: .acquiring) }

        deinit {
            if !recorded.load(ordering: .acquiring) {
                breaker.complete(.ignored, generation: generation, admittedAt: admittedAt)
            }
        }
    }
}

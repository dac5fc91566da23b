import Synchronization

extension CircuitBreaker {
    /// Permission for one call, from ``CircuitBreaker/acquirePermission()``. Record its outcome
    /// exactly once; later records are ignored. A permit dropped unrecorded is released as
    /// ``Outcome/ignored``, so a forgotten permit never wedges a half-open breaker.
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

        private let breaker: CircuitBreaker
        private let recorded = Atomic<Bool>(false)

        init(breaker: CircuitBreaker, generation: UInt64, isProbe: Bool) {
            self.breaker = breaker
            self.generation = generation
            self.isProbe = isProbe
        }

        /// Records the call's outcome. Returns `false` (and does nothing) if one was recorded already.
        @discardableResult
        public func record(_ outcome: Outcome) -> Bool {
            guard recorded.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing).exchanged
            else { return false }
            breaker.complete(outcome, generation: generation)
            return true
        }

        /// Whether an outcome has been recorded.
        public var isRecorded: Bool { recorded.load(ordering: .acquiring) }

        deinit {
            if !recorded.load(ordering: .acquiring) {
                breaker.complete(.ignored, generation: generation)
            }
        }
    }
}

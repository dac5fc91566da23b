extension CircuitBreaker {
    /// Permission for one call without a heap allocation, from
    /// ``CircuitBreaker/acquireScopedPermission()``: a non-copyable value, so its outcome can be
    /// recorded only once (``record(_:)`` consumes it), and one that goes out of scope unrecorded
    /// is released as ``Outcome/ignored``, like a dropped ``Permit``.
    ///
    /// Use it where the call starts and ends in one scope; a ``Permit`` (a class) is for outcomes
    /// that arrive in an escaping closure, such as a response stream's end.
    ///
    /// ```swift
    /// let permit = try breaker.acquireScopedPermission()
    /// let ok = await doTheCall()
    /// permit.record(ok ? .success : .failure)
    /// ```
    public struct ScopedPermit: ~Copyable, Sendable {
        /// The generation (state epoch) the call was admitted in.
        public let generation: UInt64
        /// Whether the call was admitted as a half-open probe.
        public let isProbe: Bool
        /// When the call was admitted (breaker time), or `nil` when calls are not timed.
        public let admittedAt: Duration?

        private let breaker: CircuitBreaker
        private var recorded = false

        init(breaker: CircuitBreaker, generation: UInt64, isProbe: Bool, admittedAt: Duration?) {
            self.breaker = breaker
            self.generation = generation
            self.isProbe = isProbe
            self.admittedAt = admittedAt
        }

        /// Records the call's outcome, consuming the permit.
        public consuming func record(_ outcome: Outcome) {
            recorded = true
            breaker.complete(outcome, generation: generation, admittedAt: admittedAt)
        }

        deinit {
            if !recorded { breaker.complete(.ignored, generation: generation, admittedAt: admittedAt) }
        }
    }
}

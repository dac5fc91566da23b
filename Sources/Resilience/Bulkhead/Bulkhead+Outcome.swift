extension Bulkhead {
    /// How a call that held a permit ended, for an adaptive limit. A fixed limit ignores it.
    public enum Outcome: Sendable, Hashable {
        /// The callee answered: the round-trip time is a sample of its latency.
        case success
        /// The callee was overloaded (a timeout, UNAVAILABLE, RESOURCE_EXHAUSTED): the limit backs off.
        case failure
        /// Says nothing about the callee (the caller cancelled): the permit is returned unrecorded.
        case ignored
    }
}

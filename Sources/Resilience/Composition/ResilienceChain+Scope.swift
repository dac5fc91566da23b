extension ResilienceChain {
    /// What one circuit breaker and one bulkhead of a chain cover.
    public enum Scope: Sendable, Hashable {
        /// One per method, named `service/method`.
        case method
        /// One per service, named `service`.
        case service
    }
}

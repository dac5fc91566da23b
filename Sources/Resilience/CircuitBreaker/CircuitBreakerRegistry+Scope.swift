extension CircuitBreakerRegistry {
    /// What one breaker covers.
    public enum Scope: Sendable, Hashable {
        /// One breaker per method, named `service/method`.
        case method
        /// One breaker per service, named `service`.
        case service
    }
}

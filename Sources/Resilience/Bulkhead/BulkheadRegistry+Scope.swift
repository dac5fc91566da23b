extension BulkheadRegistry {
    /// What one bulkhead covers.
    public enum Scope: Sendable, Hashable {
        /// One bulkhead per method, named `service/method`.
        case method
        /// One bulkhead per service, named `service`: its methods share the limit.
        case service
    }
}

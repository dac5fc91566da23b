extension RetryInterceptor {
    /// The engine's two modes (gRFC A6 allows one per method).
    public enum Mode: Sendable, Hashable {
        /// Send again after a retryable failure, one attempt at a time.
        case retry(RetryPolicy)
        /// Send copies a delay apart, keep the first good answer, cancel the rest.
        case hedging(HedgingPolicy)
    }
}

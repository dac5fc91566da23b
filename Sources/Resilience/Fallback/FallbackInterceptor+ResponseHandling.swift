extension FallbackInterceptor {
    /// How much of the response the interceptor waits for before deciding.
    public enum ResponseHandling: Sendable, Hashable {
        /// Reads the whole response before returning it, so that a failure at the end is seen
        /// (and a good response can be cached). For unary calls.
        case buffered
        /// Passes the body through; only failures before the headers get a fallback, and
        /// nothing is cached. For streaming calls.
        case streamed
    }
}

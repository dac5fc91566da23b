extension FallbackInterceptor {
    /// How much of the response the interceptor waits for before deciding.
    public enum ResponseHandling: Sendable, Hashable {
        /// Reads the whole response before returning it, so that a failure at the end is seen
        /// (and a good response can be cached). For unary calls. Not for interactive
        /// bidirectional streams: a caller that waits for each answer before sending the next
        /// request would wait for ever (until its deadline), since nothing is returned before the
        /// response ends. Wrap the fallback in ``ConditionalInterceptor`` for the unary methods,
        /// or use ``streamed`` for streaming ones.
        case buffered
        /// Passes the body through; only failures before the headers get a fallback, and
        /// nothing is cached. For streaming calls. (The ``Strategy/lastGoodResponse(maxAge:maxEntries:varyingOn:otherwise:)``
        /// strategy keys its cache on the request bytes, so it reads the whole request stream
        /// first: use ``Strategy/fixed(message:metadata:trailers:)`` or a custom strategy for
        /// interactive bidirectional streams.)
        case streamed
    }
}

extension FallbackInterceptor {
    /// How much of the response the interceptor waits for before deciding.
    public enum ResponseHandling: Sendable, Hashable {
        /// ``buffered`` for unary calls (`RPCClient.unary` and generated unary methods),
        /// ``streamed`` for every other call shape. The default: one fallback serves a client's
        /// unary and streaming methods alike.
        case automatic
        /// Reads the whole response before returning it, so that a failure at the end is seen
        /// (and a good response can be cached), for every call shape. Not for interactive
        /// bidirectional streams: a caller that waits for each answer before sending the next
        /// request would wait for ever (until its deadline), since nothing is returned before the
        /// response ends; ``automatic`` buffers unary calls only.
        case buffered
        /// Passes the body through; only failures before the headers get a fallback, and
        /// nothing is cached (so the request is not read ahead to key a cache). For streaming calls.
        case streamed
    }
}

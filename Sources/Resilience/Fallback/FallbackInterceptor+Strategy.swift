import RPCCore

extension FallbackInterceptor {
    /// Where the substitute response comes from.
    ///
    /// ```swift
    /// // A fixed default message:
    /// let fixed = FallbackInterceptor.Strategy.fixed(message: emptyProductList)
    /// // The last good response to an equal request, up to a minute old, else the default:
    /// let cached = try FallbackInterceptor.Strategy.lastGoodResponse(maxAge: .seconds(60), otherwise: fixed)
    /// // Computed from the error:
    /// let custom = FallbackInterceptor.Strategy.custom { error, context in
    ///     ClientResponse(message: try encode(Product.placeholder))
    /// }
    /// ```
    public struct Strategy: Sendable {
        indirect enum Kind: Sendable {
            case fixed(message: [UInt8], metadata: Metadata, trailers: Metadata)
            case cache(LastGoodResponseCache, otherwise: Strategy?)
            case custom(@Sendable (RPCError, ClientContext) async throws -> ClientResponse<[UInt8]>)
        }

        let kind: Kind

        /// Always answers with `message` (and `metadata`, `trailers`). Marked `x-fallback: default`.
        public static func fixed(message: [UInt8], metadata: Metadata = [:], trailers: Metadata = [:]) -> Strategy {
            Strategy(kind: .fixed(message: message, metadata: metadata, trailers: trailers))
        }

        /// Answers with the last successful response to an equal request: same method, same
        /// request message bytes and same values for `varyingOn` metadata keys (list keys such
        /// as `authorization` so one user never gets another's cached response). Marked
        /// `x-fallback: cache` and `x-fallback-age-ms`. On a miss, uses `otherwise`, or lets the
        /// original error through.
        ///
        /// To build the key, the interceptor reads the request producer before sending (and then
        /// sends what it read): fine for unary and server-streaming calls, not for client or bidi
        /// streams whose producer waits on responses.
        ///
        /// - Parameters:
        ///   - maxAge: Older entries are not served. Default 5 minutes. Must be positive.
        ///   - maxEntries: The oldest entries are evicted beyond this. Default 1000. At least 1.
        public static func lastGoodResponse(
            maxAge: Duration = .seconds(300),
            maxEntries: Int = 1000,
            varyingOn metadataKeys: [String] = [],
            otherwise: Strategy? = nil
        ) throws(ConfigurationError) -> Strategy {
            var validator = ConfigurationValidator("FallbackInterceptor.Strategy.lastGoodResponse")
            validator.check(maxAge > .zero, "maxAge", maxAge, "positive")
            validator.check(maxEntries >= 1, "maxEntries", maxEntries, "at least 1")
            try validator.finish()
            let cache = LastGoodResponseCache(maxAge: maxAge, maxEntries: maxEntries, varyingMetadataKeys: metadataKeys)
            return Strategy(kind: .cache(cache, otherwise: otherwise))
        }

        /// Calls `body` with the failure and the call's context; it returns the substitute
        /// (marked `x-fallback: custom`) or throws, in which case the caller gets the original
        /// error with the thrown one as its cause.
        public static func custom(
            _ body: @escaping @Sendable (RPCError, ClientContext) async throws -> ClientResponse<[UInt8]>
        ) -> Strategy {
            Strategy(kind: .custom(body))
        }

        /// Every cache in this strategy and its `otherwise` chain.
        var caches: [LastGoodResponseCache] {
            switch kind {
            case .fixed, .custom: []
            case .cache(let cache, let otherwise): [cache] + (otherwise?.caches ?? [])
            }
        }
    }
}

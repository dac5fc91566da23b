import RPCCore

/// Answers chosen failures with a substitute response: a fixed default, the last good response
/// to an equal request, or one computed by a closure. The substitute's initial metadata says
/// where it came from, `x-fallback: default`, `cache` or `custom`, so callers can tell, and
/// `x-fallback-cause` says what it replaces (`circuit-open`, `bulkhead-full`, or a status code
/// such as `UNAVAILABLE` or `DEADLINE_EXCEEDED`).
///
/// To see a failure that arrives with the trailers, the interceptor buffers the whole response
/// of a unary call (``ResponseHandling/automatic``, the default; ``ResponseHandling/buffered``
/// buffers every call). Other calls, and every call with ``ResponseHandling/streamed``, pass
/// the body through untouched: only failures before the response headers (an open circuit, a
/// refused connection, a Trailers-Only error) get a fallback.
///
/// The caller's own cancellation never gets a fallback. When the fallback itself fails, the call
/// fails with the original error, whose `cause` is then the fallback's error. With no fallback
/// available (a cache miss without `otherwise`), the original error passes through unchanged.
///
/// Place it outermost (see README.md, "Order of interceptors"), so that it also answers an open circuit and
/// a retry that gave up. Inside a circuit breaker, its substitutes would count as successes and
/// hide the outage from the breaker; inside a retry, every attempt would succeed at once with a
/// substitute and nothing would be retried.
///
/// ```swift
/// let client = RPCClient(transport: transport, interceptors: [
///     FallbackInterceptor(
///         triggers: [.circuitOpen, .status(.unavailable)],
///         strategy: try .lastGoodResponse(maxAge: .seconds(60), otherwise: .fixed(message: defaultBytes))
///     ),
///     CircuitBreakerInterceptor(registry: CircuitBreakerRegistry()),
/// ])
/// let response = try await client.unary(request: ClientRequest(message: bytes), descriptor: getProduct)
/// response.metadata.firstString(forKey: "x-fallback")   // nil, "cache" or "default"
/// ```
public struct FallbackInterceptor: ClientInterceptor, ChainedClientInterceptor {
    /// The metadata key that marks a substitute response.
    public static let metadataKey = "x-fallback"
    /// The metadata key with a cached response's age in whole milliseconds.
    public static let ageMetadataKey = "x-fallback-age-ms"
    /// The metadata key that says which failure the substitute replaces: ``circuitOpenCause``
    /// for a circuit breaker's rejection, ``bulkheadFullCause`` for a bulkhead's, else the
    /// status code's name, e.g. `UNAVAILABLE`.
    public static let causeMetadataKey = "x-fallback-cause"
    /// The ``causeMetadataKey`` value for a call rejected by an open circuit breaker.
    public static let circuitOpenCause = "circuit-open"
    /// The ``causeMetadataKey`` value for a call rejected by a full bulkhead.
    public static let bulkheadFullCause = "bulkhead-full"

    /// The failures that get a fallback.
    public let triggers: Set<Trigger>
    /// Where the substitute comes from.
    public let strategy: Strategy
    /// Which calls' responses are buffered (see ``ResponseHandling``).
    public let responseHandling: ResponseHandling
    private let time: ElapsedTime

    /// Creates a fallback.
    ///
    /// - Parameters:
    ///   - triggers: The failures answered; ``Trigger/defaults`` if omitted.
    ///   - strategy: The substitute's source.
    ///   - responseHandling: ``ResponseHandling/automatic`` (the default: buffered for unary
    ///     calls, streamed for the others), `.buffered` or `.streamed`.
    ///   - clock: Ages cached responses; inject a manual clock in tests.
    public init(
        triggers: Set<Trigger> = Trigger.defaults,
        strategy: Strategy,
        responseHandling: ResponseHandling = .automatic,
        clock: any Clock<Duration> = ContinuousClock()
    ) {
        self.triggers = triggers
        self.strategy = strategy
        self.responseHandling = responseHandling
        self.time = ElapsedTime(clock)
    }

    public func intercept(
        request: StreamingClientRequest,
        context: ClientContext,
        next: @Sendable (StreamingClientRequest, ClientContext) async throws -> StreamingClientResponse
    ) async throws -> StreamingClientResponse {
        try await interceptWithClosure(request: request, context: context, next: next)
    }

    @usableFromInline
    package func intercept(request: StreamingClientRequest, context: ClientContext, next: ClientNext) async throws -> StreamingClientResponse {
        var request = request
        let buffers = switch responseHandling {
        case .buffered: true
        case .streamed: false
        case .automatic: context.isUnaryCall
        }
        let caches = buffers ? strategy.caches : []
        var cacheKey: LastGoodResponseCache.Key?
        if let first = caches.first {
            if let message = request.singleMessage {
                cacheKey = first.key(method: context.descriptor.path, metadata: request.metadata, messages: [message])
            } else {
                // Read the request once to key the cache, then send what was read; a producer
                // that fails is not run a second time: the call fails with its error.
                let messages: [[UInt8]]
                do {
                    messages = try await Self.collect(request.producer)
                } catch {
                    return StreamingClientResponse(error: RPCError(from: error))
                }
                cacheKey = first.key(method: context.descriptor.path, metadata: request.metadata, messages: messages)
                request.producer = { writer in try await writer.write(contentsOf: messages) }
            }
        }

        let response: StreamingClientResponse
        do {
            response = try await next(request, context)
        } catch {
            return await answer(RPCError(from: error), context: context, key: cacheKey)
        }

        let contents: StreamingClientResponse.Contents
        switch response.accepted {
        case .failure(let error):
            return await answer(error, context: context, key: cacheKey)
        case .success(let accepted):
            contents = accepted
        }
        guard buffers else { return response }

        var parts: [ResponsePart] = []
        do {
            if let inMemory = contents.bodyParts.elementsInMemory {
                // A body already held in an array (a prebuilt response) is read to its end, so
                // that the layers inside see it end, and kept as it is: no copy to allocate.
                for try await _ in contents.bodyParts {}
                parts = inMemory
            } else {
                parts.reserveCapacity(2)   // a unary body: one message, then the trailers
                for try await part in contents.bodyParts { parts.append(part) }
            }
        } catch {
            let error = RPCError(from: error)
            if shouldAnswer(error) { return await answer(error, context: context, key: cacheKey) }
            return StreamingClientResponse(accepted: .success(.init(
                metadata: contents.metadata, bodyParts: Self.replay(parts, thenThrow: error)
            )))
        }
        if let cacheKey {
            let now = time.now()
            for cache in caches { cache.store(cacheKey, metadata: contents.metadata, parts: parts, at: now) }
        }
        return StreamingClientResponse(accepted: .success(.init(
            metadata: contents.metadata, bodyParts: Self.replay(parts, thenThrow: nil)
        )))
    }

    private func shouldAnswer(_ error: RPCError) -> Bool {
        if Task.isCancelled { return false }
        return triggers.contains { $0.matches(error) }
    }

    /// The fallback response for `error`, or `error` itself when no trigger matches or no
    /// substitute is available.
    private func answer(_ error: RPCError, context: ClientContext, key: LastGoodResponseCache.Key?) async -> StreamingClientResponse {
        guard shouldAnswer(error) else { return StreamingClientResponse(error: error) }
        do {
            let substitute = try await substitute(from: strategy, for: error, context: context, key: key)
            // A caller cancelled while the fallback ran gets CANCELLED, not a substitute.
            if Task.isCancelled { return Self.cancelled(context, error) }
            if var response = substitute {
                let cause = Self.causeDescription(error)
                if case .success(var contents) = response.accepted {
                    contents.metadata.replaceOrAddString(cause, forKey: Self.causeMetadataKey)
                    response.accepted = .success(contents)
                }
                return response
            }
            return StreamingClientResponse(error: error)
        } catch let fallbackError {
            if Task.isCancelled { return Self.cancelled(context, error) }
            var surfaced = error
            surfaced.cause = fallbackError
            return StreamingClientResponse(error: surfaced)
        }
    }

    /// The ``causeMetadataKey`` value for `error`.
    static func causeDescription(_ error: RPCError) -> String {
        if CircuitBreakerOpenError.find(in: error) != nil { return circuitOpenCause }
        if BulkheadFullError.find(in: error) != nil { return bulkheadFullCause }
        return error.code.description
    }

    private func substitute(
        from strategy: Strategy, for error: RPCError, context: ClientContext, key: LastGoodResponseCache.Key?
    ) async throws -> StreamingClientResponse? {
        switch strategy.kind {
        case .fixed(let message, var metadata, let trailers):
            metadata.replaceOrAddString("default", forKey: Self.metadataKey)
            return StreamingClientResponse(metadata: metadata, message: message, trailers: trailers)

        case .cache(let cache, let otherwise):
            let now = time.now()
            if let key, let entry = cache.lookup(key, at: now) {
                var metadata = entry.metadata
                metadata.replaceOrAddString("cache", forKey: Self.metadataKey)
                metadata.replaceOrAddString(String((now - entry.storedAt).millisecondsRoundedUp), forKey: Self.ageMetadataKey)
                return StreamingClientResponse(accepted: .success(.init(
                    metadata: metadata, bodyParts: Self.replay(entry.parts, thenThrow: nil)
                )))
            }
            guard let otherwise else { return nil }
            return try await substitute(from: otherwise, for: error, context: context, key: key)

        case .custom(let body):
            let response = try await body(error, context)
            var metadata = response.metadata
            metadata.replaceOrAddString("custom", forKey: Self.metadataKey)
            return StreamingClientResponse(metadata: metadata, message: response.message, trailers: response.trailers)
        }
    }

    private static func cancelled(_ context: ClientContext, _ error: RPCError) -> StreamingClientResponse {
        StreamingClientResponse(error: RPCError(
            code: .cancelled, message: "the call to \(context.descriptor) was cancelled while its fallback ran", cause: error
        ))
    }

    /// Runs a request producer into a list of messages.
    private static func collect(_ producer: @Sendable (RPCWriter<[UInt8]>) async throws -> Void) async throws -> [[UInt8]] {
        let collector = MessageCollector()
        try await producer(RPCWriter { message in collector.append(message) })
        return collector.messages
    }

    /// A body that yields `parts`, then throws `error` if there is one.
    private static func replay(_ parts: [ResponsePart], thenThrow error: RPCError?) -> RPCAsyncSequence<ResponsePart> {
        guard let error else { return .elements(parts) }
        return RPCAsyncSequence(makeNext: {
            var index = 0
            return {
                guard index < parts.count else { throw error }
                defer { index += 1 }
                return parts[index]
            }
        })
    }
}

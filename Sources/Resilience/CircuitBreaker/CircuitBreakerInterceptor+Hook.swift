import RPCCore

extension CircuitBreakerInterceptor {
    // The same as `intercept(request:context:next:)`, run by `RPCClient` without an async frame
    // and without a `Permit` object: the admission travels in a token (the breaker, the
    // generation and the admission time), held inline by the one end observer of the hooks in
    // front of a layer. A custom classifier is not in the token: such calls take `intercept`.

    @usableFromInline
    package func enter(context: inout ClientContext) -> ClientHookEntry {
        guard classifier.isDefault else { return .intercept }
        let breaker = breaker(for: context.descriptor)
        let admitted: CircuitBreaker.Admitted
        do {
            admitted = try breaker.admit()
        } catch {
            return .reject(StreamingClientResponse(error: RPCError(from: error)))
        }
        return .proceed(ClientHookToken(engine: breaker, word: admitted.generation, time: admitted.admittedAt))
    }
}

extension CircuitBreaker: ClientHookEngine {
    /// Records the outcome of a call admitted by ``CircuitBreakerInterceptor``'s hook, classified
    /// by the default classifier.
    package func exit(_ token: ClientHookToken, outcome: CallOutcome) {
        complete(CircuitBreakerInterceptor.Classifier.classifyByDefault(outcome), generation: token.word, admittedAt: token.time)
    }
}

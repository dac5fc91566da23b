import RPCCore

extension BulkheadInterceptor {
    // The uncontended case of `intercept(request:context:next:)`, run by `RPCClient` without an
    // async frame: the admission travels in a token (the bulkhead and the admission time), held
    // inline by the one end observer of the hooks in front of a layer. A caller that must wait
    // takes `intercept` (`.intercept`).

    @usableFromInline
    package func enter(context: inout ClientContext) -> ClientHookEntry {
        let bulkhead = bulkhead(for: context.descriptor)
        do {
            guard let permit = try bulkhead.acquireWithoutWaiting() else { return .intercept }
            return .proceed(ClientHookToken(engine: bulkhead, time: permit.admittedAt))
        } catch {
            return .reject(StreamingClientResponse(error: RPCError(from: error)))
        }
    }
}

extension Bulkhead: ClientHookEngine {
    /// Releases the permit of a call admitted by ``BulkheadInterceptor``'s hook.
    package func exit(_ token: ClientHookToken, outcome: CallOutcome) {
        release(admittedAt: token.time ?? .zero, outcome: BulkheadInterceptor.classify(outcome))
    }
}

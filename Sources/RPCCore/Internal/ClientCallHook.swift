/// An interceptor of this package that only decides before a call and observes how it ends
/// (a circuit breaker, a bulkhead's uncontended admission, a timeout). ``RPCClient`` runs hooks
/// synchronously in the frame of the layer in front of them, with no async frame of their own,
/// and one end observer serves every hook in a row (see ``ClientNext``).
///
/// Its ``ChainedClientInterceptor/intercept(request:context:next:)-(_,_,ClientNext)`` must do
/// the same as ``enter(context:)`` followed by the token's ``ClientHookEngine/exit(_:outcome:)``:
/// it runs for direct callers and when ``enter(context:)`` answers ``ClientHookEntry/intercept``.
@usableFromInline
package protocol ClientCallHook: ChainedClientInterceptor {
    /// Decides before the layers inside run: may move `context.deadline` earlier, reject the
    /// call, or admit it with a token whose engine is told when the call ends.
    func enter(context: inout ClientContext) -> ClientHookEntry
}

/// What a hook's admission reports the end of the call to (a breaker, a bulkhead): a class, so
/// the end observer holds a reference, not a copy of the interceptor.
package protocol ClientHookEngine: AnyObject, Sendable {
    /// Called exactly once for each admission: with the outcome of the call, as
    /// `StreamingClientResponse.onEnd(_:)` would report it.
    func exit(_ token: ClientHookToken, outcome: CallOutcome)
}

/// What a hook decided before the call.
@usableFromInline
package enum ClientHookEntry: Sendable {
    /// Go on; with a token, its engine sees the call's end.
    case proceed(ClientHookToken?)
    /// Answer with this response (a rejection) without running the layers inside.
    case reject(StreamingClientResponse)
    /// The hook cannot decide without waiting (or observes the end in a way a token cannot
    /// carry): run its `intercept` instead.
    case intercept
}

/// What a hook remembers of an admitted call until it ends, held inline by the end observer.
@usableFromInline
package struct ClientHookToken: Sendable {
    /// The engine the call was admitted by, told of its end.
    package let engine: any ClientHookEngine
    /// A word of the engine's own (a breaker's generation).
    package let word: UInt64
    /// A time of the engine's own (admission time), if any.
    package let time: Duration?

    package init(engine: any ClientHookEngine, word: UInt64 = 0, time: Duration? = nil) {
        self.engine = engine
        self.word = word
        self.time = time
    }

    /// Tells the engine how the call ended.
    func exit(_ outcome: CallOutcome) { engine.exit(self, outcome: outcome) }
}

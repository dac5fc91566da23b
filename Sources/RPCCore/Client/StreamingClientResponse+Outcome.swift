import Synchronization

/// How a client call ended, as seen by an interceptor observing its response.
public enum CallOutcome: Sendable {
    /// The call ended with status OK; the trailers are attached.
    case success(trailers: Metadata)
    /// The call ended with a non-OK status, or failed before or while streaming.
    case failure(RPCError)
    /// The caller dropped the response before its end (it was cancelled or lost interest).
    case abandoned
}

extension StreamingClientResponse {
    /// Returns this response with `body` called exactly once when the call ends: on the trailers,
    /// on an error (at once for a call that failed before headers), or when the body is dropped
    /// unfinished. Policies record their outcomes here rather than when `next` returns.
    public func onEnd(_ body: @escaping @Sendable (CallOutcome) -> Void) -> StreamingClientResponse {
        switch accepted {
        case .failure(let error):
            body(.failure(error))
            return self
        case .success(let contents):
            // The body is not wrapped: it gets one more observer object, chained to those of the
            // layers inside, so observing costs one allocation (plus `body`'s context, if any)
            // however many layers observe, and iterating it allocates nothing more.
            return StreamingClientResponse(accepted: .success(Contents(
                metadata: contents.metadata, bodyParts: contents.bodyParts.observingEnd(body)
            )))
        }
    }
}

/// One observer of a response body's end. Observers are chained, the outermost holding the inner
/// ones: the end is reported to the innermost first (as nested wrappers would see it), and a
/// body dropped unfinished releases the outermost first, each reporting `.abandoned`.
///
/// It tells a callback (``StreamingClientResponse/onEnd(_:)``), or the hooks admitted in front
/// of one layer (``ClientCallHook``), whose admissions it holds inline.
@usableFromInline
final class CallEndObserver: @unchecked Sendable {
    // `unchecked` (Sendable and exclusivity): the hooks and `inner` are set by the one task that
    // makes the observer, before it is shared (through a response body, or by a report);
    // read-only after that.
    private let fired = Atomic<Bool>(false)
    private let body: (@Sendable (CallOutcome) -> Void)?
    // The admissions of the hooks in front of one layer, outermost first: two inline (a breaker
    // and a bulkhead need no array), more in `hooks`.
    @exclusivity(unchecked) private var firstHook: ClientHookToken?
    @exclusivity(unchecked) private var secondHook: ClientHookToken?
    @exclusivity(unchecked) private var hooks: [ClientHookToken] = []
    /// The observers of the layers inside, which see the end before this one.
    @exclusivity(unchecked) private var inner: CallEndObserver?

    init(_ body: @escaping @Sendable (CallOutcome) -> Void, inner: CallEndObserver?) {
        self.body = body
        self.inner = inner
    }

    /// An observer for hooks, made on the first admission with a token.
    @usableFromInline
    init(hook token: ClientHookToken) {
        self.body = nil
        self.firstHook = token
    }

    /// Adds a hook's admission (inside the ones before). Before the observer is shared only.
    @usableFromInline
    func admit(_ token: ClientHookToken) {
        if secondHook == nil { secondHook = token } else { hooks.append(token) }
    }

    /// Sets the observers of the layers inside. Before the observer is shared only.
    func attach(inner: CallEndObserver?) {
        self.inner = inner
    }

    /// Ends the call with what the layers inside answered: at once for a failure, else when the
    /// response body ends (this observer added to it).
    @usableFromInline
    func observe(_ response: StreamingClientResponse) -> StreamingClientResponse {
        switch response.accepted {
        case .failure(let error):
            report(.failure(error))
            return response
        case .success(let contents):
            return StreamingClientResponse(accepted: .success(StreamingClientResponse.Contents(
                metadata: contents.metadata, bodyParts: contents.bodyParts.observingEnd(self)
            )))
        }
    }

    /// Reports the end to the inner observers, then to this one; only the first report counts.
    @usableFromInline
    func report(_ outcome: CallOutcome) {
        inner?.report(outcome)
        if fired.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing).exchanged {
            if let body { body(outcome) } else { reportToHooks(outcome) }
        }
    }

    deinit {
        if !fired.load(ordering: .acquiring) {
            if let body { body(.abandoned) } else { abandonHooks() }
        }
    }

    /// Reports the end to each hook, innermost first (as nested layers would see it).
    private func reportToHooks(_ outcome: CallOutcome) {
        for admission in hooks.reversed() { admission.exit(outcome) }
        secondHook?.exit(outcome)
        firstHook?.exit(outcome)
    }

    /// Reports an abandoned call to each hook, outermost first (as nested observers are released).
    private func abandonHooks() {
        firstHook?.exit(.abandoned)
        secondHook?.exit(.abandoned)
        for admission in hooks { admission.exit(.abandoned) }
    }
}

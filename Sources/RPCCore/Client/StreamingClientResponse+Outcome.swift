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
@usableFromInline
final class CallEndObserver: Sendable {
    private let fired = Atomic<Bool>(false)
    private let body: @Sendable (CallOutcome) -> Void
    /// The observers of the layers inside, which see the end before this one.
    private let inner: CallEndObserver?

    init(_ body: @escaping @Sendable (CallOutcome) -> Void, inner: CallEndObserver?) {
        self.body = body
        self.inner = inner
    }

    /// Reports the end to the inner observers, then to this one; only the first report counts.
    @usableFromInline
    func report(_ outcome: CallOutcome) {
        inner?.report(outcome)
        if fired.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing).exchanged {
            body(outcome)
        }
    }

    deinit {
        if !fired.load(ordering: .acquiring) { body(.abandoned) }
    }
}

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
            let reporter = OutcomeReporter(body)
            let base = contents.bodyParts
            let parts = RPCAsyncSequence<ResponsePart>(makeNext: {
                var iterator = base.makeAsyncIterator()
                return {
                    do {
                        let part = try await iterator.next()
                        switch part {
                        case .trailers(let trailers)?: reporter.report(.success(trailers: trailers))
                        case nil: reporter.report(.success(trailers: [:]))
                        case .message?: break
                        }
                        return part
                    } catch {
                        reporter.report(.failure(RPCError(from: error)))
                        throw error
                    }
                }
            })
            return StreamingClientResponse(accepted: .success(Contents(metadata: contents.metadata, bodyParts: parts)))
        }
    }
}

/// Fires its callback once: on the first report, or as `.abandoned` when released unreported.
private final class OutcomeReporter: Sendable {
    private let fired = Atomic<Bool>(false)
    private let body: @Sendable (CallOutcome) -> Void

    init(_ body: @escaping @Sendable (CallOutcome) -> Void) { self.body = body }

    func report(_ outcome: CallOutcome) {
        if fired.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing).exchanged {
            body(outcome)
        }
    }

    deinit {
        if !fired.load(ordering: .acquiring) { body(.abandoned) }
    }
}

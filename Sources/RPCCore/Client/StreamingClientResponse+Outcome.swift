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
            // One reporter object carries the callback and the base body; the sequence and its
            // iterators hold only it, so wrapping costs two allocations (the reporter and one
            // iterator box), not a closure context per layer.
            let reporter = OutcomeReporter(body, base: contents.bodyParts)
            let parts = RPCAsyncSequence(wrapping: ReportingBody(reporter: reporter))
            return StreamingClientResponse(accepted: .success(Contents(metadata: contents.metadata, bodyParts: parts)))
        }
    }
}

/// A response body that reports how it ended to its ``OutcomeReporter``.
private struct ReportingBody: AsyncSequence, Sendable {
    typealias Element = ResponsePart
    typealias Failure = any Error
    let reporter: OutcomeReporter

    func makeAsyncIterator() -> Iterator { Iterator(base: reporter.base.makeAsyncIterator(), reporter: reporter) }

    struct Iterator: AsyncIteratorProtocol {
        var base: RPCAsyncSequence<ResponsePart>.AsyncIterator
        let reporter: OutcomeReporter

        mutating func next() async throws -> ResponsePart? {
            do {
                let part = try await base.next()
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
    }
}

/// Fires its callback once: on the first report, or as `.abandoned` when released unreported.
private final class OutcomeReporter: Sendable {
    private let fired = Atomic<Bool>(false)
    private let body: @Sendable (CallOutcome) -> Void
    /// The body being observed.
    let base: RPCAsyncSequence<ResponsePart>

    init(_ body: @escaping @Sendable (CallOutcome) -> Void, base: RPCAsyncSequence<ResponsePart>) {
        self.body = body
        self.base = base
    }

    func report(_ outcome: CallOutcome) {
        if fired.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing).exchanged {
            body(outcome)
        }
    }

    deinit {
        if !fired.load(ordering: .acquiring) { body(.abandoned) }
    }
}

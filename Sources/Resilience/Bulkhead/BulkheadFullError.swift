import RPCCore

/// A call rejected by a bulkhead: all its permits were in use and the call could not wait (the
/// queue was full, or waiting is off), or it waited ``Bulkhead/Configuration/maxWait`` in vain.
///
/// As an ``RPCErrorConvertible`` it maps to RESOURCE_EXHAUSTED. The ``BulkheadInterceptor``
/// keeps it as the `cause` of the `RPCError`, so that outer interceptors (``FallbackInterceptor``'s
/// ``FallbackInterceptor/Trigger/bulkheadFull``) can tell it from a server's RESOURCE_EXHAUSTED
/// with ``find(in:)``.
///
/// ```swift
/// do {
///     try await bulkhead.run { try await work() }
/// } catch let error as BulkheadFullError {
///     print(error.message)
///     // bulkhead 'catalog.v1.Catalog/GetProduct' rejected the call: all 8 permits are in use and
///     // its wait queue is full (16 waiting). Retry later with backoff, shed load, or raise the limit.
/// }
/// ```
public struct BulkheadFullError: Error, RPCErrorConvertible, Sendable, Hashable, CustomStringConvertible {
    /// Why the call was rejected.
    public enum Reason: Sendable, Hashable {
        /// No permit was free and the call could not queue: `queued` callers were already
        /// waiting in a queue of `maxQueueLength` (0: the bulkhead does not queue).
        case full(queued: Int, maxQueueLength: Int)
        /// The call waited `maxWait` in the queue without getting a permit.
        case waitedTooLong(maxWait: Duration)
    }

    /// The bulkhead's name, e.g. `catalog.v1.Catalog/GetProduct`.
    public var bulkheadName: String
    /// The concurrency limit when the call was rejected.
    public var limit: Int
    /// Why.
    public var reason: Reason

    public init(bulkheadName: String, limit: Int, reason: Reason) {
        self.bulkheadName = bulkheadName
        self.limit = limit
        self.reason = reason
    }

    /// What happened, to which bulkhead, and what to do.
    public var message: String {
        let permits = "all \(limit) permit\(limit == 1 ? " is" : "s are") in use"
        let advice = "Retry later with backoff, shed load, or raise the limit."
        let name = "bulkhead '\(bulkheadName)'"
        switch reason {
        case .full(_, let maxQueueLength) where maxQueueLength == 0:
            return "\(name) rejected the call: \(permits) and it does not queue (maxWait is zero or maxQueueLength 0). \(advice)"
        case .full(let queued, _):
            return "\(name) rejected the call: \(permits) and its wait queue is full (\(queued) waiting). \(advice)"
        case .waitedTooLong(let maxWait):
            return "\(name) rejected the call after it waited \(maxWait.readable) (maxWait) in the queue: \(permits). \(advice)"
        }
    }

    public var description: String { message }

    public var rpcErrorCode: Status.Code { .resourceExhausted }
    public var rpcErrorMessage: String { message }

    /// The rejection in `error` or in its chain of `RPCError` causes, if any: tells a bulkhead's
    /// rejection apart from a RESOURCE_EXHAUSTED sent by a server.
    public static func find(in error: any Error) -> BulkheadFullError? {
        var current: (any Error)? = error
        var depth = 0
        while let error = current, depth < 16 {
            if let rejection = error as? BulkheadFullError { return rejection }
            current = (error as? RPCError)?.cause
            depth += 1
        }
        return nil
    }
}

import RPCCore

extension FallbackInterceptor {
    /// A kind of failure the fallback answers.
    ///
    /// ```swift
    /// let triggers: Set<FallbackInterceptor.Trigger> = [.circuitOpen, .status(.deadlineExceeded)]
    /// ```
    public struct Trigger: Sendable, Hashable, CustomStringConvertible {
        private enum Kind: Sendable, Hashable {
            case status(Status.Code)
            case circuitOpen
            case bulkheadFull
            case anyError
        }

        private let kind: Kind

        /// A call that failed with `code`. A circuit breaker's rejection is UNAVAILABLE, so
        /// `.status(.unavailable)` matches it too.
        public static func status(_ code: Status.Code) -> Trigger { Trigger(kind: .status(code)) }

        /// A call rejected by a circuit breaker (a ``CircuitBreakerOpenError`` in the error's
        /// cause chain), without reaching the server.
        public static let circuitOpen = Trigger(kind: .circuitOpen)

        /// A call rejected by a bulkhead (a ``BulkheadFullError`` in the error's cause chain):
        /// all its permits were in use and the call could not wait, or waited too long.
        /// `.status(.resourceExhausted)` matches it too, and a server's RESOURCE_EXHAUSTED as well.
        public static let bulkheadFull = Trigger(kind: .bulkheadFull)

        /// A call that ran out of time: DEADLINE_EXCEEDED, whether the client's deadline passed
        /// or the server gave up. Same as `.status(.deadlineExceeded)`.
        public static let deadlineExceeded = Trigger.status(.deadlineExceeded)

        /// Any failure except the caller's own cancellation.
        public static let anyError = Trigger(kind: .anyError)

        /// Circuit open, bulkhead full, UNAVAILABLE, DEADLINE_EXCEEDED and RESOURCE_EXHAUSTED:
        /// the callee is down, slow or shedding load, and a substitute beats an error.
        public static let defaults: Set<Trigger> = [
            .circuitOpen, .bulkheadFull, .status(.unavailable), .status(.deadlineExceeded), .status(.resourceExhausted),
        ]

        /// Whether `error` is this kind of failure.
        public func matches(_ error: RPCError) -> Bool {
            switch kind {
            case .status(let code): error.code == code
            case .circuitOpen: CircuitBreakerOpenError.find(in: error) != nil
            case .bulkheadFull: BulkheadFullError.find(in: error) != nil
            case .anyError: true
            }
        }

        public var description: String {
            switch kind {
            case .status(let code): "status \(code)"
            case .circuitOpen: "circuit open"
            case .bulkheadFull: "bulkhead full"
            case .anyError: "any error"
            }
        }
    }
}

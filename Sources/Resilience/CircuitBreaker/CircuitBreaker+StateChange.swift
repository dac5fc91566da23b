extension CircuitBreaker {
    /// A transition of a circuit breaker, delivered in order, outside the breaker's lock, to
    /// ``CircuitBreaker/stateChanges()`` streams and the `onStateChange` callback.
    ///
    /// ```swift
    /// for await change in breaker.stateChanges() {
    ///     print(change)   // circuit 'catalog.v1.Catalog/GetProduct' closed -> open: 12 failures in 20 calls
    /// }
    /// ```
    public struct StateChange: Sendable, Hashable, CustomStringConvertible {
        /// Why the breaker changed state.
        public enum Reason: Sendable, Hashable, CustomStringConvertible {
            /// The failure rate in the window reached the threshold.
            case failureRateExceeded(failures: Int, calls: Int)
            /// The slow-call rate in the window reached the threshold.
            case slowCallRateExceeded(slowCalls: Int, calls: Int)
            /// This many failures in a row reached ``Configuration/consecutiveFailureThreshold``.
            case consecutiveFailuresExceeded(Int)
            /// The open duration passed and a call arrived: probes may go through.
            case openDurationElapsed
            /// A half-open probe failed.
            case probeFailed
            /// Every half-open probe succeeded, but the slow ones reached the slow-call rate threshold.
            case probesTooSlow(slowProbes: Int, probes: Int)
            /// All half-open probes succeeded.
            case probesSucceeded(Int)
            /// Half-open probes did not finish within the open duration; fresh probes are admitted
            /// in a new generation and the old ones' outcomes no longer count.
            case probesTimedOut
            /// ``CircuitBreaker/forceOpen()`` was called.
            case forcedOpen
            /// ``CircuitBreaker/disable()`` was called.
            case disabled
            /// ``CircuitBreaker/reset()`` was called.
            case reset

            public var description: String {
                switch self {
                case .failureRateExceeded(let failures, let calls): "\(failures) failures in \(calls) calls"
                case .slowCallRateExceeded(let slowCalls, let calls): "\(slowCalls) slow calls in \(calls) calls"
                case .consecutiveFailuresExceeded(let count): "\(count) consecutive failures"
                case .openDurationElapsed: "open duration elapsed"
                case .probeFailed: "a half-open probe failed"
                case .probesTooSlow(let slow, let probes): "\(slow) of \(probes) half-open probes were slow"
                case .probesSucceeded(let count): "\(count) half-open probe\(count == 1 ? "" : "s") succeeded"
                case .probesTimedOut: "half-open probes did not finish within the open duration"
                case .forcedOpen: "forced open"
                case .disabled: "disabled"
                case .reset: "reset"
                }
            }
        }

        /// The breaker's name.
        public var breakerName: String
        /// The state before.
        public var from: State
        /// The state after.
        public var to: State
        /// The generation (state epoch) that starts with this change.
        public var generation: UInt64
        /// Why it happened.
        public var reason: Reason

        public init(breakerName: String, from: State, to: State, generation: UInt64, reason: Reason) {
            self.breakerName = breakerName
            self.from = from
            self.to = to
            self.generation = generation
            self.reason = reason
        }

        public var description: String { "circuit '\(breakerName)' \(from) -> \(to): \(reason)" }
    }
}

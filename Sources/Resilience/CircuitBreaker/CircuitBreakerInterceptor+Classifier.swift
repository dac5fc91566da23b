import RPCCore

extension CircuitBreakerInterceptor {
    /// Decides what an RPC's outcome means to the breaker.
    ///
    /// The ``default`` classifier counts ``defaultFailureCodes`` as failures and every other
    /// status (NOT_FOUND, INVALID_ARGUMENT, ...: the caller's problem, not the callee's) as a
    /// success. Caller cancellation (an abandoned body or CANCELLED) is ignored, releasing the
    /// permit, and so are another breaker's rejection and a local bulkhead's rejection
    /// (``BulkheadFullError``), which never reached the callee and say nothing about it.
    ///
    /// ```swift
    /// let classifier = CircuitBreakerInterceptor.Classifier.failing(on: [.unavailable, .internal])
    /// let custom = CircuitBreakerInterceptor.Classifier { outcome in
    ///     if case .failure(let error) = outcome, error.code == .unavailable { return .failure }
    ///     return .success
    /// }
    /// ```
    public struct Classifier: Sendable {
        private let body: @Sendable (CallOutcome) -> CircuitBreaker.Outcome
        /// Whether this is ``default``, which the interceptor can call without keeping it.
        let isDefault: Bool

        /// A classifier from a closure.
        public init(_ classify: @escaping @Sendable (CallOutcome) -> CircuitBreaker.Outcome) {
            body = classify
            isDefault = false
        }

        private init(default: Void) {
            body = Self.classifyByDefault
            isDefault = true
        }

        /// What ``default`` answers.
        static func classifyByDefault(_ outcome: CallOutcome) -> CircuitBreaker.Outcome {
            classify(outcome, failingOn: defaultFailureCodes)
        }

        private static func classify(_ outcome: CallOutcome, failingOn codes: Set<Status.Code>) -> CircuitBreaker.Outcome {
            switch outcome {
            case .success: return .success
            case .abandoned: return .ignored
            case .failure(let error):
                if error.code == .cancelled || CircuitBreakerOpenError.find(in: error) != nil
                    || BulkheadFullError.find(in: error) != nil
                {
                    return .ignored
                }
                return codes.contains(error.code) ? .failure : .success
            }
        }

        /// Classifies an outcome.
        public func classify(_ outcome: CallOutcome) -> CircuitBreaker.Outcome { body(outcome) }

        /// UNAVAILABLE, DEADLINE_EXCEEDED, INTERNAL, UNKNOWN, RESOURCE_EXHAUSTED, DATA_LOSS.
        public static let defaultFailureCodes: Set<Status.Code> = [
            .unavailable, .deadlineExceeded, .internal, .unknown, .resourceExhausted, .dataLoss,
        ]

        /// Failures for `codes`, successes for other statuses; cancellation, other breakers'
        /// rejections and bulkhead rejections ignored.
        public static func failing(on codes: Set<Status.Code>) -> Classifier {
            Classifier { outcome in classify(outcome, failingOn: codes) }
        }

        /// ``failing(on:)`` with ``defaultFailureCodes``.
        public static let `default` = Classifier(default: ())
    }
}

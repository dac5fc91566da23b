import RPCCore

/// Retries failed calls as gRFC A6 describes: each attempt goes through the interceptors after
/// this one and the transport, with the request replayed from a bounded buffer.
///
/// - An attempt that fails with one of ``RetryPolicy/retryableStatusCodes`` before response
///   headers is retried after a backoff with full jitter, up to ``RetryPolicy/maxAttempts``
///   attempts in all. Once headers arrive the call is committed: a later failure is returned
///   as is. A request larger than ``RetryPolicy/replayBufferLimit`` commits the call too.
/// - `grpc-retry-pushback-ms` in a failure's metadata (trailers): the next attempt starts exactly
///   that many milliseconds later and the backoff restarts; a negative or unparseable value
///   stops retrying.
/// - Attempts after the first carry `grpc-previous-rpc-attempts`.
/// - A shared ``RetryThrottle`` stops retries to a target while most calls to it fail.
/// - Failures the transport marks ``RPCError/wasNotProcessed`` (a refused stream, or one above a
///   GOAWAY's last-stream-id) are retried at once without counting an attempt, at most
///   ``maxTransparentRetries`` times per call.
/// - The call's deadline (``ClientContext/deadline``) stays fixed: each attempt gets the earlier
///   of it and ``RetryPolicy/perAttemptTimeout``, so transports send only the remaining time.
///   No attempt starts once the deadline has passed or would pass during the backoff: the call
///   fails with DEADLINE_EXCEEDED naming the last attempt's status. An attempt that ran out of
///   its own per-attempt time, while the call has time left, is retried.
/// - The error after the last attempt keeps the last status code and says how many attempts were
///   made and how each failed. Caller cancellation ends the call with CANCELLED, never retried.
///
/// Backoff sleeps use the injected clock (a manual clock in tests); deadlines are
/// `ContinuousClock` instants, as in ``ClientContext``.
///
/// ```swift
/// let throttle = try RetryThrottle(maxTokens: 10, tokenRatio: 0.1)   // one per target
/// let client = RPCClient(transport: transport, interceptors: [
///     RetryInterceptor(policy: try RetryPolicy(maxAttempts: 4), throttle: throttle),
/// ])
/// ```
public struct RetryInterceptor: ClientInterceptor {
    /// The request metadata key giving the number of attempts before this one.
    public static let previousAttemptsKey = "grpc-previous-rpc-attempts"
    /// The response metadata (trailers) key by which a server asks for a delay before the next
    /// attempt, in milliseconds, or (negative) for no retry.
    public static let pushbackKey = "grpc-retry-pushback-ms"

    /// Retry or hedging, with its policy.
    public let mode: Mode
    /// The throttle of the target calls go to; `nil` (the default): not throttled.
    public let throttle: RetryThrottle?
    /// How many transparent retries (of calls the server never processed) one call may make on
    /// top of its attempts. Default 3: a server that refuses every stream does not loop forever.
    public let maxTransparentRetries: Int
    let clock: any Clock<Duration>
    let random: @Sendable () -> Double

    /// Creates the interceptor.
    ///
    /// - Parameters:
    ///   - policy: The retry policy; ``RetryPolicy/default`` if omitted.
    ///   - throttle: Shared by the calls to one target; none by default.
    ///   - maxTransparentRetries: At least 0; default 3.
    ///   - clock: Sleeps the backoffs; inject a manual clock in tests.
    ///   - random: Values in `0 ..< 1` for the jitter; inject a scripted source in tests.
    public init(
        policy: RetryPolicy = .default,
        throttle: RetryThrottle? = nil,
        maxTransparentRetries: Int = 3,
        clock: any Clock<Duration> = ContinuousClock(),
        random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) }
    ) {
        self.mode = .retry(policy)
        self.throttle = throttle
        self.maxTransparentRetries = max(0, maxTransparentRetries)
        self.clock = clock
        self.random = random
    }

    public func intercept(
        request: StreamingClientRequest,
        context: ClientContext,
        next: @Sendable (StreamingClientRequest, ClientContext) async throws -> StreamingClientResponse
    ) async throws -> StreamingClientResponse {
        switch mode {
        case .retry(let policy): try await retry(policy, request: request, context: context, next: next)
        case .hedging(let policy): await hedge(policy, request: request, context: context, next: next)
        }
    }

    private func retry(
        _ policy: RetryPolicy,
        request: StreamingClientRequest,
        context: ClientContext,
        next: @Sendable (StreamingClientRequest, ClientContext) async throws -> StreamingClientResponse
    ) async throws -> StreamingClientResponse {
        let path = context.descriptor.path
        let overall = context.deadline
        let buffer = ReplayBuffer(limit: policy.replayBufferLimit)
        var log = AttemptLog()
        var transparentRetries = 0
        var retry = 1
        while true {
            if Task.isCancelled { return Self.cancelled(path, log) }
            if let overall, overall <= .now, log.count > 0 {
                return StreamingClientResponse(error: log.deadlineError(path: path, detail: "passed"))
            }
            var attemptRequest = request
            attemptRequest.producer = buffer.producer(wrapping: request.producer)
            if log.count > 0 {
                attemptRequest.metadata.replaceOrAddString(String(log.count), forKey: Self.previousAttemptsKey)
            }
            var attemptContext = context
            var ownDeadlineBinds = false
            if let timeout = policy.perAttemptTimeout {
                let own = ContinuousClock.now.advanced(by: timeout)
                if overall.map({ own < $0 }) ?? true {
                    attemptContext.deadline = own
                    ownDeadlineBinds = true
                }
            }
            let response: StreamingClientResponse
            do {
                response = try await next(attemptRequest, attemptContext)
            } catch {
                response = StreamingClientResponse(error: RPCError(from: error))
            }
            let error: RPCError
            switch response.accepted {
            case .success: return committed(response, retryable: policy.retryableStatusCodes)
            case .failure(let failure): error = failure
            }
            if Task.isCancelled { return Self.cancelled(path, log, error) }
            if error.wasNotProcessed, transparentRetries < maxTransparentRetries, !buffer.overflowed {
                transparentRetries += 1
                continue
            }
            log.append(error)
            let attemptTimedOut = error.code == .deadlineExceeded && ownDeadlineBinds && (overall.map { $0 > .now } ?? true)
            guard policy.retryableStatusCodes.contains(error.code) || attemptTimedOut else {
                return fail(log, path, "\(error.code) is not a retryable status", explain: false)
            }
            let rejection = CircuitBreakerOpenError.find(in: error)
            if rejection == nil { throttle?.recordRetryableFailure() }   // a local rejection says nothing of the target
            if buffer.overflowed {
                return fail(log, path, "the request outgrew the \(policy.replayBufferLimit)-byte replay buffer, which commits the call to its first attempt")
            }
            let delay: Duration
            if let rejection {
                // An open breaker inside: retry only once it lets calls through again, and only if
                // that is before the deadline; else the rejection is the answer.
                guard let retryAfter = rejection.retryAfter, let overall,
                      ContinuousClock.now.advanced(by: retryAfter) < overall else {
                    return fail(log, path, "circuit '\(rejection.breakerName)' is open and its retry-after does not fit the deadline", explain: false)
                }
                delay = retryAfter
                retry = 1
            } else {
                switch Pushback(error.metadata) {
                case .none:
                    delay = policy.backoff(beforeRetry: retry, random: random())
                    retry += 1
                case .stop(let value):
                    return fail(log, path, "the server's \(Self.pushbackKey) '\(value)' says not to retry")
                case .after(let milliseconds):
                    delay = .milliseconds(milliseconds)
                    retry = 1
                }
            }
            if log.count >= policy.maxAttempts {
                return fail(log, path, "maxAttempts \(policy.maxAttempts) reached")
            }
            if let throttle, !throttle.allowsRetry {
                return fail(log, path, "retries to this target are throttled (\(throttle.tokenCount) of \(throttle.maxTokens) tokens; retries need more than half)")
            }
            if let overall {
                let now = ContinuousClock.now
                if overall <= now {
                    return StreamingClientResponse(error: log.deadlineError(path: path, detail: "passed"))
                }
                if now.advanced(by: delay) >= overall {
                    return StreamingClientResponse(error: log.deadlineError(
                        path: path, detail: "would pass during the \(delay.readable) backoff before attempt \(log.count + 1)"
                    ))
                }
            }
            do {
                try await clock.sleep(for: delay)
            } catch {
                return Self.cancelled(path, log)
            }
        }
    }

    /// The call's failure. A single attempt that failed with a non-retryable status is returned as
    /// is; any other stop says why retrying stopped and how each attempt failed.
    private func fail(_ log: AttemptLog, _ path: String, _ reason: String, explain: Bool = true) -> StreamingClientResponse {
        StreamingClientResponse(error: log.finalError(path: path, stoppedBecause: reason, always: explain))
    }

    /// The committed attempt's response, reporting its outcome to the throttle.
    func committed(_ response: StreamingClientResponse, retryable: Set<Status.Code>) -> StreamingClientResponse {
        guard let throttle else { return response }
        return response.onEnd { outcome in
            switch outcome {
            case .success: throttle.recordSuccess()
            case .failure(let error) where retryable.contains(error.code): throttle.recordRetryableFailure()
            case .failure, .abandoned: break
            }
        }
    }

    static func cancelled(_ path: String, _ log: AttemptLog, _ error: RPCError? = nil) -> StreamingClientResponse {
        let attempts = log.count == 0 ? "" : " after \(log.count) failed attempt\(log.count == 1 ? "" : "s") (\(log.details))"
        return StreamingClientResponse(error: RPCError(
            code: .cancelled,
            message: "\(path) was cancelled by the caller\(attempts); it is not retried",
            cause: error ?? log.last ?? CancellationError()
        ))
    }
}

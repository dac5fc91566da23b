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
/// - An open ``CircuitBreaker`` inside this interceptor rejects an attempt with a retry-after:
///   the call waits it out and tries again only if at least as much time would then remain before
///   the deadline as the wait takes (the attempt is likely the breaker's probe, which needs time
///   to succeed); otherwise the rejection is returned at once. Without a deadline, never.
/// - The call's deadline (``ClientContext/deadline``) stays fixed and every attempt carries it,
///   so transports send only the remaining time. No attempt starts once the deadline has passed
///   or would pass during the backoff: the call fails with DEADLINE_EXCEEDED naming the last
///   attempt's status.
/// - ``RetryPolicy/perAttemptTimeout`` bounds an attempt only until it commits: this interceptor
///   races the attempt against a timer on its clock (up to the earlier of the per-attempt and
///   overall deadlines). If response headers or a failure come first the timer is cancelled and
///   an established stream runs on, bounded by the call's deadline alone. If the timer fires
///   first the attempt's task is cancelled (the transport resets its stream) and the attempt
///   fails with DEADLINE_EXCEEDED, which is retried while the call has time left.
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
public struct RetryInterceptor: ClientInterceptor, ChainedClientInterceptor {
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
        try await interceptWithClosure(request: request, context: context, next: next)
    }

    @usableFromInline
    package func intercept(request: StreamingClientRequest, context: ClientContext, next: ClientNext) async throws -> StreamingClientResponse {
        switch mode {
        case .retry(let policy): try await retry(policy, request: request, context: context, next: next)
        case .hedging(let policy): await hedge(policy, request: request, context: context, next: { try await next($0, $1) })
        }
    }

    @inline(__always)   // called once, from `intercept`: one frame less per call
    private func retry(
        _ policy: RetryPolicy,
        request: StreamingClientRequest,
        context: ClientContext,
        next: ClientNext
    ) async throws -> StreamingClientResponse {
        // Built only when a message needs it: most calls succeed at once, and a path longer than
        // 15 bytes costs a heap allocation.
        lazy var path = context.descriptor.path
        // The deadline as an offset of fixed layout (`CallClock`): no `ContinuousClock.Instant`
        // (a runtime-sized value) in this frame.
        let overall = context.deadlineOffset
        // A request of one message held in memory (`StreamingClientRequest(message:)`, the unary
        // case) within the limit replays as it is: no buffer to allocate, and every attempt keeps
        // the form a transport can send directly. Any other request is recorded by the buffer.
        let fitsInMemory = request.singleMessage.map { $0.count <= policy.replayBufferLimit } ?? false
        let buffer = fitsInMemory ? nil : ReplayBuffer(limit: policy.replayBufferLimit, original: request.producer)
        var log = AttemptLog()
        var transparentRetries = 0
        var retry = 1
        while true {
            if Task.isCancelled { return Self.cancelled(path, log) }
            if log.count > 0, let overall, overall <= CallClock.now() {
                return StreamingClientResponse(error: log.deadlineError(path: path, detail: "passed"))
            }
            var attemptRequest = request
            if let buffer { attemptRequest.producer = buffer.producer() }
            if log.count > 0 {
                attemptRequest.metadata.replaceOrAddString(String(log.count), forKey: Self.previousAttemptsKey)
            }
            var attemptTimedOut = false
            let response: StreamingClientResponse
            if let timeout = policy.perAttemptTimeout {
                let remaining = overall.map { $0 - CallClock.now() }
                let ownDeadlineBinds = remaining.map { timeout < $0 } ?? true
                let limit = ownDeadlineBinds ? timeout : remaining!
                switch await Self.attempt(attemptRequest, context, next: next, timingOutAfter: limit, on: clock) {
                case .response(let answer):
                    response = answer
                case .timedOut where ownDeadlineBinds:
                    attemptTimedOut = overall.map { $0 > CallClock.now() } ?? true
                    response = StreamingClientResponse(error: RPCError(
                        code: .deadlineExceeded,
                        message: "attempt \(log.count + 1) of \(path) got no response headers within its per-attempt timeout of \(timeout.readable); it was cancelled"
                    ))
                case .timedOut:
                    response = StreamingClientResponse(error: RPCError(
                        code: .deadlineExceeded, message: "deadline of \(path) passed before attempt \(log.count + 1) got response headers; it was cancelled"
                    ))
                }
            } else {
                do {
                    response = try await next(attemptRequest, context)
                } catch {
                    response = StreamingClientResponse(error: RPCError(from: error))
                }
            }
            let error: RPCError
            switch response.accepted {
            case .success: return committed(response, retryable: policy.retryableStatusCodes)
            case .failure(let failure): error = failure
            }
            if Task.isCancelled { return Self.cancelled(path, log, error) }
            if error.wasNotProcessed, transparentRetries < maxTransparentRetries, buffer?.overflowed != true {
                transparentRetries += 1
                continue
            }
            log.append(error)
            guard policy.retryableStatusCodes.contains(error.code) || attemptTimedOut else {
                return fail(log, path, "\(error.code) is not a retryable status", explain: false)
            }
            let rejection = CircuitBreakerOpenError.find(in: error)
            if rejection == nil { throttle?.recordRetryableFailure() }   // a local rejection says nothing of the target
            if buffer?.overflowed == true {
                return fail(log, path, "the request outgrew the \(policy.replayBufferLimit)-byte replay buffer, which commits the call to its first attempt")
            }
            let delay: Duration
            if let rejection {
                // An open breaker inside: retry only once it lets calls through again, and only if
                // at least as much time would be left for that attempt as the wait takes. The
                // attempt after the wait is likely the breaker's probe: with a sliver of time left
                // it would time out, fail the probe and keep the breaker open after the callee
                // has recovered. Otherwise the rejection is the answer.
                guard let retryAfter = rejection.retryAfter, let overall,
                      retryAfter * 2 <= overall - CallClock.now() else {
                    return fail(log, path, "circuit '\(rejection.breakerName)' is open and its retry-after leaves less than half of the time to the deadline for the attempt", explain: false)
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
                let now = CallClock.now()
                if overall <= now {
                    return StreamingClientResponse(error: log.deadlineError(path: path, detail: "passed"))
                }
                if now + delay >= overall {
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

    /// How an attempt raced against its per-attempt timer ended.
    private enum TimedAttempt: Sendable {
        /// The attempt answered first: headers (it is committed) or a failure.
        case response(StreamingClientResponse)
        /// The timer fired first; the attempt's task has been cancelled and its answer dropped.
        case timedOut
    }

    private enum AttemptEvent: Sendable {
        case response(StreamingClientResponse)
        case timerFired
        case timerCancelled
    }

    /// Runs one attempt against a timer of `limit` on `clock`. The attempt and the timer run as
    /// child tasks: whichever ends first cancels the other, so an answered attempt runs on without
    /// the timer, and a timed-out attempt's task is cancelled (its stream reset) before this returns.
    private static func attempt(
        _ request: StreamingClientRequest,
        _ context: ClientContext,
        next: ClientNext,
        timingOutAfter limit: Duration,
        on clock: any Clock<Duration>
    ) async -> TimedAttempt {
        await withTaskGroup(of: AttemptEvent.self) { group -> TimedAttempt in
            group.addTask {
                do {
                    return .response(try await next(request, context))
                } catch {
                    return .response(StreamingClientResponse(error: RPCError(from: error)))
                }
            }
            group.addTask {
                do {
                    try await clock.sleep(for: limit)
                    return .timerFired
                } catch {
                    return .timerCancelled
                }
            }
            while let event = await group.next() {
                switch event {
                case .response(let response):
                    group.cancelAll()
                    return .response(response)
                case .timerFired:
                    group.cancelAll()
                    return .timedOut
                case .timerCancelled:
                    continue   // the caller was cancelled: the attempt ends with it
                }
            }
            return .timedOut
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

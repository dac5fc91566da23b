import RPCCore

extension RetryInterceptor {
    /// Creates a hedging interceptor: see ``HedgingPolicy``.
    ///
    /// Each copy goes through the interceptors after this one and the transport. The first copy
    /// whose response is not a failure with one of ``HedgingPolicy/nonFatalStatusCodes`` wins
    /// (headers received, or a fatal failure); the task of every other copy is cancelled at
    /// once, which resets its stream, and a response a losing copy already got is dropped (which
    /// resets its stream too). After a non-fatal failure the next copy is sent at once;
    /// `grpc-retry-pushback-ms` delays it by exactly that long, and a negative or unparseable
    /// value stops further copies. Copies carry `grpc-previous-rpc-attempts`; a ``RetryThrottle``
    /// stops further copies while throttled; no copy starts after the call's deadline.
    ///
    /// - Parameters:
    ///   - hedging: The hedging policy.
    ///   - throttle: Shared by the calls to one target; none by default.
    ///   - clock: Times the hedging delays; inject a manual clock in tests.
    public init(hedging: HedgingPolicy, throttle: RetryThrottle? = nil, clock: any Clock<Duration> = ContinuousClock()) {
        self.mode = .hedging(hedging)
        self.throttle = throttle
        self.maxTransparentRetries = 0
        self.clock = clock
        self.random = { 0 }
    }

    private enum Event: Sendable {
        case response(index: Int, StreamingClientResponse)
        case timer(generation: Int)
    }

    func hedge(
        _ policy: HedgingPolicy,
        request: StreamingClientRequest,
        context: ClientContext,
        next: @Sendable (StreamingClientRequest, ClientContext) async throws -> StreamingClientResponse
    ) async -> StreamingClientResponse {
        let path = context.descriptor.path
        let buffer = ReplayBuffer(limit: policy.replayBufferLimit, original: request.producer)
        let clock = self.clock
        let throttle = self.throttle
        return await withoutActuallyEscaping(next) { next in
            await withTaskGroup(of: Event.self) { group -> StreamingClientResponse in
                var launched = 0
                var inFlight = 0
                var generation = 0
                var stopped = false
                var timerPending = false
                var log = AttemptLog()

                func launch() {
                    var attempt = request
                    attempt.producer = buffer.producer()
                    if launched > 0 {
                        attempt.metadata.replaceOrAddString(String(launched), forKey: Self.previousAttemptsKey)
                    }
                    let index = launched
                    launched += 1
                    inFlight += 1
                    group.addTask {
                        do {
                            return .response(index: index, try await next(attempt, context))
                        } catch {
                            return .response(index: index, StreamingClientResponse(error: RPCError(from: error)))
                        }
                    }
                }

                func mayLaunch() -> Bool {
                    if stopped || launched >= policy.maxAttempts || buffer.overflowed { return false }
                    if let deadline = context.deadline, deadline <= .now { return false }
                    if let throttle, !throttle.allowsRetry { return false }
                    return true
                }

                func schedule(after delay: Duration) {
                    generation += 1
                    timerPending = true
                    let current = generation
                    group.addTask {
                        try? await clock.sleep(for: delay)
                        return .timer(generation: current)
                    }
                }

                launch()
                if mayLaunch() { schedule(after: policy.hedgingDelay) }
                while let event = await group.next() {
                    switch event {
                    case .timer(let fired):
                        guard fired == generation else { continue }
                        timerPending = false
                        guard mayLaunch() else { continue }
                        launch()
                        if mayLaunch() { schedule(after: policy.hedgingDelay) }
                    case .response(_, let response):
                        inFlight -= 1
                        let error: RPCError
                        switch response.accepted {
                        case .success:
                            group.cancelAll()
                            return committed(response, retryable: policy.nonFatalStatusCodes)
                        case .failure(let failure): error = failure
                        }
                        if Task.isCancelled {
                            group.cancelAll()
                            return Self.cancelled(path, log, error)
                        }
                        log.append(error)
                        guard policy.nonFatalStatusCodes.contains(error.code) else {
                            group.cancelAll()
                            return StreamingClientResponse(error: log.finalError(path: path, stoppedBecause: "\(error.code) is fatal for hedging"))
                        }
                        throttle?.recordRetryableFailure()
                        switch Pushback(error.metadata) {
                        case .stop: stopped = true
                        case .after(let milliseconds):
                            if mayLaunch() { schedule(after: .milliseconds(milliseconds)) }
                        case .none:
                            if mayLaunch() {
                                launch()
                                if mayLaunch() { schedule(after: policy.hedgingDelay) } else { timerPending = false }
                            }
                        }
                        if inFlight == 0 && !(timerPending && mayLaunch()) {
                            group.cancelAll()
                            return StreamingClientResponse(error: log.finalError(
                                path: path, stoppedBecause: Self.hedgingStopReason(stopped: stopped, launched: launched, policy: policy, buffer: buffer, throttle: throttle),
                                always: true
                            ))
                        }
                    }
                }
                return StreamingClientResponse(error: log.finalError(path: path, stoppedBecause: "no copy is left"))
            }
        }
    }

    private static func hedgingStopReason(
        stopped: Bool, launched: Int, policy: HedgingPolicy, buffer: ReplayBuffer, throttle: RetryThrottle?
    ) -> String {
        if stopped { return "the server's \(pushbackKey) says not to send more copies" }
        if launched >= policy.maxAttempts { return "all \(policy.maxAttempts) copies failed (maxAttempts)" }
        if buffer.overflowed { return "the request outgrew the \(policy.replayBufferLimit)-byte replay buffer" }
        if let throttle, !throttle.allowsRetry { return "hedging to this target is throttled" }
        return "the deadline passed"
    }
}

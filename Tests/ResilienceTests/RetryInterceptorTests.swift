import RPCCore
import Resilience
import ResilienceTestKit
import Synchronization
import Testing

/// A transport answering attempt n with `script(n)` (0-based), recording what each attempt saw.
final class ScriptedAttempts: ClientTransport {
    struct Seen: Sendable {
        var metadata: Metadata
        var deadline: ContinuousClock.Instant?
        var messages: [[UInt8]]
    }

    private let script: @Sendable (Int) async -> StreamingClientResponse
    private let seen = Mutex<[Seen]>([])

    init(_ script: @escaping @Sendable (Int) async -> StreamingClientResponse) { self.script = script }

    var attempts: [Seen] { seen.withLock { $0 } }
    var count: Int { seen.withLock { $0.count } }

    func call(request: StreamingClientRequest, context: ClientContext) async throws -> StreamingClientResponse {
        let messages = try await collectMessages(request)
        let index = seen.withLock { seen in
            seen.append(Seen(metadata: request.metadata, deadline: context.deadline, messages: messages))
            return seen.count - 1
        }
        return await script(index)
    }

    func close() async {}
}

func failure(_ code: Status.Code, _ message: String = "scripted", pushback: String? = nil, notProcessed: Bool = false) -> StreamingClientResponse {
    var metadata: Metadata = [:]
    if let pushback { metadata.addString(pushback, forKey: "grpc-retry-pushback-ms") }
    var error = RPCError(code: code, message: message, metadata: metadata)
    error.wasNotProcessed = notProcessed
    return StreamingClientResponse(error: error)
}

func retryPolicy(
    maxAttempts: Int = 3, initialBackoff: Duration = .milliseconds(100), maxBackoff: Duration = .seconds(1),
    multiplier: Double = 2, codes: Set<Status.Code> = [.unavailable], replayBufferLimit: Int = 64 * 1024,
    perAttemptTimeout: Duration? = nil
) -> RetryPolicy {
    try! RetryPolicy(
        maxAttempts: maxAttempts, initialBackoff: initialBackoff, maxBackoff: maxBackoff, backoffMultiplier: multiplier,
        retryableStatusCodes: codes, replayBufferLimit: replayBufferLimit, perAttemptTimeout: perAttemptTimeout
    )
}

@Suite struct RetryInterceptorTests {
    /// A retry interceptor with zero backoff (random 0) on a manual clock unless told otherwise.
    static func client(
        _ transport: ScriptedAttempts, policy: RetryPolicy = retryPolicy(), throttle: RetryThrottle? = nil,
        clock: ManualClock = ManualClock(), random: @escaping @Sendable () -> Double = { 0 }
    ) -> RPCClient<ScriptedAttempts> {
        RPCClient(transport: transport, interceptors: [
            RetryInterceptor(policy: policy, throttle: throttle, clock: clock, random: random),
        ])
    }

    static func unaryError(_ client: RPCClient<ScriptedAttempts>, options: CallOptions = .defaults) async -> RPCError? {
        do {
            _ = try await client.unary(request: ClientRequest(message: [7]), descriptor: getProduct, options: options)
            return nil
        } catch {
            return error as? RPCError
        }
    }

    @Test func retriesUpToMaxAttemptsAndListsEveryAttempt() async {
        let transport = ScriptedAttempts { n in failure(.unavailable, "down \(n + 1)") }
        let error = await Self.unaryError(Self.client(transport))
        #expect(transport.count == 3)
        #expect(error?.code == .unavailable)
        let message = error?.message ?? ""
        #expect(message.contains("failed after 3 attempts"))
        #expect(message.contains("maxAttempts 3 reached"))
        #expect(message.contains("attempt 1: UNAVAILABLE: down 1; attempt 2: UNAVAILABLE: down 2; attempt 3: UNAVAILABLE: down 3"))
    }

    @Test func succeedsOnALaterAttempt() async throws {
        let transport = ScriptedAttempts { n in n < 2 ? failure(.unavailable) : Responses.ok([9]) }
        let response = try await Self.client(transport).unary(request: ClientRequest(message: [7]), descriptor: getProduct)
        #expect(response.message == [9])
        #expect(transport.count == 3)
        #expect(transport.attempts.allSatisfy { $0.messages == [[7]] })
    }

    @Test func nonRetryableCodesAreReturnedAsIs() async {
        let transport = ScriptedAttempts { _ in failure(.notFound, "no such product") }
        let error = await Self.unaryError(Self.client(transport))
        #expect(transport.count == 1)
        #expect(error?.code == .notFound)
        #expect(error?.message == "no such product")
    }

    @Test func aNonRetryableFailureAfterRetriesSaysWhy() async {
        let transport = ScriptedAttempts { n in n == 0 ? failure(.unavailable) : failure(.internal, "bug") }
        let error = await Self.unaryError(Self.client(transport))
        #expect(transport.count == 2)
        #expect(error?.code == .internal)
        #expect(error?.message.contains("INTERNAL is not a retryable status") == true)
        #expect(error?.message.contains("attempt 1: UNAVAILABLE") == true)
    }

    @Test func customRetryableCodes() async {
        let transport = ScriptedAttempts { _ in failure(.resourceExhausted) }
        _ = await Self.unaryError(Self.client(transport, policy: retryPolicy(maxAttempts: 4, codes: [.resourceExhausted])))
        #expect(transport.count == 4)
    }

    @Test func aCommittedCallIsNotRetried() async {
        let transport = ScriptedAttempts { _ in Responses.failureAfterHeaders(.unavailable) }
        let error = await Self.unaryError(Self.client(transport))
        #expect(transport.count == 1)
        #expect(error?.code == .unavailable)
        #expect(error?.message == "scripted failure after headers")
    }

    @Test func aStreamingRequestIsReplayedFromTheBufferWithoutRerunningTheProducer() async throws {
        let transport = ScriptedAttempts { n in n < 2 ? failure(.unavailable) : Responses.ok() }
        let runs = Atomic<Int>(0)
        let request = StreamingClientRequest { writer in
            runs.add(1, ordering: .relaxed)
            try await writer.write(contentsOf: [[1], [2, 2], [3, 3, 3]])
        }
        let response = await Self.client(transport).streaming(request: request, descriptor: getProduct)
        #expect((try? response.accepted.get()) != nil)
        #expect(transport.attempts.map(\.messages) == Array(repeating: [[1], [2, 2], [3, 3, 3]], count: 3))
        #expect(runs.load(ordering: .relaxed) == 1)
    }

    @Test func overflowingTheReplayBufferCommitsTheCall() async {
        let transport = ScriptedAttempts { _ in failure(.unavailable) }
        let request = StreamingClientRequest { writer in try await writer.write(contentsOf: [[1, 2, 3], [4, 5, 6]]) }
        let response = await Self.client(transport, policy: retryPolicy(replayBufferLimit: 5)).streaming(request: request, descriptor: getProduct)
        #expect(transport.count == 1)
        guard case .failure(let error) = response.accepted else {
            Issue.record("expected a failure")
            return
        }
        #expect(error.code == .unavailable)
        #expect(error.message.contains("replay buffer"))
    }

    @Test func previousAttemptsMetadataOnEveryAttemptAfterTheFirst() async {
        let transport = ScriptedAttempts { _ in failure(.unavailable) }
        _ = await Self.unaryError(Self.client(transport, policy: retryPolicy(maxAttempts: 4)))
        #expect(transport.attempts.map { $0.metadata.firstString(forKey: "grpc-previous-rpc-attempts") } == [nil, "1", "2", "3"])
    }

    @Test func backoffSleepsOnTheClockWithinTheJitteredBound() async {
        let clock = ManualClock()
        let transport = ScriptedAttempts { _ in failure(.unavailable) }
        let client = Self.client(transport, policy: retryPolicy(maxAttempts: 3), clock: clock, random: { 0.5 })
        let call = Task { await Self.unaryError(client) }
        await clock.waitForSleepers(count: 1)
        #expect(transport.count == 1)
        clock.advance(by: .milliseconds(49))
        #expect(clock.sleeperCount == 1)
        clock.advance(by: .milliseconds(1))   // 50 ms = 0.5 x 100 ms
        await eventually("second attempt") { transport.count == 2 }
        await clock.waitForSleepers(count: 1)
        clock.advance(by: .milliseconds(99))
        #expect(clock.sleeperCount == 1)
        clock.advance(by: .milliseconds(1))   // 100 ms = 0.5 x 200 ms
        let error = await call.value
        #expect(transport.count == 3)
        #expect(error?.code == .unavailable)
    }

    @Test func pushbackWaitsExactlyThatLongAndRestartsTheBackoff() async {
        let clock = ManualClock()
        let transport = ScriptedAttempts { n in
            switch n {
            case 1: failure(.unavailable, pushback: "250")
            case 3: Responses.ok()
            default: failure(.unavailable)
            }
        }
        let client = Self.client(transport, policy: retryPolicy(maxAttempts: 4), clock: clock, random: { 1 })
        let call = Task { await Self.unaryError(client) }
        await clock.waitForSleepers(count: 1)
        clock.advance(by: .milliseconds(100))   // backoff before retry 1: 100 ms
        await eventually("second attempt") { transport.count == 2 }
        await clock.waitForSleepers(count: 1)
        clock.advance(by: .milliseconds(249))
        #expect(clock.sleeperCount == 1 && transport.count == 2)
        clock.advance(by: .milliseconds(1))     // pushback: exactly 250 ms
        await eventually("third attempt") { transport.count == 3 }
        await clock.waitForSleepers(count: 1)
        clock.advance(by: .milliseconds(99))
        #expect(clock.sleeperCount == 1 && transport.count == 3)
        clock.advance(by: .milliseconds(1))     // restarted: 100 ms again, not 200 ms
        let error = await call.value
        #expect(error == nil)
        #expect(transport.count == 4)
    }

    @Test(arguments: ["-1", "soon", ""])
    func negativeOrUnparseablePushbackStopsRetrying(value: String) async {
        let transport = ScriptedAttempts { _ in failure(.unavailable, pushback: value) }
        let error = await Self.unaryError(Self.client(transport))
        #expect(transport.count == 1)
        #expect(error?.code == .unavailable)
    }

    @Test func pushbackStopAfterRetriesIsExplained() async {
        let transport = ScriptedAttempts { n in n == 0 ? failure(.unavailable) : failure(.unavailable, pushback: "-1") }
        let error = await Self.unaryError(Self.client(transport))
        #expect(transport.count == 2)
        #expect(error?.message.contains("grpc-retry-pushback-ms '-1' says not to retry") == true)
    }

    @Test func throttlingStopsRetriesAndRecoversWithSuccesses() async throws {
        let throttle = try RetryThrottle(maxTokens: 4, tokenRatio: 1)
        let failing = Atomic<Bool>(true)
        let transport = ScriptedAttempts { _ in failing.load(ordering: .relaxed) ? failure(.unavailable) : Responses.ok() }
        let client = Self.client(transport, policy: retryPolicy(maxAttempts: 5), throttle: throttle)
        let first = await Self.unaryError(client)
        #expect(transport.count == 2)      // 4 -> 3 (retry), 3 -> 2 (throttled)
        #expect(throttle.tokenCount == 2)
        #expect(first?.message.contains("throttled") == true)
        _ = await Self.unaryError(client)
        #expect(transport.count == 3)      // 2 -> 1: no retry
        failing.store(false, ordering: .relaxed)
        for _ in 0..<3 { _ = try await client.unary(request: ClientRequest(message: [1]), descriptor: getProduct) }
        #expect(throttle.tokenCount == 4)
        failing.store(true, ordering: .relaxed)
        let before = transport.count
        _ = await Self.unaryError(client)
        #expect(transport.count - before == 2)   // retried again: 4 -> 3, then 3 -> 2: throttled
    }

    @Test func notProcessedFailuresAreRetriedTransparentlyWithoutCountingAnAttempt() async throws {
        let transport = ScriptedAttempts { n in
            switch n {
            case 0, 1: failure(.unavailable, "refused", notProcessed: true)
            case 2: failure(.unavailable)
            default: Responses.ok()
            }
        }
        _ = try await Self.client(transport, policy: retryPolicy(maxAttempts: 2)).unary(request: ClientRequest(message: [1]), descriptor: getProduct)
        #expect(transport.count == 4)
        #expect(transport.attempts.map { $0.metadata.firstString(forKey: "grpc-previous-rpc-attempts") } == [nil, nil, nil, "1"])
    }

    @Test func transparentRetriesAreBounded() async {
        let transport = ScriptedAttempts { _ in failure(.unavailable, "refused", notProcessed: true) }
        let error = await Self.unaryError(Self.client(transport, policy: retryPolicy(maxAttempts: 2)))
        #expect(transport.count == 5)   // 3 transparent, then 2 counted attempts
        #expect(error?.message.contains("failed after 2 attempts") == true)
    }

    @Test func noAttemptWhenTheBackoffWouldPassTheDeadline() async {
        let transport = ScriptedAttempts { _ in failure(.unavailable, "backend restarting") }
        let client = Self.client(transport, policy: retryPolicy(initialBackoff: .seconds(30), maxBackoff: .seconds(30)), random: { 1 })
        let error = await Self.unaryError(client, options: CallOptions(timeout: .seconds(5)))
        #expect(transport.count == 1)
        #expect(error?.code == .deadlineExceeded)
        #expect(error?.message.contains("would pass during the") == true)
        #expect(error?.message.contains("UNAVAILABLE: backend restarting") == true)
    }

    @Test func everyAttemptSharesTheOverallDeadline() async {
        let transport = ScriptedAttempts { _ in failure(.unavailable) }
        let started = ContinuousClock.now
        _ = await Self.unaryError(Self.client(transport), options: CallOptions(timeout: .seconds(60)))
        let deadlines = transport.attempts.compactMap(\.deadline)
        #expect(deadlines.count == 3)
        #expect(Set(deadlines).count == 1)
        #expect(deadlines[0] > started && deadlines[0] <= started.advanced(by: .seconds(61)))
    }

    @Test func anAttemptWithoutHeadersByItsPerAttemptTimeoutIsCancelledAndRetried() async throws {
        let clock = ManualClock()
        let cancelled = Tally()
        let transport = ScriptedAttempts { n in
            guard n == 0 else { return Responses.ok([UInt8(n)]) }
            try? await Task.sleep(for: .seconds(60))   // no headers until cancelled
            if Task.isCancelled { cancelled.increment() }
            return failure(.cancelled, "cancelled")
        }
        let client = Self.client(transport, policy: retryPolicy(perAttemptTimeout: .seconds(1)), clock: clock)
        let started = ContinuousClock.now
        let call = Task {
            try await client.unary(request: ClientRequest(message: [1]), descriptor: getProduct, options: CallOptions(timeout: .seconds(60)))
        }
        await eventually("first attempt and its timer") { transport.count == 1 && clock.sleeperCount == 1 }
        clock.advance(by: .milliseconds(999))
        #expect(transport.count == 1 && cancelled.count == 0)
        clock.advance(by: .milliseconds(1))   // the per-attempt timeout: attempt 1 is cancelled, attempt 2 answers
        #expect(try await call.value.message == [1])
        await cancelled.wait(until: 1)
        #expect(transport.count == 2)
        #expect(transport.attempts.map { $0.metadata.firstString(forKey: "grpc-previous-rpc-attempts") } == [nil, "1"])
        // Every attempt carries the overall deadline (so grpc-timeout is the remaining overall time).
        let deadlines = transport.attempts.compactMap(\.deadline)
        #expect(deadlines.count == 2 && Set(deadlines).count == 1)
        #expect(deadlines[0] > started.advanced(by: .seconds(59)))
    }

    @Test func anAttemptWhoseHeadersArriveInTimeIsNotCutByItsPerAttemptTimeoutWhileItStreams() async throws {
        let clock = ManualClock()
        let bodyMayEnd = Gate()
        let transport = ScriptedAttempts { _ in
            StreamingClientResponse(accepted: .success(.init(
                metadata: [:],
                bodyParts: RPCAsyncSequence(makeNext: {
                    var index = 0
                    return {
                        index += 1
                        switch index {
                        case 1: return .message([1])
                        case 2:
                            await bodyMayEnd.wait()
                            return .message([2])
                        case 3: return .trailers([:])
                        default: return nil
                        }
                    }
                })
            )))
        }
        let client = Self.client(transport, policy: retryPolicy(perAttemptTimeout: .seconds(1)), clock: clock)
        let response = await client.streaming(request: StreamingClientRequest(message: [1]), descriptor: getProduct)
        let contents = try response.accepted.get()
        #expect(clock.sleeperCount == 0)   // headers arrived: the per-attempt timer is gone
        clock.advance(by: .seconds(5))      // well past the per-attempt deadline
        bodyMayEnd.open()
        var messages: [[UInt8]] = []
        for try await part in contents.bodyParts {
            if case .message(let bytes) = part { messages.append(bytes) }
        }
        #expect(messages == [[1], [2]])
        #expect(transport.count == 1)
    }

    @Test func aDeadlineExceededFromTheAttemptItselfIsNotRetriedLikeAPerAttemptTimeout() async {
        let transport = ScriptedAttempts { _ in failure(.deadlineExceeded, "server gave up") }
        let client = Self.client(transport, policy: retryPolicy(perAttemptTimeout: .seconds(1)))
        let error = await Self.unaryError(client, options: CallOptions(timeout: .seconds(60)))
        #expect(transport.count == 1)
        #expect(error?.code == .deadlineExceeded)
        #expect(error?.message == "server gave up")
    }

    @Test func theOverallDeadlineBoundsAPerAttemptTimeoutAndItsExpiryIsNotRetried() async throws {
        // The deadline is on the real clock: 20 s leaves room for a loaded machine (with 2 s, a
        // test process stalled for 2 s before the attempt saw the deadline pass first).
        let transport = ScriptedAttempts { _ in failure(.deadlineExceeded) }
        let client = Self.client(transport, policy: retryPolicy(perAttemptTimeout: .seconds(300)))
        let started = ContinuousClock.now
        let error = await Self.unaryError(client, options: CallOptions(timeout: .seconds(20)))
        try #require(transport.count == 1)
        #expect(error?.code == .deadlineExceeded)
        let deadline = try #require(transport.attempts[0].deadline)
        #expect(deadline <= started.advanced(by: .seconds(21)))
    }

    @Test func callerCancellationDuringAnAttemptEndsWithCancelledAndIsNotRetried() async {
        let inAttempt = Gate()
        let transport = ScriptedAttempts { _ in
            inAttempt.open()
            try? await Task.sleep(for: .seconds(60))
            return failure(.unavailable)
        }
        let client = Self.client(transport)
        let call = Task { await Self.unaryError(client) }
        await inAttempt.wait()
        call.cancel()
        let error = await call.value
        #expect(error?.code == .cancelled)
        #expect(transport.count == 1)
    }

    @Test func callerCancellationDuringATimedAttemptEndsWithCancelledAndIsNotRetried() async {
        let clock = ManualClock()
        let inAttempt = Gate()
        let transport = ScriptedAttempts { _ in
            inAttempt.open()
            try? await Task.sleep(for: .seconds(60))
            return failure(.unavailable)
        }
        let client = Self.client(transport, policy: retryPolicy(perAttemptTimeout: .seconds(1)), clock: clock)
        let call = Task { await Self.unaryError(client) }
        await inAttempt.wait()
        call.cancel()
        let error = await call.value
        #expect(error?.code == .cancelled)
        #expect(transport.count == 1)
        #expect(clock.sleeperCount == 0)   // the per-attempt timer went with the attempt
    }

    @Test func callerCancellationDuringTheBackoffEndsWithCancelled() async {
        let clock = ManualClock()
        let transport = ScriptedAttempts { _ in failure(.unavailable) }
        let client = Self.client(transport, clock: clock, random: { 1 })
        let call = Task { await Self.unaryError(client) }
        await clock.waitForSleepers(count: 1)
        call.cancel()
        let error = await call.value
        #expect(error?.code == .cancelled)
        #expect(error?.message.contains("not retried") == true)
        #expect(transport.count == 1)
    }

    @Test func aThrowingNextIsTreatedAsAFailedAttempt() async throws {
        let transport = FakeTransport { _, _ in throw RPCError(code: .unavailable, message: "thrown") }
        let client = RPCClient(transport: transport, interceptors: [RetryInterceptor(policy: retryPolicy(), clock: ManualClock(), random: { 0 })])
        await #expect(throws: RPCError.self) {
            _ = try await client.unary(request: ClientRequest(message: [1]), descriptor: getProduct)
        }
        #expect(transport.callCount == 3)
    }
}

@Suite struct RetryAroundCircuitBreakerTests {
    @Test func anOpenBreakersRejectionIsNotRetriedWithoutADeadline() async {
        let breaker = CircuitBreaker(name: "catalog", configuration: breakerConfiguration())
        breaker.forceOpen()
        let transport = ScriptedAttempts { _ in Responses.ok() }
        let client = RPCClient(transport: transport, interceptors: [
            RetryInterceptor(policy: retryPolicy(), clock: ManualClock(), random: { 0 }),
            CircuitBreakerInterceptor(breaker: breaker),
        ])
        let error = await RetryInterceptorTests.unaryError(client)
        #expect(error?.code == .unavailable)
        #expect(error.flatMap { CircuitBreakerOpenError.find(in: $0) } != nil)
        #expect(transport.count == 0)
    }

    @Test func anOpenBreakersRejectionIsNotWaitedOutWhenLessTimeWouldBeLeftForTheProbeThanTheWait() async throws {
        // Retry-after 5 s, 8 s to the deadline: after the wait only 3 s would be left for the
        // attempt that is likely the breaker's probe. Waiting would let a slow probe time out
        // and reopen the breaker after the callee recovered: return the rejection at once.
        let clock = ManualClock()
        let breaker = CircuitBreaker(name: "catalog", configuration: breakerConfiguration(minimumCalls: 1, openDuration: .seconds(5)), clock: clock)
        let transport = ScriptedAttempts { _ in failure(.unavailable) }
        let client = RPCClient(transport: transport, interceptors: [
            RetryInterceptor(policy: retryPolicy(), clock: clock, random: { 0 }),
            CircuitBreakerInterceptor(breaker: breaker),
        ])
        // Attempt 1 fails and opens the breaker; after its backoff (zero with this jitter source,
        // so the manual clock does not hold it) attempt 2 is rejected with a retry-after of 5 s.
        // Settles when the call ends or (the bug) starts waiting out the retry-after.
        let settled = Gate()
        let call = Task {
            defer { settled.open() }
            return await RetryInterceptorTests.unaryError(client, options: CallOptions(timeout: .seconds(8)))
        }
        let watcher = Task {
            await clock.waitForSleepers(count: 1)
            settled.open()
        }
        await settled.wait()
        watcher.cancel()
        #expect(clock.sleeperCount == 0, "the call is waiting out the retry-after")
        clock.advance(by: .seconds(5))   // lets a wrongly waiting call finish instead of hanging
        let error = await call.value
        let rejection = try #require(error.flatMap { CircuitBreakerOpenError.find(in: $0) })
        #expect(rejection.retryAfter == .seconds(5))
        #expect(error?.message.contains("leaves less than half of the time to the deadline") == true, "\(String(describing: error))")
        #expect(transport.count == 1)
        #expect(clock.sleeperCount == 0)
    }

    @Test func anOpenBreakersRejectionIsRetriedAfterItsRetryAfterWhenThatFitsTheDeadline() async throws {
        let clock = ManualClock()
        let breaker = CircuitBreaker(name: "catalog", configuration: breakerConfiguration(minimumCalls: 1, openDuration: .seconds(5)), clock: clock)
        let transport = ScriptedAttempts { n in n == 0 ? failure(.unavailable) : Responses.ok([3]) }
        let client = RPCClient(transport: transport, interceptors: [
            RetryInterceptor(policy: retryPolicy(), clock: clock, random: { 0 }),
            CircuitBreakerInterceptor(breaker: breaker),
        ])
        let call = Task {
            try await client.unary(request: ClientRequest(message: [1]), descriptor: getProduct, options: CallOptions(timeout: .seconds(60)))
        }
        // Attempt 1 fails and opens the breaker; attempt 2 is rejected; the retry waits out the open state.
        await eventually("retry waits for the breaker") { clock.sleeperCount == 1 && transport.count == 1 && breaker.state == .open }
        clock.advance(by: .seconds(5))
        #expect(try await call.value.message == [3])
        #expect(transport.count == 2)
    }
}

import RPCCore
import Synchronization

/// A server interceptor that makes a server misbehave on purpose: errors with a chosen status at
/// a rate, latency (fixed, uniform, long tail), hangs, stream resets, GOAWAY, dropped
/// connections, outage windows and `grpc-retry-pushback-ms`, for all methods or chosen ones,
/// optionally on a schedule of phases. For deterministic tests, calls can ask for faults with
/// `x-fault-*` metadata (``FaultMetadataKeys``) when ``Configuration/allowsMetadataFaults`` is on.
///
/// Decisions come from a ``FaultPlanner`` fed by a seeded random source, so a run can be
/// replayed; latency is slept on the injected clock. Transport-level faults are thrown as
/// ``TransportFault``s, which the HTTP/2 server transport acts on (others send UNAVAILABLE).
///
/// ```swift
/// let faults = try FaultInjectionInterceptor(configuration: .init(
///     rules: [FaultRule(errorRate: 0.3, latency: .uniform(.milliseconds(2) ... .milliseconds(20)))],
///     seed: 1
/// )) { fault in print("injected \(fault)") }
/// let server = RPCServer(transport: transport, services: [EchoService()], interceptors: [faults])
/// // ... later
/// print(faults.counters)   // 120 calls, 37 injected faults (...), max 8 concurrent calls, 0 still in flight, ...
/// ```
public final class FaultInjectionInterceptor: ServerInterceptor {
    private struct State {
        var planner: FaultPlanner
        var random: any RandomNumberGenerator & Sendable
        var counters = Counters()
    }

    /// What the interceptor injects.
    public let configuration: Configuration
    /// The seed of the random source: ``Configuration/seed``, or the one picked at random.
    public let seed: UInt64
    private let elapsedTime: @Sendable () -> Duration
    private let sleep: @Sendable (Duration) async throws -> Void
    private let onFault: (@Sendable (InjectedFault) -> Void)?
    private let state: Mutex<State>

    /// Creates an interceptor; its schedule (outage windows, phases) starts now.
    /// - Parameters:
    ///   - configuration: What to inject.
    ///   - clock: The clock latency is slept on and schedules are read from. Default
    ///     `ContinuousClock`; tests pass a `ManualClock`.
    ///   - random: Overrides the seeded source (values from its `next()`); default `nil`:
    ///     ``FaultRandom`` seeded with ``seed``.
    ///   - onFault: Called for each fault injected, outside the interceptor's lock, on the
    ///     calling task, before the fault takes effect.
    /// - Throws: ``FaultInjectionConfigurationError`` if the configuration is invalid.
    public init(
        configuration: Configuration,
        clock: any Clock<Duration> = ContinuousClock(),
        random: (any RandomNumberGenerator & Sendable)? = nil,
        onFault: (@Sendable (InjectedFault) -> Void)? = nil
    ) throws(FaultInjectionConfigurationError) {
        try configuration.validate()
        self.configuration = configuration
        let seed = configuration.seed ?? UInt64.random(in: 0...UInt64.max)
        self.seed = seed
        (elapsedTime, sleep) = Self.timing(clock)
        self.onFault = onFault
        state = Mutex(State(planner: FaultPlanner(configuration: configuration), random: random ?? FaultRandom(seed: seed)))
    }

    private static func timing<C: Clock>(_ clock: C) -> (@Sendable () -> Duration, @Sendable (Duration) async throws -> Void) where C.Duration == Duration {
        let start = clock.now
        return ({ start.duration(to: clock.now) }, { try await clock.sleep(for: $0) })
    }

    /// The counters so far: calls, in flight, maximum concurrency, faults by kind.
    public var counters: Counters { state.withLock { $0.counters } }

    /// Time since the interceptor was created, on its clock.
    public var elapsed: Duration { elapsedTime() }

    /// The current phase of ``Configuration/phases``; `nil` without phases.
    public var currentPhase: FaultPhase.Position? {
        FaultPhase.Position.of(configuration.phases, at: elapsedTime())
    }

    /// Plans the call's faults, reports them to `onFault`, then sleeps the delay and applies
    /// the action (or calls `next`), counting the call until its response ends.
    public func intercept(
        request: StreamingServerRequest,
        context: ServerContext,
        next: @Sendable (StreamingServerRequest, ServerContext) async throws -> StreamingServerResponse
    ) async throws -> StreamingServerResponse {
        let now = elapsedTime()
        let decision = state.withLock { state in
            var random = state.random
            let decision = state.planner.plan(elapsed: now, method: context.descriptor, metadata: request.metadata) {
                FaultRandom.unitInterval(random.next())
            }
            state.random = random
            state.counters.calls += 1
            state.counters.inFlight += 1
            state.counters.maxConcurrentCalls = max(state.counters.maxConcurrentCalls, state.counters.inFlight)
            for kind in decision.faults { state.counters.injected[kind, default: 0] += 1 }
            if decision.invalidMetadata { state.counters.invalidMetadata += 1 }
            return decision
        }
        let tracker = CallTracker { [self] in state.withLock { $0.counters.inFlight -= 1 } }
        if let onFault {
            for fault in Self.events(decision, method: context.descriptor) { onFault(fault) }
        }
        do {
            if decision.delay > .zero { try await sleep(decision.delay) }
            switch decision.action {
            case .proceed:
                return Self.tracking(try await next(request, context), tracker)
            case .fail(let status, let trailers):
                tracker.end()
                return StreamingServerResponse(error: RPCError(code: status.code, message: status.message, metadata: trailers))
            case .hang:
                // Ends when the transport cancels the handler: deadline, client reset, shutdown.
                while true { try await sleep(.seconds(86_400)) }
            case .transport(let fault, let status):
                throw RPCError(code: status.code, message: status.message, cause: fault)
            }
        } catch {
            tracker.end()
            throw error
        }
    }

    /// Ends the call's tracking when its response ends or is dropped unsent.
    private static func tracking(_ response: StreamingServerResponse, _ tracker: CallTracker) -> StreamingServerResponse {
        switch response.accepted {
        case .failure:
            tracker.end()
            return response
        case .success(let contents):
            let producer = contents.producer
            return StreamingServerResponse(accepted: .success(.init(metadata: contents.metadata) { writer in
                defer { tracker.end() }
                return try await producer(writer)
            }))
        }
    }

    private static func events(_ decision: FaultDecision, method: MethodDescriptor) -> [InjectedFault] {
        decision.faults.map { kind in
            let detail: String = switch (kind, decision.action) {
            case (.latency, _): Text.duration(decision.delay)
            case (.outage, .fail(let status, _)): status.message
            case (.error, .fail(let status, _)): "\(status.code)"
            case (.reset, .transport(let fault, _)): if case .resetStream(let code) = fault.action { "RST_STREAM \(code)" } else { "\(fault)" }
            case (.goAway, _): "GOAWAY"
            case (.drop, _): "connection dropped"
            case (.hang, _): "no response until the deadline or cancellation"
            default: "\(decision)"
            }
            return InjectedFault(kind: kind, method: method, detail: detail, fromMetadata: decision.fromMetadata, phase: decision.phase)
        }
    }
}

/// Runs `onEnd` once: at ``end()``, or when dropped.
private final class CallTracker: Sendable {
    private let ended = Atomic<Bool>(false)
    private let onEnd: @Sendable () -> Void

    init(_ onEnd: @escaping @Sendable () -> Void) { self.onEnd = onEnd }

    func end() {
        if ended.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing).exchanged { onEnd() }
    }

    deinit { end() }
}

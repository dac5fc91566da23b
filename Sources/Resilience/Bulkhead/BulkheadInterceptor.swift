import RPCCore

/// Puts a bulkhead in front of calls: each call takes a permit before `next` (waiting in the
/// bulkhead's queue if it allows), and gives it back only when the underlying call has really
/// ended: its response stream finished or failed, or its body was dropped (which resets the
/// stream). A timeout or fallback above that returns early does not free the permit while the
/// call still occupies the callee.
///
/// A rejected call gets a response whose `accepted` is `.failure` with a RESOURCE_EXHAUSTED
/// `RPCError` carrying the ``BulkheadFullError`` as its `cause`, without calling `next`. A caller
/// cancelled while queued gets CANCELLED. For an adaptive limit, outcomes are classified with
/// ``overloadCodes``: those statuses back the limit off, caller cancellation says nothing, anything
/// else is a latency sample.
///
/// Place it inside the circuit breaker (see the composition order in README.md): fallback,
/// timeout, retry, circuit breaker, bulkhead, per-attempt timeout.
///
/// ```swift
/// let client = RPCClient(transport: transport, interceptors: [
///     BulkheadInterceptor(registry: BulkheadRegistry(defaultConfiguration: try .init(maxConcurrentCalls: 8))),
/// ])
/// ```
public struct BulkheadInterceptor: ClientInterceptor, ChainedClientInterceptor, ClientCallHook {
    private let bulkheads: BulkheadSource

    /// Statuses that tell an adaptive limit the callee is overloaded: DEADLINE_EXCEEDED,
    /// UNAVAILABLE and RESOURCE_EXHAUSTED (unless it is another bulkhead's rejection).
    public static let overloadCodes: Set<Status.Code> = [.deadlineExceeded, .unavailable, .resourceExhausted]

    /// One bulkhead for every call through this interceptor.
    public init(bulkhead: Bulkhead) {
        bulkheads = .single(bulkhead)
    }

    /// A bulkhead per method (or service) from `registry`.
    public init(registry: BulkheadRegistry) {
        bulkheads = .registry(registry)
    }

    /// The bulkhead that guards calls to `descriptor`.
    public func bulkhead(for descriptor: MethodDescriptor) -> Bulkhead {
        bulkheads.bulkhead(for: descriptor)
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
        let permit: Bulkhead.Permit
        do {
            permit = try await bulkhead(for: context.descriptor).acquire()
        } catch {
            return StreamingClientResponse(error: RPCError(from: error))
        }
        let response: StreamingClientResponse
        do {
            response = try await next(request, context)
        } catch {
            permit.release(Self.classify(.failure(RPCError(from: error))))
            throw error
        }
        guard permit.admittedAt == .zero else {
            return response.onEnd { outcome in permit.release(Self.classify(outcome)) }
        }
        // A fixed limit never reads the clock (admitted at zero): capturing the bulkhead alone
        // costs no closure context.
        let bulkhead = permit.bulkhead
        return response.onEnd { outcome in
            Bulkhead.Permit(bulkhead: bulkhead, admittedAt: .zero).release(Self.classify(outcome))
        }
    }

    /// What an RPC outcome means to an adaptive limit.
    static func classify(_ outcome: CallOutcome) -> Bulkhead.Outcome {
        switch outcome {
        case .success: return .success
        case .abandoned: return .ignored
        case .failure(let error):
            if error.code == .cancelled || BulkheadFullError.find(in: error) != nil { return .ignored }
            return overloadCodes.contains(error.code) ? .failure : .success
        }
    }
}

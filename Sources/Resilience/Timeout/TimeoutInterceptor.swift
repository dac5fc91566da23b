import RPCCore

/// Bounds calls in time: sets ``ClientContext/deadline`` to `timeout` from when the call reaches
/// this interceptor, or leaves an earlier deadline as it is (a deadline only moves earlier).
/// Transports send the remaining time as `grpc-timeout`, reset the stream when it passes and
/// fail the call with DEADLINE_EXCEEDED.
///
/// Outside a ``RetryInterceptor`` it is the overall timeout (retries and backoffs included);
/// inside one, next to the transport, it bounds each whole attempt, streaming included (or use
/// ``RetryPolicy/perAttemptTimeout``, which bounds an attempt only until its response headers
/// and makes a timed-out attempt retryable).
///
/// ```swift
/// let client = RPCClient(transport: transport, interceptors: [
///     TimeoutInterceptor(timeout: .seconds(2)),   // the whole call
///     RetryInterceptor(policy: .default),
/// ])
/// ```
public struct TimeoutInterceptor: ClientInterceptor, ChainedClientInterceptor, ClientCallHook {
    /// How long a call may take from when it reaches this interceptor.
    public let timeout: Duration

    /// Creates the interceptor. A zero or negative `timeout` fails calls at once with
    /// DEADLINE_EXCEEDED.
    public init(timeout: Duration) {
        self.timeout = timeout
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
        var context = context
        switch enter(context: &context) {
        case .reject(let response): return response
        case .proceed, .intercept: return try await next(request, context)
        }
    }

    // As a hook, `RPCClient` runs it without an async frame; it never observes the end.
    @usableFromInline
    package func enter(context: inout ClientContext) -> ClientHookEntry {
        // In offsets of a fixed layout (`CallClock`), not `ContinuousClock.Instant`s: plain
        // integer arithmetic instead of runtime calls.
        let now = CallClock.now()
        let deadline = now + timeout
        if context.deadlineOffset.map({ deadline < $0 }) ?? true { context.deadlineOffset = deadline }
        if let effective = context.deadlineOffset, effective <= now {
            return .reject(StreamingClientResponse(error: RPCError(
                code: .deadlineExceeded,
                message: "deadline of \(context.descriptor.path) passed before the call was sent (timeout \(timeout))"
            )))
        }
        return .proceed(nil)
    }
}

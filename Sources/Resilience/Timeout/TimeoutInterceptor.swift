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
public struct TimeoutInterceptor: ClientInterceptor, ChainedClientInterceptor {
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
        let now = ContinuousClock.now
        let deadline = now.advanced(by: timeout)
        var context = context
        if context.deadline.map({ deadline < $0 }) ?? true { context.deadline = deadline }
        if let effective = context.deadline, effective <= now {
            return StreamingClientResponse(error: RPCError(
                code: .deadlineExceeded,
                message: "deadline of \(context.descriptor.path) passed before the call was sent (timeout \(timeout))"
            ))
        }
        return try await next(request, context)
    }
}

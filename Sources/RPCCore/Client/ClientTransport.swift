/// Carries client calls to a server: the HTTP/2 transport, or the in-process one for tests.
public protocol ClientTransport: Sendable {
    /// Starts a call. Returns once response headers arrive, or with `accepted == .failure` when
    /// the call ended before any (Trailers-Only, refused, deadline passed). The request producer
    /// runs concurrently. Must honour `context.deadline` (DEADLINE_EXCEEDED) and task
    /// cancellation (CANCELLED), resetting the stream in both cases; dropping the response body
    /// before it ends cancels the call too.
    func call(request: StreamingClientRequest, context: ClientContext) async throws -> StreamingClientResponse

    /// Closes connections; calls in flight fail with UNAVAILABLE, new calls are refused.
    func close() async
}

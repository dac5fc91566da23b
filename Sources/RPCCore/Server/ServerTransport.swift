/// Accepts calls from clients and hands each to a handler: the HTTP/2 transport, or the in-process
/// one for tests.
public protocol ServerTransport: Sendable {
    /// Accepts calls until ``beginGracefulShutdown()`` has drained them or the transport fails.
    /// `handler` is called once per call, concurrently, in a task the transport owns and cancels
    /// when the client resets the stream or the deadline passes.
    func listen(
        _ handler: @escaping @Sendable (StreamingServerRequest, ServerContext) async -> StreamingServerResponse
    ) async throws

    /// Stops accepting new calls, lets calls in flight finish, then makes `listen` return.
    func beginGracefulShutdown()
}

import RPCCore

extension InProcessTransport {
    /// The server end of an ``InProcessTransport``.
    ///
    /// `listen` may be called once. It runs each call's handler in a task of its own, which is
    /// cancelled when the client cancels, its deadline passes or the client transport closes.
    /// After ``beginGracefulShutdown()`` new calls fail with UNAVAILABLE and `listen` returns once
    /// the accepted calls are done. Cancelling the task running `listen` fails the calls in flight
    /// with UNAVAILABLE and cancels their handlers.
    public struct Server: ServerTransport {
        let hub: InProcessHub

        init(hub: InProcessHub) { self.hub = hub }

        /// Serves calls: see ``ServerTransport/listen(_:)``. Throws FAILED_PRECONDITION when
        /// called a second time.
        public func listen(
            _ handler: @escaping @Sendable (StreamingServerRequest, ServerContext) async -> StreamingServerResponse
        ) async throws {
            try await hub.listen(handler)
        }

        /// Stops accepting new calls; `listen` returns once the calls in flight are done.
        public func beginGracefulShutdown() {
            hub.beginGracefulShutdown()
        }
    }
}

import RPCCore

/// A client transport and a server transport wired to each other in memory, with no sockets: for
/// tests and examples.
///
/// Each call the ``Client`` starts is handed to the handler the ``Server`` was given by `listen`
/// (calls made before `listen` wait for it). Request and response messages flow through bounded
/// in-memory streams with backpressure; metadata, trailers and errors (with their metadata) pass
/// through unchanged. The client enforces ``ClientContext/deadline`` (DEADLINE_EXCEEDED) and task
/// cancellation (CANCELLED), and in both cases cancels the server handler's task; the server
/// handler sees the deadline in its ``ServerContext``.
///
/// ```swift
/// let transport = InProcessTransport()
/// let server = RPCServer(transport: transport.server, services: [EchoService()])
/// let client = RPCClient(transport: transport.client)
///
/// try await withThrowingTaskGroup(of: Void.self) { group in
///     group.addTask { try await server.serve() }
///     let reply = try await client.unary(
///         request: ClientRequest(message: Array("hi".utf8)), descriptor: echo
///     )
///     print(reply.message)
///     server.beginGracefulShutdown()   // serve() returns once calls in flight are done
/// }
/// ```
public struct InProcessTransport: Sendable {
    /// The client end: give it to an ``RPCClient``.
    public let client: Client
    /// The server end: give it to an ``RPCServer``.
    public let server: Server

    /// Creates a connected client and server.
    public init() {
        let hub = InProcessHub()
        client = Client(hub: hub)
        server = Server(hub: hub)
    }

    /// Creates a connected client and server.
    ///
    /// ```swift
    /// let (clientTransport, serverTransport) = InProcessTransport.makePair()
    /// ```
    public static func makePair() -> (client: Client, server: Server) {
        let transport = InProcessTransport()
        return (transport.client, transport.server)
    }
}

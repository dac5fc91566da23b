/// A gRPC server: routes each call the transport accepts through the server interceptors to the
/// registered handler.
///
/// ```swift
/// let server = RPCServer(
///     transport: try HTTP2ServerTransport(address: .ipv4(host: "127.0.0.1", port: 50051)),
///     services: [EchoService()]
/// )
/// try await server.serve()
/// ```
public struct RPCServer<Transport: ServerTransport>: Sendable {
    public let transport: Transport
    public let interceptors: [any ServerInterceptor]
    private let router: RPCRouter

    public init(transport: Transport, services: [any RegistrableRPCService], interceptors: [any ServerInterceptor] = []) {
        var router = RPCRouter()
        for service in services { service.registerMethods(with: &router) }
        self.init(transport: transport, router: router, interceptors: interceptors)
    }

    public init(transport: Transport, router: RPCRouter, interceptors: [any ServerInterceptor] = []) {
        self.transport = transport
        self.router = router
        self.interceptors = interceptors
    }

    /// Serves until ``beginGracefulShutdown()`` completes or the transport fails.
    public func serve() async throws {
        let handle = self.handle
        try await transport.listen { request, context in await handle(request, context) }
    }

    /// Stops accepting calls and lets those in flight finish.
    public func beginGracefulShutdown() { transport.beginGracefulShutdown() }

    /// Handles one call: interceptors, routing (UNIMPLEMENTED for unknown methods), the handler.
    /// Thrown errors become a `.failure` response with their status.
    public func handle(_ request: StreamingServerRequest, _ context: ServerContext) async -> StreamingServerResponse {
        do {
            return try await run(index: 0, request: request, context: context)
        } catch {
            return StreamingServerResponse(error: RPCError(from: error))
        }
    }

    private func run(index: Int, request: StreamingServerRequest, context: ServerContext) async throws -> StreamingServerResponse {
        if index == interceptors.count {
            guard let handler = router.handler(for: context.descriptor) else {
                return StreamingServerResponse(error: RPCError(
                    code: .unimplemented,
                    message: "method \(context.descriptor.path) is not implemented by this server"
                ))
            }
            return try await handler(request, context)
        }
        return try await interceptors[index].intercept(request: request, context: context) { request, context in
            try await self.run(index: index + 1, request: request, context: context)
        }
    }
}

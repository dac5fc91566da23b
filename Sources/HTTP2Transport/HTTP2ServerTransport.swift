import RPCCore

/// A gRPC server transport over HTTP/2 (h2c), built on libnghttp2.
///
/// ```swift
/// let transport = try HTTP2ServerTransport(address: .ipv4(host: "127.0.0.1", port: 0))
/// let server = RPCServer(transport: transport, router: router)
/// Task { try await server.serve() }
/// let bound = try await transport.listeningAddress()   // e.g. 127.0.0.1:40123
/// // ...
/// server.beginGracefulShutdown()
/// ```
public final class HTTP2ServerTransport: ServerTransport {
    /// The address given at creation (port 0 means any free port).
    public let address: HTTP2Target
    /// The settings the transport was made with.
    public let configuration: Configuration
    private let core: ServerCore

    /// Creates a transport; nothing is bound until ``listen(_:)``.
    /// - Throws: ``HTTP2ConfigurationError`` for an invalid configuration or address.
    public init(address: HTTP2Target, configuration: Configuration = .defaults) throws {
        try configuration.validate()
        let socketAddress: SocketAddress
        do {
            socketAddress = try SocketAddress(address)
        } catch {
            throw HTTP2ConfigurationError(configuration: "HTTP2ServerTransport address", problems: [error.description])
        }
        self.address = address
        self.configuration = configuration
        self.core = ServerCore(target: address, address: socketAddress, configuration: configuration)
    }

    /// Binds, accepts connections and serves calls until ``beginGracefulShutdown()`` has
    /// drained them. Throws ``RPCError`` (UNAVAILABLE) if the address cannot be bound.
    public func listen(
        _ handler: @escaping @Sendable (StreamingServerRequest, ServerContext) async -> StreamingServerResponse
    ) async throws {
        try await core.listen(handler)
    }

    /// The address actually bound, with the real port when port 0 was given; waits until
    /// ``listen(_:)`` has bound. Throws if binding failed or the transport shut down first.
    public func listeningAddress() async throws -> HTTP2Target {
        try await core.listeningAddress()
    }

    /// Stops accepting connections, sends GOAWAY on each, lets calls in flight finish, then
    /// makes ``listen(_:)`` return.
    public func beginGracefulShutdown() {
        core.beginGracefulShutdown()
    }
}

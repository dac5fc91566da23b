// Mirrors Protos/echo/v1/echo.proto (package echo.v1).
// Hand-written in the shape protoc-gen-breakwater will generate; its output replaces this file.

import RPCCore

/// The server side of `echo.v1.Echo`: implement it and pass the service to `RPCServer`.
///
/// ```swift
/// struct MyEcho: Echo_V1_EchoServiceProtocol { ... }
/// let server = RPCServer(transport: transport, services: [MyEcho()])
/// ```
public protocol Echo_V1_EchoServiceProtocol: RegistrableRPCService {
    /// `Get` (unary).
    func get(
        request: ServerRequest<Echo_V1_EchoRequest>, context: ServerContext
    ) async throws -> ServerResponse<Echo_V1_EchoResponse>

    /// `Expand` (server-streaming): writes the responses to `response`, returns the trailers.
    func expand(
        request: ServerRequest<Echo_V1_EchoRequest>, response: RPCWriter<Echo_V1_EchoResponse>, context: ServerContext
    ) async throws -> Metadata

    /// `Collect` (client-streaming): reads `requests`, returns the one response (its metadata
    /// goes out as the response headers, its trailers with the status).
    func collect(
        requests: RPCAsyncSequence<Echo_V1_EchoRequest>, metadata: Metadata, context: ServerContext
    ) async throws -> ServerResponse<Echo_V1_EchoResponse>

    /// `Update` (bidirectional): reads `requests` while writing to `response`, returns the trailers.
    func update(
        requests: RPCAsyncSequence<Echo_V1_EchoRequest>, metadata: Metadata,
        response: RPCWriter<Echo_V1_EchoResponse>, context: ServerContext
    ) async throws -> Metadata
}

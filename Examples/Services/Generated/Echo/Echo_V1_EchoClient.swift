// Mirrors Protos/echo/v1/echo.proto (package echo.v1).
// Hand-written in the shape protoc-gen-breakwater will generate; its output replaces this file.

import ProtobufRPC
import RPCCore

/// A typed client for `echo.v1.Echo`.
///
/// ```swift
/// let echo = Echo_V1_EchoClient(wrapping: RPCClient(transport: transport))
/// let reply = try await echo.get(Echo_V1_EchoRequest(text: "hi")).message.text
/// ```
public struct Echo_V1_EchoClient<Transport: ClientTransport>: Sendable {
    /// The untyped client calls go through (with its interceptors).
    public let client: RPCClient<Transport>

    /// Wraps `client`.
    public init(wrapping client: RPCClient<Transport>) {
        self.client = client
    }

    /// `Get` (unary). Throws `RPCError` for a non-OK status.
    public func get(
        _ request: Echo_V1_EchoRequest, metadata: Metadata = [:], options: CallOptions = .defaults
    ) async throws -> ClientResponse<Echo_V1_EchoResponse> {
        try await client.unary(
            request: ClientRequest(message: request, metadata: metadata),
            descriptor: Echo_V1_Echo.Method.Get.descriptor,
            serializer: ProtobufSerializer<Echo_V1_EchoRequest>(),
            deserializer: ProtobufDeserializer<Echo_V1_EchoResponse>(),
            options: options
        )
    }

    /// `Expand` (server-streaming): the response stream, once its headers arrive.
    public func expand(
        _ request: Echo_V1_EchoRequest, metadata: Metadata = [:], options: CallOptions = .defaults
    ) async throws -> ProtobufResponseStream<Echo_V1_EchoResponse> {
        try await client.serverStreaming(
            request: ClientRequest(message: request, metadata: metadata),
            descriptor: Echo_V1_Echo.Method.Expand.descriptor,
            responseType: Echo_V1_EchoResponse.self,
            options: options
        )
    }

    /// `Collect` (client-streaming): `requestProducer` writes the requests (it must be
    /// replayable: a retry policy may run it again).
    public func collect(
        metadata: Metadata = [:], options: CallOptions = .defaults,
        requestProducer: @escaping @Sendable (RPCWriter<Echo_V1_EchoRequest>) async throws -> Void
    ) async throws -> ClientResponse<Echo_V1_EchoResponse> {
        try await client.clientStreaming(
            metadata: metadata,
            descriptor: Echo_V1_Echo.Method.Collect.descriptor,
            responseType: Echo_V1_EchoResponse.self,
            options: options,
            requestProducer: requestProducer
        )
    }

    /// `Collect` (client-streaming) with a fixed list of requests.
    public func collect(
        _ requests: [Echo_V1_EchoRequest], metadata: Metadata = [:], options: CallOptions = .defaults
    ) async throws -> ClientResponse<Echo_V1_EchoResponse> {
        try await collect(metadata: metadata, options: options) { writer in
            try await writer.write(contentsOf: requests)
        }
    }

    /// `Update` (bidirectional): `requestProducer` writes the requests while the responses
    /// stream back.
    public func update(
        metadata: Metadata = [:], options: CallOptions = .defaults,
        requestProducer: @escaping @Sendable (RPCWriter<Echo_V1_EchoRequest>) async throws -> Void
    ) async throws -> ProtobufResponseStream<Echo_V1_EchoResponse> {
        try await client.bidirectionalStreaming(
            metadata: metadata,
            descriptor: Echo_V1_Echo.Method.Update.descriptor,
            responseType: Echo_V1_EchoResponse.self,
            options: options,
            requestProducer: requestProducer
        )
    }

    /// `Update` (bidirectional) with a fixed list of requests.
    public func update(
        _ requests: [Echo_V1_EchoRequest], metadata: Metadata = [:], options: CallOptions = .defaults
    ) async throws -> ProtobufResponseStream<Echo_V1_EchoResponse> {
        try await update(metadata: metadata, options: options) { writer in
            try await writer.write(contentsOf: requests)
        }
    }
}

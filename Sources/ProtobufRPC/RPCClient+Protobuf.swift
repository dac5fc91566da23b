import Protobuf
import RPCCore

extension RPCClient {
    /// Makes a server-streaming call with protobuf messages: one request, a stream of responses.
    /// Throws ``RPCCore/RPCError`` if the call fails before response headers.
    public func serverStreaming<Request: ProtobufMessage, Response: ProtobufMessage>(
        request: ClientRequest<Request>,
        descriptor: MethodDescriptor,
        responseType: Response.Type = Response.self,
        options: CallOptions = .defaults
    ) async throws -> ProtobufResponseStream<Response> {
        let response = await streaming(
            request: StreamingClientRequest(metadata: request.metadata, message: request.message.serializedBytes()),
            descriptor: descriptor,
            options: options
        )
        return try ProtobufResponseStream(response, descriptor: descriptor)
    }

    /// Makes a client-streaming call with protobuf messages: `requestProducer` writes the
    /// requests (it may run more than once, e.g. under a retry policy, so it must be
    /// replayable), the server answers with one response. Throws ``RPCCore/RPCError`` for a
    /// non-OK status.
    public func clientStreaming<Request: ProtobufMessage, Response: ProtobufMessage>(
        metadata: Metadata = [:],
        descriptor: MethodDescriptor,
        responseType: Response.Type = Response.self,
        options: CallOptions = .defaults,
        requestProducer: @escaping @Sendable (RPCWriter<Request>) async throws -> Void
    ) async throws -> ClientResponse<Response> {
        let stream: ProtobufResponseStream<Response> = try await bidirectionalStreaming(
            metadata: metadata, descriptor: descriptor, options: options, requestProducer: requestProducer
        )
        var iterator = stream.messages.makeAsyncIterator()
        guard let message = try await iterator.next() else {
            throw RPCError(code: .internal, message: "\(descriptor) ended with status OK but without a response message")
        }
        guard try await iterator.next() == nil else {
            throw RPCError(code: .internal, message: "\(descriptor) is client-streaming but the server sent more than one response message")
        }
        return ClientResponse(message: message, metadata: stream.metadata, trailers: stream.trailers ?? [:])
    }

    /// Makes a bidirectional-streaming call with protobuf messages: `requestProducer` writes the
    /// requests while the responses stream back. Returns once response headers arrive; throws
    /// ``RPCCore/RPCError`` if the call fails before them.
    public func bidirectionalStreaming<Request: ProtobufMessage, Response: ProtobufMessage>(
        metadata: Metadata = [:],
        descriptor: MethodDescriptor,
        responseType: Response.Type = Response.self,
        options: CallOptions = .defaults,
        requestProducer: @escaping @Sendable (RPCWriter<Request>) async throws -> Void
    ) async throws -> ProtobufResponseStream<Response> {
        let request = StreamingClientRequest(metadata: metadata) { writer in
            try await requestProducer(RPCWriter<Request> { message in
                try await writer.write(message.serializedBytes())
            })
        }
        let response = await streaming(request: request, descriptor: descriptor, options: options)
        return try ProtobufResponseStream(response, descriptor: descriptor)
    }
}

/// A unary request as a server handler sees it.
public struct ServerRequest<Message: Sendable>: Sendable {
    public var metadata: Metadata
    public var message: Message

    public init(message: Message, metadata: Metadata = [:]) {
        self.message = message
        self.metadata = metadata
    }
}

/// A unary response produced by a server handler.
public struct ServerResponse<Message: Sendable>: Sendable {
    public var metadata: Metadata
    public var message: Message
    public var trailers: Metadata

    public init(message: Message, metadata: Metadata = [:], trailers: Metadata = [:]) {
        self.message = message
        self.metadata = metadata
        self.trailers = trailers
    }
}

extension RPCRouter {
    /// Registers a unary method: one request message in, one response message out.
    /// A handler error before the response is sent ends the call Trailers-Only with its status.
    public mutating func registerUnary<Request: Sendable, Response: Sendable>(
        _ descriptor: MethodDescriptor,
        deserializer: some MessageDeserializer<Request>,
        serializer: some MessageSerializer<Response>,
        handler: @escaping @Sendable (ServerRequest<Request>, ServerContext) async throws -> ServerResponse<Response>
    ) {
        register(descriptor) { request, context in
            let message = try await Self.single(request.messages, descriptor: descriptor, deserializer: deserializer)
            let response = try await handler(ServerRequest(message: message, metadata: request.metadata), context)
            let bytes = try Self.encode(response.message, descriptor: descriptor, serializer: serializer)
            return StreamingServerResponse(metadata: response.metadata, message: bytes, trailers: response.trailers)
        }
    }

    /// Registers a server-streaming method: one request message in, a stream of responses out.
    /// The handler writes responses and returns the trailers.
    public mutating func registerServerStreaming<Request: Sendable, Response: Sendable>(
        _ descriptor: MethodDescriptor,
        deserializer: some MessageDeserializer<Request>,
        serializer: some MessageSerializer<Response>,
        handler: @escaping @Sendable (ServerRequest<Request>, RPCWriter<Response>, ServerContext) async throws -> Metadata
    ) {
        register(descriptor) { request, context in
            let message = try await Self.single(request.messages, descriptor: descriptor, deserializer: deserializer)
            return StreamingServerResponse(accepted: .success(.init { writer in
                let typed = RPCWriter<Response> { response in
                    try await writer.write(try Self.encode(response, descriptor: descriptor, serializer: serializer))
                }
                return try await handler(ServerRequest(message: message, metadata: request.metadata), typed, context)
            }))
        }
    }

    /// Registers a client-streaming method: a stream of requests in, one response out. The
    /// handler runs before anything is sent, so its response metadata goes out as the headers and
    /// an error it throws ends the call Trailers-Only.
    public mutating func registerClientStreaming<Request: Sendable, Response: Sendable>(
        _ descriptor: MethodDescriptor,
        deserializer: some MessageDeserializer<Request>,
        serializer: some MessageSerializer<Response>,
        handler: @escaping @Sendable (RPCAsyncSequence<Request>, Metadata, ServerContext) async throws -> ServerResponse<Response>
    ) {
        register(descriptor) { request, context in
            let messages = Self.decoding(request.messages, descriptor: descriptor, deserializer: deserializer)
            let response = try await handler(messages, request.metadata, context)
            let bytes = try Self.encode(response.message, descriptor: descriptor, serializer: serializer)
            return StreamingServerResponse(metadata: response.metadata, message: bytes, trailers: response.trailers)
        }
    }

    /// Registers a bidirectional-streaming method (or any shape): a stream of requests in, a
    /// stream of responses out. Headers go out when the handler starts.
    public mutating func registerStreaming<Request: Sendable, Response: Sendable>(
        _ descriptor: MethodDescriptor,
        deserializer: some MessageDeserializer<Request>,
        serializer: some MessageSerializer<Response>,
        handler: @escaping @Sendable (RPCAsyncSequence<Request>, Metadata, RPCWriter<Response>, ServerContext) async throws -> Metadata
    ) {
        register(descriptor) { request, context in
            let messages = Self.decoding(request.messages, descriptor: descriptor, deserializer: deserializer)
            return StreamingServerResponse(accepted: .success(.init { writer in
                let typed = RPCWriter<Response> { response in
                    try await writer.write(try Self.encode(response, descriptor: descriptor, serializer: serializer))
                }
                return try await handler(messages, request.metadata, typed, context)
            }))
        }
    }

    static func decoding<Request>(
        _ base: RPCAsyncSequence<[UInt8]>, descriptor: MethodDescriptor, deserializer: some MessageDeserializer<Request>
    ) -> RPCAsyncSequence<Request> {
        RPCAsyncSequence<Request>(makeNext: {
            var iterator = base.makeAsyncIterator()
            return {
                guard let bytes = try await iterator.next() else { return nil }
                return try Self.decode(bytes, descriptor: descriptor, deserializer: deserializer)
            }
        })
    }

    static func single<Request>(
        _ messages: RPCAsyncSequence<[UInt8]>, descriptor: MethodDescriptor, deserializer: some MessageDeserializer<Request>
    ) async throws -> Request {
        var iterator = messages.makeAsyncIterator()
        guard let first = try await iterator.next() else {
            throw RPCError(code: .internal, message: "\(descriptor) expects one request message but the client sent none")
        }
        if try await iterator.next() != nil {
            throw RPCError(code: .internal, message: "\(descriptor) expects one request message but the client sent more")
        }
        return try decode(first, descriptor: descriptor, deserializer: deserializer)
    }

    static func decode<Request>(_ bytes: [UInt8], descriptor: MethodDescriptor, deserializer: some MessageDeserializer<Request>) throws -> Request {
        do {
            return try deserializer.deserialize(bytes)
        } catch {
            throw RPCError(code: .internal, message: "could not decode the request to \(descriptor): \(error)", cause: error)
        }
    }

    static func encode<Response>(_ message: Response, descriptor: MethodDescriptor, serializer: some MessageSerializer<Response>) throws -> [UInt8] {
        do {
            return try serializer.serialize(message)
        } catch {
            throw RPCError(code: .internal, message: "could not serialize the response of \(descriptor): \(error)", cause: error)
        }
    }
}

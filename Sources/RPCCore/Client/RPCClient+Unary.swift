/// A unary request: metadata and one message.
public struct ClientRequest<Message: Sendable>: Sendable {
    public var metadata: Metadata
    public var message: Message

    public init(message: Message, metadata: Metadata = [:]) {
        self.message = message
        self.metadata = metadata
    }
}

/// A unary response: initial metadata, one message, trailing metadata.
public struct ClientResponse<Message: Sendable>: Sendable {
    public var metadata: Metadata
    public var message: Message
    public var trailers: Metadata

    public init(message: Message, metadata: Metadata = [:], trailers: Metadata = [:]) {
        self.message = message
        self.metadata = metadata
        self.trailers = trailers
    }
}

extension RPCClient {
    /// Makes a unary call. Throws ``RPCError`` for any non-OK status.
    public func unary<Request: Sendable, Response: Sendable>(
        request: ClientRequest<Request>,
        descriptor: MethodDescriptor,
        serializer: some MessageSerializer<Request>,
        deserializer: some MessageDeserializer<Response>,
        options: CallOptions = .defaults
    ) async throws -> ClientResponse<Response> {
        let bytes: [UInt8]
        do {
            bytes = try serializer.serialize(request.message)
        } catch {
            throw RPCError(code: .internal, message: "could not serialize the request to \(descriptor): \(error)", cause: error)
        }
        let raw = try await unary(request: ClientRequest<[UInt8]>(message: bytes, metadata: request.metadata), descriptor: descriptor, options: options)
        do {
            let message = try deserializer.deserialize(raw.message)
            return ClientResponse(message: message, metadata: raw.metadata, trailers: raw.trailers)
        } catch {
            throw RPCError(code: .internal, message: "could not decode the response of \(descriptor): \(error)", cause: error)
        }
    }

    /// Makes a unary call with serialized messages. Throws ``RPCError`` for any non-OK status.
    public func unary(
        request: ClientRequest<[UInt8]>,
        descriptor: MethodDescriptor,
        options: CallOptions = .defaults
    ) async throws -> ClientResponse<[UInt8]> {
        let response = await call(
            request: StreamingClientRequest(metadata: request.metadata, message: request.message),
            descriptor: descriptor,
            options: options,
            isUnaryCall: true
        )
        let contents = try response.accepted.get()
        var message: [UInt8]?
        var trailers = Metadata()
        do {
            for try await part in contents.bodyParts {
                switch part {
                case .message(let bytes):
                    guard message == nil else {
                        throw RPCError(code: .internal, message: "\(descriptor) is unary but the server sent more than one response message")
                    }
                    message = bytes
                case .trailers(let metadata):
                    trailers = metadata
                }
            }
        } catch {
            throw RPCError(from: error)
        }
        guard let message else {
            throw RPCError(code: .internal, message: "\(descriptor) ended with status OK but without a response message")
        }
        return ClientResponse(message: message, metadata: contents.metadata, trailers: trailers)
    }
}

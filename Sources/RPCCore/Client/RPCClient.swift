/// A gRPC client: runs calls through its interceptors, then its transport.
///
/// ```swift
/// let transport = try HTTP2ClientTransport(target: .ipv4(host: "127.0.0.1", port: 50051))
/// let client = RPCClient(transport: transport, interceptors: [
///     FallbackInterceptor(...),          // outermost
///     CircuitBreakerInterceptor(...),
/// ])
/// let response = try await client.unary(
///     request: ClientRequest(message: request), descriptor: getProduct,
///     serializer: ProtobufSerializer(), deserializer: ProtobufDeserializer<Product>()
/// )
/// ```
public struct RPCClient<Transport: ClientTransport>: Sendable {
    /// The transport calls go out through.
    public let transport: Transport
    /// Interceptors, the first outermost.
    public let interceptors: [any ClientInterceptor]

    public init(transport: Transport, interceptors: [any ClientInterceptor] = []) {
        self.transport = transport
        self.interceptors = interceptors
    }

    /// Starts a call of any shape through the interceptors. Errors, thrown or returned, come
    /// back as a response whose `accepted` is `.failure`.
    public func streaming(
        request: StreamingClientRequest,
        descriptor: MethodDescriptor,
        options: CallOptions = .defaults
    ) async -> StreamingClientResponse {
        let deadline = options.timeout.map { ContinuousClock.now.advanced(by: $0) }
        let context = ClientContext(descriptor: descriptor, deadline: deadline, options: options)
        do {
            return try await run(index: 0, request: request, context: context)
        } catch {
            return StreamingClientResponse(error: RPCError(from: error))
        }
    }

    private func run(index: Int, request: StreamingClientRequest, context: ClientContext) async throws -> StreamingClientResponse {
        if index == interceptors.count {
            if let deadline = context.deadline, deadline <= .now {
                return StreamingClientResponse(error: RPCError(
                    code: .deadlineExceeded,
                    message: "deadline for \(context.descriptor) passed before the call was sent"
                ))
            }
            return try await transport.call(request: request, context: context)
        }
        return try await interceptors[index].intercept(request: request, context: context) { request, context in
            try await self.run(index: index + 1, request: request, context: context)
        }
    }

    /// Closes the transport.
    public func close() async { await transport.close() }
}

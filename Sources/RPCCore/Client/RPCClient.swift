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
    /// The interceptors prepared once for calls (see ``ClientNext``), and the transport.
    private let layers: ClientLayers

    /// Creates a client whose calls run through `interceptors`, the first outermost, then `transport`.
    public init(transport: Transport, interceptors: [any ClientInterceptor] = []) {
        self.transport = transport
        self.interceptors = interceptors
        self.layers = ClientLayers(interceptors: interceptors, transport: transport)
    }

    /// Starts a call of any shape through the interceptors. Errors, thrown or returned, come
    /// back as a response whose `accepted` is `.failure`.
    public func streaming(
        request: StreamingClientRequest,
        descriptor: MethodDescriptor,
        options: CallOptions = .defaults
    ) async -> StreamingClientResponse {
        await call(request: request, descriptor: descriptor, options: options)
    }

    /// ``streaming(request:descriptor:options:)``, inlined into the unary call (one frame less).
    @inline(__always)
    func call(request: StreamingClientRequest, descriptor: MethodDescriptor, options: CallOptions, isUnaryCall: Bool = false) async -> StreamingClientResponse {
        let deadline = options.timeout.map { CallClock.now() + $0 }
        let context = ClientContext(descriptor: descriptor, deadlineOffset: deadline, options: options, isUnaryCall: isUnaryCall)
        do {
            return try await ClientNext(layers, index: 0)(request, context)
        } catch {
            return StreamingClientResponse(error: RPCError(from: error))
        }
    }

    /// Closes the transport.
    public func close() async { await transport.close() }
}

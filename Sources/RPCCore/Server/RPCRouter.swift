/// Maps method paths to handlers. Services register their methods with it.
///
/// ```swift
/// var router = RPCRouter()
/// router.registerUnary(getDescriptor, deserializer: ..., serializer: ...) { request, context in
///     ServerResponse(message: request.message)
/// }
/// ```
public struct RPCRouter: Sendable {
    /// Handles one call of a registered method.
    public typealias Handler = @Sendable (StreamingServerRequest, ServerContext) async throws -> StreamingServerResponse

    private(set) var handlers: [String: Handler] = [:]

    public init() {}

    /// The registered methods.
    public var methods: [MethodDescriptor] {
        handlers.keys.sorted().compactMap(MethodDescriptor.init(path:))
    }

    /// Registers a handler for any call shape; replaces an earlier one for the same method.
    public mutating func register(_ descriptor: MethodDescriptor, handler: @escaping Handler) {
        handlers[descriptor.path] = handler
    }

    /// The handler for a `:path`, if registered.
    public func handler(forPath path: String) -> Handler? { handlers[path] }
}

/// A service that can register its methods with a router; generated services conform.
public protocol RegistrableRPCService: Sendable {
    func registerMethods(with router: inout RPCRouter)
}

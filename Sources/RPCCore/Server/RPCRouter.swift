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
    /// The same handlers keyed by descriptor, for methods whose service and method names have no
    /// "/": only such a descriptor has that path, so the entry always equals `handlers[path]`, and
    /// a call is routed without building its path string.
    private var handlersBySlashFreeDescriptor: [MethodDescriptor: Registered] = [:]
    /// A closure kept in a struct is stored as it is called: looking it up allocates no
    /// conversion thunk, as a bare closure in a dictionary does.
    private struct Registered { let handler: Handler }

    public init() {}

    /// The registered methods.
    public var methods: [MethodDescriptor] {
        handlers.keys.sorted().compactMap(MethodDescriptor.init(path:))
    }

    /// Registers a handler for any call shape; replaces an earlier one for the same method.
    public mutating func register(_ descriptor: MethodDescriptor, handler: @escaping Handler) {
        handlers[descriptor.path] = handler
        if descriptor.isSlashFree { handlersBySlashFreeDescriptor[descriptor] = Registered(handler: handler) }
    }

    /// The handler for a `:path`, if registered.
    public func handler(forPath path: String) -> Handler? { handlers[path] }

    /// The handler for `descriptor`'s path, as `handler(forPath: descriptor.path)`.
    @inline(__always)
    func handler(for descriptor: MethodDescriptor) -> Handler? {
        if descriptor.isSlashFree { return handlersBySlashFreeDescriptor[descriptor]?.handler }
        return handlers[descriptor.path]
    }
}

/// A service that can register its methods with a router; generated services conform.
public protocol RegistrableRPCService: Sendable {
    func registerMethods(with router: inout RPCRouter)
}

extension MethodDescriptor {
    /// Neither name contains "/": then no other descriptor has the same path.
    fileprivate var isSlashFree: Bool {
        !service.utf8.contains(UInt8(ascii: "/")) && !method.utf8.contains(UInt8(ascii: "/"))
    }
}

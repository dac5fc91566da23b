/// Names an RPC method: a fully qualified service and a method within it.
///
/// ```swift
/// let getProduct = MethodDescriptor(service: "catalog.v1.Catalog", method: "GetProduct")
/// getProduct.path   // "/catalog.v1.Catalog/GetProduct"
/// ```
public struct MethodDescriptor: Sendable, Hashable, CustomStringConvertible {
    /// The fully qualified service name, e.g. `echo.v1.Echo`.
    public var service: String
    /// The method name, e.g. `Get`.
    public var method: String

    public init(service: String, method: String) {
        self.service = service
        self.method = method
    }

    /// Parses an HTTP/2 `:path` of the form `/service/method`; `nil` when it is not one.
    public init?(path: String) {
        guard path.hasPrefix("/") else { return nil }
        // Exactly one "/" after the first, with text on both sides (as splitting at "/" into two
        // non-empty parts, without the array).
        let rest = path.dropFirst()
        guard let slash = rest.firstIndex(of: "/") else { return nil }
        let service = rest[..<slash]
        let method = rest[rest.index(after: slash)...]
        guard !service.isEmpty, !method.isEmpty, !method.contains("/") else { return nil }
        self.init(service: String(service), method: String(method))
    }

    /// The HTTP/2 `:path`: `/service/method`.
    public var path: String { "/\(service)/\(method)" }

    /// `service/method`, as used in names of breakers and logs.
    public var description: String { "\(service)/\(method)" }
}

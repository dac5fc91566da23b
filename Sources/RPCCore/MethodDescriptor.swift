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
        let parts = path.dropFirst().split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else { return nil }
        self.init(service: String(parts[0]), method: String(parts[1]))
    }

    /// The HTTP/2 `:path`: `/service/method`.
    public var path: String { "/\(service)/\(method)" }

    /// `service/method`, as used in names of breakers and logs.
    public var description: String { "\(service)/\(method)" }
}

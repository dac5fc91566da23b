import RPCCore

extension FaultRule {
    /// The calls a rule applies to: all, one service's, or one method's.
    ///
    /// ```swift
    /// FaultRule.Scope(parsing: "/catalog.v1.Catalog/GetProduct")   // .method(...)
    /// FaultRule.Scope(parsing: "/catalog.v1.Catalog")              // .service("catalog.v1.Catalog")
    /// ```
    public enum Scope: Sendable, Hashable, CustomStringConvertible {
        /// Every call.
        case all
        /// Calls to any method of the fully qualified service, e.g. `echo.v1.Echo`.
        case service(String)
        /// Calls to one method.
        case method(MethodDescriptor)

        /// Parses `/pkg.Service/Method` or `/pkg.Service` (the leading slash is optional);
        /// `nil` for anything else.
        public init?(parsing text: String) {
            let trimmed = text.hasPrefix("/") ? String(text.dropFirst()) : text
            let parts = trimmed.split(separator: "/", omittingEmptySubsequences: false)
            guard !parts.isEmpty, parts.allSatisfy({ !$0.isEmpty && !$0.contains(" ") }) else { return nil }
            switch parts.count {
            case 1: self = .service(String(parts[0]))
            case 2: self = .method(MethodDescriptor(service: String(parts[0]), method: String(parts[1])))
            default: return nil
            }
        }

        /// Whether a call to `descriptor` is in scope.
        public func matches(_ descriptor: MethodDescriptor) -> Bool {
            switch self {
            case .all: true
            case .service(let service): descriptor.service == service
            case .method(let method): descriptor == method
            }
        }

        /// `all methods`, `/pkg.Service`, `/pkg.Service/Method`.
        public var description: String {
            switch self {
            case .all: "all methods"
            case .service(let service): "/\(service)"
            case .method(let method): method.path
            }
        }
    }
}

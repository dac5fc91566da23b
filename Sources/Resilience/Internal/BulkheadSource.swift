import RPCCore

/// Where an interceptor gets the bulkhead for a call: one for every call, or one per method
/// (or service) from a registry. Shared by the client and server bulkhead interceptors.
enum BulkheadSource: Sendable {
    case single(Bulkhead)
    case registry(BulkheadRegistry)

    func bulkhead(for descriptor: MethodDescriptor) -> Bulkhead {
        switch self {
        case .single(let bulkhead): bulkhead
        case .registry(let registry): registry.bulkhead(for: descriptor)
        }
    }
}

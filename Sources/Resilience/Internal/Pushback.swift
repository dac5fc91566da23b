import RPCCore

/// What a failure's `grpc-retry-pushback-ms` says.
enum Pushback: Equatable {
    case none
    case after(milliseconds: Int)
    case stop(String)

    init(_ metadata: Metadata) {
        guard let value = metadata.firstString(forKey: RetryInterceptor.pushbackKey) else {
            self = .none
            return
        }
        if let milliseconds = Int(String(value.filter { $0 != " " })), milliseconds >= 0 {
            self = .after(milliseconds: milliseconds)
        } else {
            self = .stop(value)
        }
    }
}

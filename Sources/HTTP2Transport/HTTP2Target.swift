/// Where an HTTP/2 transport connects to or listens on.
///
/// ```swift
/// let target = HTTP2Target.ipv4(host: "127.0.0.1", port: 50051)
/// print(target)   // 127.0.0.1:50051
/// ```
public enum HTTP2Target: Sendable, Hashable, CustomStringConvertible {
    /// An IPv4 address in dotted form (`127.0.0.1`; `localhost` is accepted too) and a TCP port.
    /// Servers may give port 0 to let the system pick one (see
    /// ``HTTP2ServerTransport/listeningAddress()``) and host `0.0.0.0` for every interface.
    case ipv4(host: String, port: Int)
    /// An IPv6 address (`::1`; `localhost` is accepted too) and a TCP port.
    case ipv6(host: String, port: Int)
    /// A Unix domain socket path.
    case unixDomainSocket(path: String)

    /// `127.0.0.1:50051`, `[::1]:50051` or `unix:/tmp/socket`.
    public var description: String {
        switch self {
        case .ipv4(let host, let port): "\(host):\(port)"
        case .ipv6(let host, let port): "[\(host)]:\(port)"
        case .unixDomainSocket(let path): "unix:\(path)"
        }
    }

    /// The value of `:authority` for requests to this target.
    var authority: String {
        switch self {
        case .ipv4, .ipv6: description
        case .unixDomainSocket: "localhost"
        }
    }
}

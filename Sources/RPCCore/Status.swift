/// The outcome of an RPC: a gRPC status code and a human-readable message.
///
/// ```swift
/// let status = Status(code: .unavailable, message: "catalog is restarting")
/// ```
public struct Status: Sendable, Hashable, CustomStringConvertible {
    /// The status code.
    public var code: Code
    /// A message for people; empty when there is nothing to add to the code.
    public var message: String

    /// Creates a status.
    public init(code: Code, message: String = "") {
        self.code = code
        self.message = message
    }

    /// The successful status.
    public static let ok = Status(code: .ok)

    public var description: String {
        message.isEmpty ? "\(code)" : "\(code): \(message)"
    }
}

/// A failed RPC: a non-OK status code, a message, trailing metadata and an optional cause.
///
/// Thrown by clients when a call ends with a non-OK status, and by server handlers to end a call
/// with a chosen status:
///
/// ```swift
/// throw RPCError(code: .notFound, message: "no product with id 'sku-42'")
/// ```
public struct RPCError: Error, Sendable, CustomStringConvertible {
    /// The status code; never `.ok`.
    public var code: Status.Code
    /// A message for people.
    public var message: String
    /// Trailing metadata sent with the status.
    public var metadata: Metadata
    /// The error that led to this one, if any.
    public var cause: (any Error)?
    /// Whether the transport knows that the server's application never saw the call: the stream
    /// was refused (HTTP/2 REFUSED_STREAM), was above a GOAWAY's last-stream-id, or was never
    /// sent. Sending it again cannot do anything twice, so retry policies retry such failures
    /// transparently, without counting an attempt. Default `false`: unknown, assume processed.
    public var wasNotProcessed: Bool = false

    /// Creates an error. An `.ok` code is turned into `.unknown`, since an error cannot be OK.
    public init(code: Status.Code, message: String, metadata: Metadata = [:], cause: (any Error)? = nil) {
        self.code = code == .ok ? .unknown : code
        self.message = message
        self.metadata = metadata
        self.cause = cause
    }

    /// Creates an error from a status (an `.ok` status becomes `.unknown`).
    public init(status: Status, metadata: Metadata = [:], cause: (any Error)? = nil) {
        self.init(code: status.code, message: status.message, metadata: metadata, cause: cause)
    }

    /// Converts any error into an `RPCError`: an `RPCError` is returned as is, an
    /// ``RPCErrorConvertible`` maps itself, `CancellationError` becomes CANCELLED, and anything
    /// else becomes UNKNOWN with the error's description as the message.
    public init(from error: any Error) {
        switch error {
        case let error as RPCError:
            self = error
        case let error as any RPCErrorConvertible:
            self.init(
                code: error.rpcErrorCode,
                message: error.rpcErrorMessage,
                metadata: error.rpcErrorMetadata,
                cause: error
            )
        case is CancellationError:
            self.init(code: .cancelled, message: "the call was cancelled", cause: error)
        default:
            self.init(code: .unknown, message: String(describing: error), cause: error)
        }
    }

    /// The status this error ends a call with.
    public var status: Status { Status(code: code, message: message) }

    public var description: String {
        var text = message.isEmpty ? "\(code)" : "\(code): \(message)"
        if let cause { text += " (cause: \(cause))" }
        return text
    }
}

/// An error that knows which gRPC status it stands for, such as a circuit breaker's rejection
/// (UNAVAILABLE) or a full bulkhead (RESOURCE_EXHAUSTED).
public protocol RPCErrorConvertible: Error {
    /// The status code the error maps to.
    var rpcErrorCode: Status.Code { get }
    /// The message sent with the status.
    var rpcErrorMessage: String { get }
    /// Trailing metadata to send with the status. Defaults to none.
    var rpcErrorMetadata: Metadata { get }
}

extension RPCErrorConvertible {
    public var rpcErrorMetadata: Metadata { [:] }
}

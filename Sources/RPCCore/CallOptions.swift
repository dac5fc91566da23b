/// Per-call options.
///
/// ```swift
/// var options = CallOptions.defaults
/// options.timeout = .milliseconds(250)
/// ```
public struct CallOptions: Sendable, Hashable {
    /// How long the whole call may take, retries included. `nil` (the default): no deadline.
    /// The remaining time is sent to the server as `grpc-timeout`.
    public var timeout: Duration?
    /// The largest response message accepted, in bytes. Default 4 MiB, as in gRPC.
    public var maxResponseMessageBytes: Int
    /// The largest request message sent, in bytes. Default unlimited (`Int.max`).
    public var maxRequestMessageBytes: Int

    public init(timeout: Duration? = nil, maxResponseMessageBytes: Int = 4 * 1024 * 1024, maxRequestMessageBytes: Int = .max) {
        self.timeout = timeout
        self.maxResponseMessageBytes = maxResponseMessageBytes
        self.maxRequestMessageBytes = maxRequestMessageBytes
    }

    /// No deadline, 4 MiB response limit.
    public static let defaults = CallOptions()
}

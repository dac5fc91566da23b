/// What interceptors and transports know about a client call besides its request.
public struct ClientContext: Sendable {
    /// The method being called.
    public var descriptor: MethodDescriptor
    /// When the whole call must be over, fixed when the call starts from ``CallOptions/timeout``.
    /// Interceptors may move it earlier (a per-attempt timeout), never later. Transports send the
    /// remaining time as `grpc-timeout` and fail the call with DEADLINE_EXCEEDED when it passes.
    public var deadline: ContinuousClock.Instant?
    /// The options the call was made with.
    public var options: CallOptions

    public init(descriptor: MethodDescriptor, deadline: ContinuousClock.Instant? = nil, options: CallOptions = .defaults) {
        self.descriptor = descriptor
        self.deadline = deadline
        self.options = options
    }
}

/// What interceptors and transports know about a client call besides its request.
public struct ClientContext: Sendable {
    /// The method being called.
    public var descriptor: MethodDescriptor
    /// When the whole call must be over, fixed when the call starts from ``CallOptions/timeout``.
    /// Interceptors may move it earlier (a per-attempt timeout), never later. Transports send the
    /// remaining time as `grpc-timeout` and fail the call with DEADLINE_EXCEEDED when it passes.
    public var deadline: ContinuousClock.Instant? {
        get { deadlineOffset.map { CallClock.epoch.advanced(by: $0) } }
        set { deadlineOffset = newValue.map { CallClock.epoch.duration(to: $0) } }
    }
    /// The options the call was made with.
    public var options: CallOptions

    /// ``deadline`` as time since ``CallClock/epoch``. Stored this way because `Duration` has a
    /// fixed layout and `ContinuousClock.Instant` does not: a context holding an instant is
    /// copied through value witnesses and takes a task allocation in every async frame.
    @usableFromInline package var deadlineOffset: Duration?

    /// Whether the call is unary (made with ``RPCClient/unary(request:descriptor:options:)`` or a
    /// generated unary method): one request message, one response message. Policies that must
    /// read a whole response before answering (a buffered fallback) apply only then.
    package var isUnaryCall = false

    public init(descriptor: MethodDescriptor, deadline: ContinuousClock.Instant? = nil, options: CallOptions = .defaults) {
        self.descriptor = descriptor
        self.options = options
        self.deadlineOffset = deadline.map { CallClock.epoch.duration(to: $0) }
    }

    package init(descriptor: MethodDescriptor, deadlineOffset: Duration?, options: CallOptions, isUnaryCall: Bool = false) {
        self.descriptor = descriptor
        self.options = options
        self.deadlineOffset = deadlineOffset
        self.isUnaryCall = isUnaryCall
    }
}

/// What server interceptors and handlers know about a call besides its request.
public struct ServerContext: Sendable {
    /// The method called.
    public var descriptor: MethodDescriptor
    /// The client's address, e.g. `127.0.0.1:53412`.
    public var remotePeer: String
    /// When the client stops waiting, from `grpc-timeout`; `nil` when it sent none. The transport
    /// cancels the handler's task and ends the call with DEADLINE_EXCEEDED when it passes.
    public var deadline: ContinuousClock.Instant?

    public init(descriptor: MethodDescriptor, remotePeer: String = "", deadline: ContinuousClock.Instant? = nil) {
        self.descriptor = descriptor
        self.remotePeer = remotePeer
        self.deadline = deadline
    }
}

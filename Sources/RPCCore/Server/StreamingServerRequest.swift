/// The request side of a call as server interceptors and handlers see it.
public struct StreamingServerRequest: Sendable {
    /// Request metadata: custom headers, plus `grpc-previous-rpc-attempts` when present.
    public var metadata: Metadata
    /// The serialized request messages, in order; throws if the stream breaks.
    public var messages: RPCAsyncSequence<[UInt8]>

    public init(metadata: Metadata = [:], messages: RPCAsyncSequence<[UInt8]>) {
        self.metadata = metadata
        self.messages = messages
    }
}

/// The request side of a call as interceptors and transports see it: metadata and a producer that
/// writes the serialized request messages. Unary calls write one message.
///
/// ```swift
/// let request = StreamingClientRequest(metadata: ["x-user": "ana"], message: bytes)
/// ```
public struct StreamingClientRequest: Sendable {
    /// Request metadata (custom headers). Reserved `grpc-` keys are set by the library.
    public var metadata: Metadata
    /// Writes the request messages; returning ends the request stream. May be called more than
    /// once (for example by a retry policy), so it must be replayable.
    public var producer: @Sendable (RPCWriter<[UInt8]>) async throws -> Void

    public init(metadata: Metadata = [:], producer: @escaping @Sendable (RPCWriter<[UInt8]>) async throws -> Void) {
        self.metadata = metadata
        self.producer = producer
    }

    /// A request of exactly one message.
    public init(metadata: Metadata = [:], message: [UInt8]) {
        self.metadata = metadata
        self.producer = { writer in try await writer.write(message) }
    }
}

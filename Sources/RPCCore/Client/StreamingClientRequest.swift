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
    public var producer: @Sendable (RPCWriter<[UInt8]>) async throws -> Void {
        get { storedProducer }
        set {
            storedProducer = newValue
            singleMessage = nil
        }
    }

    private var storedProducer: @Sendable (RPCWriter<[UInt8]>) async throws -> Void

    /// The message of a request made with ``init(metadata:message:)`` whose producer nobody has
    /// replaced since: a transport may send it directly instead of running the producer.
    package private(set) var singleMessage: [UInt8]?

    public init(metadata: Metadata = [:], producer: @escaping @Sendable (RPCWriter<[UInt8]>) async throws -> Void) {
        self.metadata = metadata
        self.storedProducer = producer
        self.singleMessage = nil
    }

    /// A request of exactly one message.
    public init(metadata: Metadata = [:], message: [UInt8]) {
        self.metadata = metadata
        self.storedProducer = { writer in try await writer.write(message) }
        self.singleMessage = message
    }
}

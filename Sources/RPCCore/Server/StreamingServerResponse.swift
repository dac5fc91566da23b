/// The response side of a call as server interceptors and handlers produce it.
///
/// `.failure` ends the call at once with that status (sent Trailers-Only, which keeps the call
/// retryable for the client). Otherwise the transport sends the initial metadata, then runs the
/// producer, which writes response messages and returns the trailing metadata; if the producer
/// throws, the call ends with the status of the error.
public struct StreamingServerResponse: Sendable {
    public struct Contents: Sendable {
        /// Initial metadata (response headers).
        public var metadata: Metadata
        /// Writes the response messages and returns the trailers sent with status OK.
        public var producer: @Sendable (RPCWriter<[UInt8]>) async throws -> Metadata

        public init(metadata: Metadata = [:], producer: @escaping @Sendable (RPCWriter<[UInt8]>) async throws -> Metadata) {
            self.metadata = metadata
            self.producer = producer
        }
    }

    public var accepted: Result<Contents, RPCError>

    public init(accepted: Result<Contents, RPCError>) { self.accepted = accepted }

    /// A response that ends the call at once with `error`'s status.
    public init(error: RPCError) { accepted = .failure(error) }

    /// A single-message response.
    public init(metadata: Metadata = [:], message: [UInt8], trailers: Metadata = [:]) {
        accepted = .success(Contents(metadata: metadata) { writer in
            try await writer.write(message)
            return trailers
        })
    }
}

/// One part of a response body: a message, or the trailing metadata that ends a successful call.
public enum ResponsePart: Sendable {
    case message([UInt8])
    case trailers(Metadata)
}

/// The response side of a call as interceptors and transports see it.
///
/// `accepted` is `.failure` when the call failed before any response headers (for example a
/// Trailers-Only error, a refused connection, or an open circuit). Otherwise the body parts are
/// the response messages, then the trailers; a non-OK status at the end is thrown by the
/// sequence as an ``RPCError`` whose metadata holds the trailers.
public struct StreamingClientResponse: Sendable {
    /// The response's initial metadata and body.
    public struct Contents: Sendable {
        /// Initial metadata (response headers, minus reserved keys).
        public var metadata: Metadata
        /// Messages then trailers; throws ``RPCError`` for a non-OK status.
        public var bodyParts: RPCAsyncSequence<ResponsePart>

        public init(metadata: Metadata = [:], bodyParts: RPCAsyncSequence<ResponsePart>) {
            self.metadata = metadata
            self.bodyParts = bodyParts
        }
    }

    public var accepted: Result<Contents, RPCError>

    public init(accepted: Result<Contents, RPCError>) {
        self.accepted = accepted
    }

    /// A response that failed before any headers.
    public init(error: RPCError) {
        self.accepted = .failure(error)
    }

    /// A successful single-message response, as a fallback or a test double would give.
    public init(metadata: Metadata = [:], message: [UInt8], trailers: Metadata = [:]) {
        self.accepted = .success(Contents(
            metadata: metadata,
            bodyParts: .elements([.message(message), .trailers(trailers)])
        ))
    }

    /// The initial metadata, or the error's metadata for a call that failed early.
    public var metadata: Metadata {
        switch accepted {
        case .success(let contents): contents.metadata
        case .failure(let error): error.metadata
        }
    }
}

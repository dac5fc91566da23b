import RPCCore

/// A gRPC client transport over HTTP/2 (h2c with prior knowledge), built on libnghttp2.
///
/// All calls share one connection, made on the first call and made again on a later call after
/// it broke or the server sent GOAWAY. Connections are served by a small fixed set of I/O threads.
///
/// ```swift
/// let transport = try HTTP2ClientTransport(target: .ipv4(host: "127.0.0.1", port: 50051))
/// let client = RPCClient(transport: transport)
/// let response = try await client.unary(request: ClientRequest(message: bytes), descriptor: method)
/// await client.close()
/// ```
public final class HTTP2ClientTransport: ClientTransport {
    /// Where calls go.
    public let target: HTTP2Target
    /// The settings the transport was made with.
    public let configuration: Configuration
    private let pool: ClientConnectionPool

    /// Creates a transport; no connection is made until the first call.
    /// - Throws: ``HTTP2ConfigurationError`` for an invalid configuration or target address.
    public init(target: HTTP2Target, configuration: Configuration = .defaults) throws {
        try configuration.validate()
        let address: SocketAddress
        do {
            address = try SocketAddress(target)
        } catch {
            throw HTTP2ConfigurationError(configuration: "HTTP2ClientTransport target", problems: [error.description])
        }
        self.target = target
        self.configuration = configuration
        self.pool = ClientConnectionPool(target: target, address: address, configuration: configuration)
    }

    /// Starts a call; see ``ClientTransport/call(request:context:)``.
    public func call(request: StreamingClientRequest, context: ClientContext) async throws -> StreamingClientResponse {
        let fields: HeaderCodec.Fields
        do {
            fields = try HeaderCodec.fields(from: request.metadata)
        } catch {
            return StreamingClientResponse(error: error)
        }
        if let deadline = context.deadline, deadline <= .now {
            return StreamingClientResponse(error: RPCError(code: .deadlineExceeded, message: "deadline for \(context.descriptor.path) passed before the call was sent to \(target)"))
        }
        // A connection can close or go away between the pool handing it out and the call
        // starting on it; such a call was not sent and its request not read, so it starts again
        // on the next connection (a few times at most), as gRPC re-picks for an unsent call.
        var picks = 0
        while true {
            picks += 1
            let connection: ClientConnection
            do {
                connection = try pool.connection()
            } catch {
                return StreamingClientResponse(error: error)
            }
            let stream = ClientStream(
                descriptor: context.descriptor, deadline: context.deadline, options: context.options,
                metadataFields: fields, producer: request.producer, singleMessage: request.singleMessage, connection: connection
            )
            let loop = connection.loop
            let head = await withTaskCancellationHandler {
                await withCheckedContinuation { (continuation: CheckedContinuation<Result<Metadata, RPCError>, Never>) in
                    loop.execute { connection.start(stream, continuation) }
                }
            } onCancel: {
                loop.execute {
                    connection.abort(stream, with: RPCError(code: .cancelled, message: "the call to \(context.descriptor.path) was cancelled by the caller"))
                }
            }
            switch head {
            case .failure(let error):
                if error.wasNotProcessed, !stream.producerStarted, picks < Self.maxPicks, !Task.isCancelled {
                    continue
                }
                return StreamingClientResponse(error: error)
            case .success(let metadata):
                return StreamingClientResponse(accepted: .success(.init(metadata: metadata, bodyParts: stream.makeBody())))
            }
        }
    }

    /// How many connections one call may be started on when the first ones close before it is sent.
    static let maxPicks = 3

    /// Closes the connection: calls in flight fail with UNAVAILABLE, later calls are refused.
    public func close() async {
        await pool.close()
    }
}

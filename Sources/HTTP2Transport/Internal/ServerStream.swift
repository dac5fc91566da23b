import RPCCore
import Synchronization

/// One call on a server connection. Loop-confined: touched only on the connection's event loop
/// thread, except `requestMessages`, `receiveWindow` and `writeGate`, which are thread-safe.
final class ServerStream: @unchecked Sendable {
    enum ResponsePhase { case pending, headersSent, ended }

    let streamID: Int32
    let connection: ServerConnection
    /// Request messages for the handler.
    let requestMessages = AsyncMessageBuffer<[UInt8]>()

    var headerFields: HeaderCodec.Fields = []
    var headerBytes = 0
    var path = ""
    var deframer: MessageDeframer
    /// The request stream failed or was answered early: further DATA is ignored.
    var ignoresRequestData = false
    var response = ResponsePhase.pending {
        didSet { if response == .ended && oldValue != .ended { refuseWrites() } }
    }
    var outbound = OutboundBuffer()
    /// Shared by the loop (bytes received) and the handler (messages read), so that reading a
    /// message needs no hop to the loop unless it reopens a held window.
    let receiveWindow = Mutex(ReceiveWindow())
    /// What the handler's writes check without a hop to the loop (see `write`).
    let writeGate = Mutex(WriteGate())
    var trailers: HeaderCodec.Fields?
    var handlerTask: Task<Void, Never>?
    var deadlineTimer: TimerHeap.ID?
    /// nghttp2 closed the stream.
    var isClosed = false

    init(streamID: Int32, connection: ServerConnection, maxMessageBytes: Int) {
        self.streamID = streamID
        self.connection = connection
        self.deframer = MessageDeframer(maxMessageBytes: maxMessageBytes)
    }

    var loop: EventLoop { connection.loop }

    /// Writes one response message; suspends while too much is queued. With room to spare it
    /// returns at once instead of waiting for the loop to take the message: the loop queues
    /// it after the headers, in order, or drops it if the call ended meanwhile (as a write
    /// racing the end always could), and the next write throws.
    func write(_ message: [UInt8]) async throws {
        let framed = MessageFramer.frame(message)
        let mustWait = writeGate.withLock { gate -> Bool? in
            if gate.isEnded { return nil }
            return gate.add(framed.count)
        }
        guard let mustWait else {
            // `path` is set before the handler starts and never changes.
            throw RPCError(code: .cancelled, message: "the call to \(path) already ended; the response message was not sent")
        }
        if !mustWait {
            loop.execute { self.connection.enqueue(framed, on: self, nil) }
            return
        }
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            loop.execute { self.connection.enqueue(framed, on: self, continuation) }
        }
    }

    /// The response ended or the stream closed: later writes throw.
    func refuseWrites() {
        writeGate.withLock { $0.isEnded = true }
    }

    /// The request messages as the handler iterates them; cancelling the iterating task ends them.
    var messageSequence: RPCAsyncSequence<[UInt8]> {
        let buffer = requestMessages
        return RPCAsyncSequence(makeNext: { [self] in
            {
                let message = try await buffer.next(onCancel: {
                    buffer.finish(throwing: CancellationError(), discardBuffered: true)
                })
                if let message {
                    let size = message.count + MessageFramer.prefixLength
                    let release = self.receiveWindow.withLock { $0.read(size) }
                    if release > 0 {
                        self.loop.execute { self.connection.releaseWindow(self, release) }
                    }
                }
                return message
            }
        })
    }

    /// `grpc-status`, `grpc-message` and metadata fields ending a call. Metadata that cannot be
    /// sent turns the status into INTERNAL saying why.
    static func statusFields(code: Status.Code, message: String, metadata: Metadata) -> HeaderCodec.Fields {
        do {
            let metadataFields = try HeaderCodec.fields(from: metadata)
            if code == .ok && message.isEmpty && metadataFields.isEmpty { return okStatusFields }
            var fields: HeaderCodec.Fields = [("grpc-status", String(code.rawValue))]
            if !message.isEmpty { fields.append(("grpc-message", PercentEncoding.encode(message))) }
            return fields + metadataFields
        } catch {
            return [("grpc-status", String(Status.Code.internal.rawValue)), ("grpc-message", PercentEncoding.encode("server handler returned invalid metadata: \(error.message)"))]
        }
    }

    /// The usual end of a call, shared instead of built per call.
    private static let okStatusFields: HeaderCodec.Fields = [("grpc-status", String(Status.Code.ok.rawValue))]

    static func statusFields(_ error: RPCError) -> HeaderCodec.Fields {
        statusFields(code: error.code, message: error.message, metadata: error.metadata)
    }

    /// Runs the handler in its own task and sends what it returns; a ``TransportFault`` it asks
    /// for (thrown or as an error's cause) is acted on instead of sending a status.
    func runHandler(
        _ handler: @escaping @Sendable (StreamingServerRequest, ServerContext) async -> StreamingServerResponse,
        request: StreamingServerRequest, context: ServerContext
    ) {
        handlerTask = Task { [self] in
            let response = await handler(request, context)
            switch response.accepted {
            case .failure(let error):
                let fields = Self.statusFields(error)
                if let fault = TransportFault(requestedBy: error) {
                    loop.execute { self.connection.apply(fault, to: self) }
                    return
                }
                loop.execute { self.connection.sendTrailersOnly(self, fields) }
            case .success(let contents):
                let headerFields: HeaderCodec.Fields
                do throws(RPCError) {
                    headerFields = try HeaderCodec.fields(from: contents.metadata)
                } catch {
                    let fields = Self.statusFields(code: .internal, message: "server handler returned invalid metadata: \(error.message)", metadata: [:])
                    loop.execute { self.connection.sendTrailersOnly(self, fields) }
                    return
                }
                if headerFields.isEmpty {
                    // No metadata (the usual case): the closure holds only the stream, so it
                    // needs no context of its own (measured: one allocation per call fewer).
                    loop.execute { self.connection.sendHeaders(self, []) }
                } else {
                    loop.execute { self.connection.sendHeaders(self, headerFields) }
                }
                let writer = RPCWriter<[UInt8]> { [self] message in try await self.write(message) }
                let fields: HeaderCodec.Fields
                do {
                    let trailers = try await contents.producer(writer)
                    fields = Self.statusFields(code: .ok, message: "", metadata: trailers)
                } catch {
                    if let fault = TransportFault(requestedBy: error) {
                        loop.execute { self.connection.apply(fault, to: self) }
                        return
                    }
                    fields = Self.statusFields(RPCError(from: error))
                }
                loop.execute { self.connection.sendTrailers(self, fields) }
            }
        }
    }
}

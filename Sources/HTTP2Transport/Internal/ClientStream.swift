import RPCCore

/// One client call on a connection. Loop-confined: every property is touched only on the
/// connection's event loop thread, except `body`, which is thread-safe.
final class ClientStream: @unchecked Sendable {
    let descriptor: MethodDescriptor
    let deadline: ContinuousClock.Instant?
    let maxRequestMessageBytes: Int
    let metadataFields: HeaderCodec.Fields
    let producer: @Sendable (RPCWriter<[UInt8]>) async throws -> Void
    let connection: ClientConnection
    /// Response messages then trailers, read by the caller.
    let body = AsyncMessageBuffer<ResponsePart>()

    var streamID: Int32 = -1
    var headContinuation: CheckedContinuation<Result<Metadata, RPCError>, Never>?
    /// Set when the call's outcome has been decided; nothing is delivered after it.
    var failure: RPCError?
    var isFinished = false
    var receivedHeaders = false
    var headerFields: HeaderCodec.Fields = []
    var headerBytes = 0
    var deframer: MessageDeframer
    var outbound = OutboundBuffer()
    var receiveWindow = ReceiveWindow()
    var deadlineTimer: TimerHeap.ID?
    var producerTask: Task<Void, Never>?
    /// Set on the loop before the head continuation resumes; read by the caller after: whether
    /// the request producer ran (then the call cannot be started again elsewhere).
    var producerStarted = false

    init(
        descriptor: MethodDescriptor, deadline: ContinuousClock.Instant?, options: CallOptions,
        metadataFields: HeaderCodec.Fields, producer: @escaping @Sendable (RPCWriter<[UInt8]>) async throws -> Void,
        connection: ClientConnection
    ) {
        self.descriptor = descriptor
        self.deadline = deadline
        self.maxRequestMessageBytes = options.maxRequestMessageBytes
        self.metadataFields = metadataFields
        self.producer = producer
        self.connection = connection
        self.deframer = MessageDeframer(maxMessageBytes: options.maxResponseMessageBytes)
    }

    var loop: EventLoop { connection.loop }
    var path: String { descriptor.path }

    /// Ends the call with an error (before or after headers). Idempotent.
    func fail(_ error: RPCError) {
        guard !isFinished else { return }
        isFinished = true
        failure = error
        if let headContinuation {
            self.headContinuation = nil
            headContinuation.resume(returning: .failure(error))
        } else {
            body.finish(throwing: error)
        }
        cleanUp(error)
    }

    /// Ends the call with status OK.
    func succeed(trailers: Metadata) {
        guard !isFinished else { return }
        isFinished = true
        body.push(.trailers(trailers))
        body.finish()
        if let headContinuation {
            // Trailers-Only with status OK: an empty body.
            self.headContinuation = nil
            headContinuation.resume(returning: .success([:]))
        }
        cleanUp(RPCError(code: .cancelled, message: "the call to \(path) already ended; request messages are no longer sent"))
    }

    /// Response headers arrived: the caller gets its response.
    func deliverHeaders(_ metadata: Metadata) {
        guard let headContinuation else { return }
        self.headContinuation = nil
        headContinuation.resume(returning: .success(metadata))
    }

    private func cleanUp(_ error: RPCError) {
        loop.cancelTimer(deadlineTimer)
        deadlineTimer = nil
        producerTask?.cancel()
        producerTask = nil
        outbound.failWaiters(error)
    }

    /// Runs the request producer concurrently; its writes are queued for the data provider.
    func startProducer() {
        producerStarted = true
        let writer = RPCWriter<[UInt8]> { [self] message in try await self.write(message) }
        producerTask = Task { [self] in
            do {
                try await producer(writer)
                loop.execute { self.connection.endRequest(self) }
            } catch {
                loop.execute { self.connection.producerFailed(self, error) }
            }
        }
    }

    private func write(_ message: [UInt8]) async throws {
        guard message.count <= maxRequestMessageBytes else {
            throw RPCError(code: .resourceExhausted, message: "request message of \(message.count) bytes for \(path) is larger than CallOptions.maxRequestMessageBytes (\(maxRequestMessageBytes))")
        }
        let framed = MessageFramer.frame(message)
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            loop.execute { self.connection.enqueue(framed, on: self, continuation) }
        }
    }

    /// The response body the caller iterates: dropping it unfinished, or cancelling the task
    /// iterating it, resets the stream.
    func makeBody() -> RPCAsyncSequence<ResponsePart> {
        let owner = ResponseBodyOwner(buffer: body, path: path, cancel: { [self] error in
            loop.execute { self.connection.abort(self, with: error) }
        }, didRead: { [self] size in
            loop.execute { self.connection.messageRead(self, size: size) }
        })
        return RPCAsyncSequence(makeNext: { { try await owner.next() } })
    }
}

/// Held by the response body and its iterators: when the last goes away before the body ended,
/// the call is cancelled.
private final class ResponseBodyOwner: Sendable {
    let buffer: AsyncMessageBuffer<ResponsePart>
    let path: String
    let cancel: @Sendable (RPCError) -> Void
    let didRead: @Sendable (Int) -> Void

    init(
        buffer: AsyncMessageBuffer<ResponsePart>, path: String,
        cancel: @escaping @Sendable (RPCError) -> Void, didRead: @escaping @Sendable (Int) -> Void
    ) {
        self.buffer = buffer
        self.path = path
        self.cancel = cancel
        self.didRead = didRead
    }

    func next() async throws -> ResponsePart? {
        let part = try await buffer.next(onCancel: { [buffer, cancel, path] in
            let error = RPCError(code: .cancelled, message: "the call to \(path) was cancelled by the caller")
            buffer.finish(throwing: error, discardBuffered: true)
            cancel(error)
        })
        if case .message(let bytes)? = part { didRead(bytes.count + MessageFramer.prefixLength) }
        return part
    }

    deinit {
        if !buffer.isEnded {
            cancel(RPCError(code: .cancelled, message: "the response of \(path) was dropped before its end"))
        }
    }
}

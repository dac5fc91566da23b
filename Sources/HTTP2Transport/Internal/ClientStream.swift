import RPCCore
import Synchronization

/// One client call on a connection. Loop-confined: every property is touched only on the
/// connection's event loop thread, except `body`, `receiveWindow` and `writeGate`, which are
/// thread-safe.
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
    /// Shared by the loop (bytes received) and the caller (messages read), so that reading a
    /// message needs no hop to the loop unless it reopens a held window.
    let receiveWindow = Mutex(ReceiveWindow())
    /// What the producer's writes check without a hop to the loop (see `write`).
    let writeGate = Mutex(WriteGate())
    var deadlineTimer: TimerHeap.ID?
    var producerTask: Task<Void, Never>?
    /// The request's only message when it is a plain unary one (see `startProducer`).
    let singleMessage: [UInt8]?
    /// Set on the loop before the head continuation resumes; read by the caller after: whether
    /// the request producer ran (then the call cannot be started again elsewhere).
    var producerStarted = false

    init(
        descriptor: MethodDescriptor, deadline: ContinuousClock.Instant?, options: CallOptions,
        metadataFields: HeaderCodec.Fields, producer: @escaping @Sendable (RPCWriter<[UInt8]>) async throws -> Void,
        singleMessage: [UInt8]? = nil, connection: ClientConnection
    ) {
        self.singleMessage = singleMessage
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
        // The error for later writes is built only if one comes.
        cleanUp(nil)
    }

    /// What a write after a successful end throws.
    private var alreadyEndedError: RPCError {
        RPCError(code: .cancelled, message: "the call to \(path) already ended; request messages are no longer sent")
    }

    /// Response headers arrived: the caller gets its response.
    func deliverHeaders(_ metadata: Metadata) {
        guard let headContinuation else { return }
        self.headContinuation = nil
        headContinuation.resume(returning: .success(metadata))
    }

    /// `error` is why writes now fail; `nil` after a success (see `alreadyEndedError`).
    private func cleanUp(_ error: RPCError?) {
        writeGate.withLock { gate in
            guard gate.refusal == nil, !gate.isEnded else { return }
            if let error { gate.refusal = error } else { gate.isEnded = true }
        }
        loop.cancelTimer(deadlineTimer)
        deadlineTimer = nil
        producerTask?.cancel()
        producerTask = nil
        if outbound.hasWaiters { outbound.failWaiters(error ?? alreadyEndedError) }
    }

    /// Starts sending the request. Called on the loop. A single-message request (unary, nothing
    /// replaced its producer) is queued right here, so it leaves with its headers in one write
    /// and no thread hop. Any other producer runs as a task on Swift's pool, not on the loop:
    /// it is caller code that may compute or block, and the loop serves every connection on it.
    func startProducer() {
        producerStarted = true
        if let message = singleMessage {
            guard message.count <= maxRequestMessageBytes else {
                connection.producerFailed(self, tooLarge(message.count))
                return
            }
            let framed = MessageFramer.frame(message)
            writeGate.withLock { $0.unsentBytes += framed.count }
            connection.enqueue(framed, on: self, nil)
            connection.endRequest(self)
            return
        }
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
        guard message.count <= maxRequestMessageBytes else { throw tooLarge(message.count) }
        let framed = MessageFramer.frame(message)
        // With room to spare, return at once instead of waiting for the loop to take the
        // message (one hop fewer per message); the loop drops it if the call ended meanwhile, as
        // a write racing the end always could, and the next write throws.
        let mustWait = try writeGate.withLock { gate throws(RPCError) -> Bool in
            if let refusal = gate.refusal { throw refusal }
            if gate.isEnded { throw alreadyEndedError }
            return gate.add(framed.count)
        }
        if !mustWait {
            loop.execute { self.connection.enqueue(framed, on: self, nil) }
            return
        }
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            loop.execute { self.connection.enqueue(framed, on: self, continuation) }
        }
    }

    private func tooLarge(_ count: Int) -> RPCError {
        RPCError(code: .resourceExhausted, message: "request message of \(count) bytes for \(path) is larger than CallOptions.maxRequestMessageBytes (\(maxRequestMessageBytes))")
    }

    /// The response body the caller iterates: dropping it unfinished, or cancelling the task
    /// iterating it, resets the stream.
    func makeBody() -> RPCAsyncSequence<ResponsePart> {
        let owner = ResponseBodyOwner(stream: self)
        return RPCAsyncSequence(makeNext: { { try await owner.next() } })
    }

    /// The caller cancelled the call or dropped its response: reset the stream.
    fileprivate func cancelFromCaller(_ error: RPCError) {
        loop.execute { self.connection.abort(self, with: error) }
    }

    /// The caller read a message of `size` bytes (prefix included): reopen a held window.
    fileprivate func didRead(_ size: Int) {
        let release = receiveWindow.withLock { $0.read(size) }
        if release > 0 {
            loop.execute { self.connection.releaseWindow(self, release) }
        }
    }
}

/// Held by the response body and its iterators: when the last goes away before the body ended,
/// the call is cancelled. It holds the stream itself rather than closures over it (no closure
/// contexts, and the path is built only if an error needs it).
private final class ResponseBodyOwner: Sendable {
    let stream: ClientStream

    init(stream: ClientStream) {
        self.stream = stream
    }

    func next() async throws -> ResponsePart? {
        let stream = stream
        let part = try await stream.body.next(onCancel: {
            let error = RPCError(code: .cancelled, message: "the call to \(stream.path) was cancelled by the caller")
            stream.body.finish(throwing: error, discardBuffered: true)
            stream.cancelFromCaller(error)
        })
        if case .message(let bytes)? = part { stream.didRead(bytes.count + MessageFramer.prefixLength) }
        return part
    }

    deinit {
        if !stream.body.isEnded {
            stream.cancelFromCaller(RPCError(code: .cancelled, message: "the response of \(stream.path) was dropped before its end"))
        }
    }
}

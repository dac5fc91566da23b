import CLinuxShims
import CNGHTTP2
import Glibc
import RPCCore
import Synchronization

/// A client HTTP/2 connection (h2c with prior knowledge) carrying many calls.
final class ClientConnection: H2Connection, @unchecked Sendable {
    /// `handshaking`: TCP is up and our SETTINGS are sent; calls wait for the server's SETTINGS
    /// so that its MAX_CONCURRENT_STREAMS is known (else calls above it would be refused).
    private enum Phase { case idle, connecting, handshaking, ready, closed }

    /// False once the connection is going away or closed: the pool then makes a new one.
    let usable = Atomic<Bool>(true)
    private weak var pool: ClientConnectionPool?
    private let target: HTTP2Target
    private let address: SocketAddress
    private let configuration: HTTP2ClientTransport.Configuration
    private let authority: String

    private var phase = Phase.idle
    private var pending: [ClientStream] = []
    private var streams: [Int32: ClientStream] = [:]
    private var connectTimer: TimerHeap.ID?
    private var closeReason = ""
    private var closeWaiters: [CheckedContinuation<Void, Never>] = []
    private var goAwayReceived = false
    /// The request header fields being submitted, kept between calls for its storage: building
    /// each call's headers in it costs no allocation once it has grown.
    private var requestFields: HeaderCodec.Fields = []

    init(loop: EventLoop, pool: ClientConnectionPool) {
        self.pool = pool
        self.target = pool.target
        self.address = pool.address
        self.configuration = pool.configuration
        self.authority = pool.configuration.authority ?? pool.target.authority
        super.init(loop: loop, peerDescription: pool.target.description)
    }

    // MARK: Connecting

    func connect(notBefore: ContinuousClock.Instant?) {
        guard phase == .idle else { return }
        if let notBefore, notBefore > .now {
            // Backing off after a failed attempt: calls queue meanwhile (their deadlines still run).
            phase = .connecting
            loop.scheduleTimer(at: notBefore) { [self] in
                phase = .idle
                connect(notBefore: nil)
            }
            return
        }
        phase = .connecting
        let socketFD = socket(address.family, Socket.streamType, 0)
        guard socketFD >= 0 else {
            failConnect("could not create a socket to connect to \(target): \(Socket.errorText(errno))")
            return
        }
        fd = socketFD
        Socket.setNoDelay(socketFD, family: address.family)
        // Covers the TCP connect and waiting for the server's SETTINGS.
        connectTimer = loop.scheduleTimer(at: .now + configuration.connectTimeout) { [self] in
            failConnect("connecting to \(target) timed out after \(configuration.connectTimeout); is the address reachable and is it an HTTP/2 server?")
        }
        let result = address.withSockaddr { Glibc.connect(socketFD, $0, $1) }
        if result == 0 {
            loop.register(socketFD, events: EPOLLIN.rawValue | EPOLLRDHUP.rawValue, handler: self)
            connected()
            return
        }
        let code = errno
        guard code == EINPROGRESS else {
            failConnect(connectErrorMessage(code))
            return
        }
        loop.register(socketFD, events: EPOLLOUT.rawValue, handler: self)
    }

    private func connectErrorMessage(_ code: Int32) -> String {
        switch code {
        case ECONNREFUSED: "connection to \(target) refused; is the server running?"
        case ENOENT: "connection to \(target) failed: no such socket file; is the server running?"
        default: "could not connect to \(target): \(Socket.errorText(code))"
        }
    }

    override func handleEvents(_ events: UInt32) {
        guard phase == .connecting else {
            super.handleEvents(events)
            return
        }
        let code = Socket.pendingError(fd)
        if code == 0 {
            loop.modify(fd, events: EPOLLIN.rawValue | EPOLLRDHUP.rawValue)
            connected()
        } else {
            failConnect(connectErrorMessage(code))
        }
    }

    private func failConnect(_ message: String) {
        close(reason: message)
    }

    private func connected() {
        let settings = [
            NGHTTP2.setting(NGHTTP2_SETTINGS_ENABLE_PUSH, 0),
            NGHTTP2.setting(NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE, configuration.initialWindowSize),
        ]
        guard makeSession(server: false, settings: settings, connectionWindow: configuration.initialWindowSize) else {
            failConnect("could not create an HTTP/2 session for \(target): out of memory")
            return
        }
        phase = .handshaking
        flush()
    }

    /// The server's first SETTINGS arrived (inside a callback: submit only).
    private func handshakeCompleted() {
        loop.cancelTimer(connectTimer)
        connectTimer = nil
        phase = .ready
        pool?.connectSucceeded()
        let queued = pending
        pending = []
        for stream in queued { submit(stream) }
    }

    // MARK: Calls

    /// Starts a call: queued until connected, then submitted. Resumes `continuation` with the
    /// response headers or the failure.
    func start(_ stream: ClientStream, _ continuation: CheckedContinuation<Result<Metadata, RPCError>, Never>) {
        if let failure = stream.failure {
            continuation.resume(returning: .failure(failure))
            return
        }
        stream.headContinuation = continuation
        if let deadline = stream.deadline {
            stream.deadlineTimer = loop.scheduleTimer(at: deadline) { [self] in
                stream.deadlineTimer = nil
                abort(stream, with: RPCError(code: .deadlineExceeded, message: "call to \(stream.path) at \(target) exceeded its deadline"))
            }
        }
        switch phase {
        case .idle, .connecting, .handshaking:
            pending.append(stream)
        case .ready:
            submit(stream)
            flush()
            // Failed before it was sent (such as refused for a GOAWAY): the producer never runs,
            // so the transport can start a refused call again on a new connection.
            if stream.isFinished { return }
        case .closed:
            // The connection closed between the pool handing it out and this call starting.
            var error = RPCError(code: .unavailable, message: "\(closeReason); the call to \(stream.path) was not sent")
            error.wasNotProcessed = true
            stream.fail(error)
            return
        }
        stream.startProducer()
    }

    private func submit(_ stream: ClientStream) {
        guard !stream.isFinished else { return }
        guard !goAwayReceived, let session else {
            var error = RPCError(code: .unavailable, message: "connection to \(target) is going away (GOAWAY); the call was not sent and may be retried")
            error.wasNotProcessed = true
            stream.fail(error)
            return
        }
        var fields = requestFields
        requestFields = []
        defer {
            // Emptied (dropping this call's strings) but its storage kept for the next call.
            fields.removeAll(keepingCapacity: true)
            requestFields = fields
        }
        fields.append((":method", "POST"))
        fields.append((":scheme", "http"))
        fields.append((":path", stream.path))
        fields.append((":authority", authority))
        fields.append(("content-type", "application/grpc"))
        fields.append(("te", "trailers"))
        if let deadline = stream.deadline {
            let remaining = ContinuousClock.now.duration(to: deadline)
            guard remaining > .zero else {
                stream.fail(RPCError(code: .deadlineExceeded, message: "deadline for \(stream.path) passed before the call was sent to \(target)"))
                return
            }
            fields.append(("grpc-timeout", GRPCTimeout.encode(remaining)))
        }
        fields.append(("grpc-accept-encoding", "identity"))
        fields.append(("user-agent", configuration.userAgent))
        fields.append(contentsOf: stream.metadataFields)
        for (name, value) in configuration.headerOverridesForTesting.sorted(by: { $0.key < $1.key }) {
            if let index = fields.firstIndex(where: { $0.0 == name }) {
                fields[index].1 = value
            } else {
                fields.append((name, value))
            }
        }
        var provider = nghttp2_data_provider()
        provider.read_callback = h2ReadCallback
        let streamID = NGHTTP2.withHeaders(fields) { nva, count in
            nghttp2_submit_request(session, nil, nva, count, &provider, nil)
        }
        guard streamID > 0 else {
            stream.fail(RPCError(code: .unavailable, message: "could not start the call to \(stream.path) on \(target): \(NGHTTP2.errorText(Int(streamID)))"))
            return
        }
        stream.streamID = streamID
        streams[streamID] = stream
    }

    /// Ends a call from our side (deadline, cancellation, producer failure) and resets its stream.
    func abort(_ stream: ClientStream, with error: RPCError) {
        guard !stream.isFinished else { return }
        if let index = pending.firstIndex(where: { $0 === stream }) { pending.remove(at: index) }
        stream.fail(error)
        if stream.streamID > 0, let session, !isClosed {
            _ = nghttp2_submit_rst_stream(session, NGHTTP2.flagNone, stream.streamID, NGHTTP2.cancel)
            flush()
        }
    }

    /// Queues a request message. `continuation` is the producer waiting for room, if it had to
    /// (see `ClientStream.write`).
    func enqueue(_ framed: [UInt8], on stream: ClientStream, _ continuation: CheckedContinuation<Void, any Error>?) {
        guard !stream.isFinished, !stream.outbound.ended else {
            continuation?.resume(throwing: stream.failure ?? RPCError(code: .cancelled, message: "the call to \(stream.path) already ended; the request message was not sent"))
            return
        }
        stream.outbound.append(framed, waiter: continuation)
        resumeData(stream)
    }

    /// The caller caught up on a held response window: reopen it.
    func releaseWindow(_ stream: ClientStream, _ bytes: Int) {
        guard stream.streamID > 0, streams[stream.streamID] === stream else { return }
        consumeStream(stream.streamID, bytes)
        flush()
    }

    func endRequest(_ stream: ClientStream) {
        guard !stream.isFinished else { return }
        stream.outbound.ended = true
        resumeData(stream)
    }

    func producerFailed(_ stream: ClientStream, _ error: any Error) {
        abort(stream, with: RPCError(from: error))
    }

    private func resumeData(_ stream: ClientStream) {
        guard stream.streamID > 0, stream.outbound.deferred, let session, !isClosed else { return }
        stream.outbound.deferred = false
        _ = nghttp2_session_resume_data(session, stream.streamID)
        flush()
    }

    /// Closes the connection for `close()` on the transport.
    func shutdown(_ continuation: CheckedContinuation<Void, Never>) {
        closeWaiters.append(continuation)
        if isClosed {
            resumeCloseWaiters()
            return
        }
        if session != nil {
            _ = nghttp2_session_terminate_session(session, NGHTTP2.noError)
            flushNow()
        }
        close(reason: "the client transport to \(target) was closed")
    }

    private func resumeCloseWaiters() {
        let waiters = closeWaiters
        closeWaiters = []
        for waiter in waiters { waiter.resume() }
    }

    override func didClose(reason: String) {
        if phase != .ready {
            // Never got as far as the server's SETTINGS: back off before the next attempt.
            pool?.connectFailed(reason: reason)
        }
        phase = .closed
        closeReason = reason
        usable.store(false, ordering: .releasing)
        loop.cancelTimer(connectTimer)
        let error = RPCError(code: .unavailable, message: reason)
        // Calls still waiting for the connection were never sent: safe to retry.
        var unsent = RPCError(code: .unavailable, message: "\(reason); the call was not sent")
        unsent.wasNotProcessed = true
        let waiting = pending
        let inFlight = streams.values
        pending = []
        streams = [:]
        for stream in waiting { stream.fail(unsent) }
        for stream in inFlight { stream.fail(error) }
        resumeCloseWaiters()
    }

    // MARK: nghttp2 callbacks

    override func onBeginHeaders(streamID: Int32, category: UInt32) -> Int32 {
        if let stream = streams[streamID] {
            // The response headers' array serves the trailers too; the first takes a closed
            // call's array, if one is spare.
            takeSpareHeaderStorage(into: &stream.headerFields)
            stream.headerFields.removeAll(keepingCapacity: true)
            stream.headerBytes = 0
        }
        return 0
    }

    override func onHeader(streamID: Int32, name: String, value: String) -> Int32 {
        guard let stream = streams[streamID], !stream.isFinished else { return 0 }
        stream.headerBytes += name.utf8.count + value.utf8.count + 32
        guard stream.headerBytes <= 1 << 20 else {
            abortInCallback(stream, RPCError(code: .internal, message: "response headers from \(target) for \(stream.path) exceed 1 MiB"))
            return 0
        }
        // Room for the usual response headers and trailers at once, instead of growing 1, 2, 4.
        if stream.headerFields.capacity == 0 { stream.headerFields.reserveCapacity(8) }
        stream.headerFields.append((name, value))
        return 0
    }

    override func onFrameReceived(_ frame: nghttp2_frame) -> Int32 {
        let streamID = frame.hd.stream_id
        switch frame.hd.type {
        case NGHTTP2.frameHeaders:
            guard let stream = streams[streamID], !stream.isFinished else { return 0 }
            let endStream = frame.hd.flags & NGHTTP2.flagEndStream != 0
            if stream.receivedHeaders {
                handleTrailers(stream)
            } else {
                handleResponseHeaders(stream, endStream: endStream)
            }
        case NGHTTP2.frameData:
            guard frame.hd.flags & NGHTTP2.flagEndStream != 0, let stream = streams[streamID], !stream.isFinished else { return 0 }
            stream.fail(RPCError(code: .internal, message: "\(target) ended the response for \(stream.path) without trailers (no grpc-status)"))
        case NGHTTP2.frameSettings:
            if phase == .handshaking && frame.hd.flags & NGHTTP2.flagAck == 0 { handshakeCompleted() }
        case NGHTTP2.frameGoAway:
            // nghttp2 closes streams above last-stream-id with REFUSED_STREAM; new calls go elsewhere.
            goAwayReceived = true
            usable.store(false, ordering: .releasing)
        default:
            break
        }
        if frame.hd.flags & NGHTTP2.flagEndStream != 0,
           frame.hd.type == NGHTTP2.frameHeaders || frame.hd.type == NGHTTP2.frameData {
            endRequestAfterResponse(streamID)
        }
        return 0
    }

    /// The response ended while the request is still open (the server answered without reading
    /// all of it): reset our side too. Else the stream stays half-open for ever, holding one of
    /// the server's MAX_CONCURRENT_STREAMS and this call's memory, and once the server's limit of
    /// such streams is reached every new call on the connection waits.
    private func endRequestAfterResponse(_ streamID: Int32) {
        guard let stream = streams[streamID], stream.isFinished, !stream.outbound.ended, let session else { return }
        stream.outbound.ended = true
        _ = nghttp2_submit_rst_stream(session, NGHTTP2.flagNone, streamID, NGHTTP2.noError)
    }

    private func handleResponseHeaders(_ stream: ClientStream, endStream: Bool) {
        let fields = stream.headerFields
        let httpStatus = HeaderCodec.first(":status", in: fields).flatMap { Int($0) } ?? 0
        if (100..<200).contains(httpStatus) { return }
        stream.receivedHeaders = true
        if endStream {
            // Trailers-Only (or an HTTP error without body).
            if HeaderCodec.first("grpc-status", in: fields) != nil {
                handleTrailers(stream)
            } else {
                let code = HTTPStatusMapping.code(forHTTPStatus: httpStatus)
                stream.fail(RPCError(code: code, message: "\(target) answered \(stream.path) with HTTP status \(httpStatus) and no grpc-status", metadata: HeaderCodec.metadata(from: fields)))
            }
            return
        }
        guard httpStatus == 200 else {
            abortInCallback(stream, RPCError(
                code: HTTPStatusMapping.code(forHTTPStatus: httpStatus),
                message: "\(target) answered \(stream.path) with HTTP status \(httpStatus) instead of 200",
                metadata: HeaderCodec.metadata(from: fields)
            ))
            return
        }
        let contentType = HeaderCodec.first("content-type", in: fields)
        guard let contentType, contentType.hasPrefix("application/grpc") else {
            abortInCallback(stream, RPCError(
                code: .unknown,
                message: "\(target) answered \(stream.path) with content-type '\(contentType ?? "(none)")'; expected application/grpc (is it a gRPC server?)"
            ))
            return
        }
        stream.deliverHeaders(HeaderCodec.metadata(from: fields))
    }

    private func handleTrailers(_ stream: ClientStream) {
        let fields = stream.headerFields
        let metadata = HeaderCodec.metadata(from: fields)
        guard let statusText = HeaderCodec.first("grpc-status", in: fields) else {
            stream.fail(RPCError(code: .unknown, message: "\(target) ended \(stream.path) with trailers but no grpc-status", metadata: metadata))
            return
        }
        guard let value = Int(statusText), let code = Status.Code(rawValue: value) else {
            stream.fail(RPCError(code: .unknown, message: "\(target) sent an invalid grpc-status '\(statusText)' for \(stream.path)", metadata: metadata))
            return
        }
        if code == .ok && stream.deframer.hasPartialMessage {
            stream.fail(RPCError(code: .internal, message: "\(target) ended \(stream.path) in the middle of a response message"))
            return
        }
        if code == .ok {
            stream.succeed(trailers: metadata)
        } else {
            let message = PercentEncoding.decode(HeaderCodec.first("grpc-message", in: fields) ?? "")
            stream.fail(RPCError(code: code, message: message, metadata: metadata))
        }
    }

    /// Fails a call and resets its stream from inside a callback (submitting is allowed there).
    private func abortInCallback(_ stream: ClientStream, _ error: RPCError) {
        stream.fail(error)
        if stream.streamID > 0, let session {
            _ = nghttp2_submit_rst_stream(session, NGHTTP2.flagNone, stream.streamID, NGHTTP2.cancel)
        }
    }

    override func onData(streamID: Int32, _ data: UnsafeRawBufferPointer) -> Int32 {
        consumeConnection(data.count)
        guard let stream = streams[streamID], !stream.isFinished, stream.receivedHeaders else {
            consumeStream(streamID, data.count)
            return 0
        }
        do {
            try receiveMessages(data, streamID: streamID, deframer: &stream.deframer, window: stream.receiveWindow) {
                stream.body.push(.message($0))
            }
        } catch {
            let message: String
            switch error {
            case .messageTooLarge:
                message = "response from \(target) for \(stream.path) rejected: \(error); raise CallOptions.maxResponseMessageBytes to accept it"
            default:
                message = "response from \(target) for \(stream.path) is malformed: \(error)"
            }
            abortInCallback(stream, RPCError(code: error.code, message: message))
        }
        return 0
    }

    override func onStreamClosed(streamID: Int32, errorCode: UInt32) {
        guard let stream = streams.removeValue(forKey: streamID) else { return }
        // No more headers come for it: its array, emptied, serves the next call's.
        keepHeaderStorage(of: &stream.headerFields)
        guard !stream.isFinished else { return }
        let deadlinePassed = stream.deadline.map { $0 <= .now } ?? false
        stream.fail(ResetMapping.error(forResetCode: errorCode, path: stream.path, peer: target.description, deadlinePassed: deadlinePassed))
    }

    override func onFrameNotSent(_ frame: nghttp2_frame, error: Int) {
        guard frame.hd.type == NGHTTP2.frameHeaders, let stream = streams.removeValue(forKey: frame.hd.stream_id) else { return }
        if error == NGHTTP2.errFrameSize {
            // Too much metadata for one header block: sending it again can never work, so not
            // marked as not processed (which would invite a transparent retry).
            let metadataBytes = stream.metadataFields.reduce(0) { $0 + $1.0.utf8.count + $1.1.utf8.count }
            stream.fail(RPCError(
                code: .resourceExhausted,
                message: "request headers for \(stream.path) to \(target) are over the 64 KiB of one HTTP/2 header block "
                    + "(\(metadataBytes) bytes of metadata); send less metadata"
            ))
            return
        }
        var failure = RPCError(code: .unavailable, message: "could not send the call to \(stream.path) to \(target): \(NGHTTP2.errorText(error)); it was not processed")
        failure.wasNotProcessed = true
        stream.fail(failure)
    }

    override func readBody(streamID: Int32, into buffer: UnsafeMutableRawBufferPointer, flags: UnsafeMutablePointer<UInt32>) -> Int {
        guard let stream = streams[streamID] else { return Int(NGHTTP2.errTemporalCallbackFailure) }
        let count = stream.outbound.read(into: buffer)
        if count > 0 { stream.writeGate.withLock { $0.unsentBytes -= count } }
        for waiter in stream.outbound.takeWaitersIfRoom() { waiter.resume() }
        if stream.outbound.count == 0 && stream.outbound.ended {
            flags.pointee |= NGHTTP2.dataFlagEOF
            return count
        }
        if count > 0 { return count }
        stream.outbound.deferred = true
        return NGHTTP2.errDeferred
    }
}

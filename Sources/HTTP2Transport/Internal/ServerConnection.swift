import CLinuxShims
import CNGHTTP2
import Glibc
import RPCCore
import Synchronization

/// One accepted HTTP/2 connection: validates requests, runs a handler task per call, sends
/// responses. A protocol error closes this connection only.
final class ServerConnection: H2Connection, @unchecked Sendable {
    typealias Handler = @Sendable (StreamingServerRequest, ServerContext) async -> StreamingServerResponse

    private let core: ServerCore
    private let handler: Handler
    private let configuration: HTTP2ServerTransport.Configuration
    private var streams: [Int32: ServerStream] = [:]
    private var shuttingDown = false

    init(fd: Int32, loop: EventLoop, core: ServerCore, handler: @escaping Handler, peer: String) {
        self.core = core
        self.handler = handler
        self.configuration = core.configuration
        super.init(loop: loop, peerDescription: peer)
        self.fd = fd
    }

    func start() {
        let settings = [
            NGHTTP2.setting(NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS, configuration.maxConcurrentStreams),
            NGHTTP2.setting(NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE, configuration.initialWindowSize),
            NGHTTP2.setting(NGHTTP2_SETTINGS_MAX_HEADER_LIST_SIZE, configuration.maxHeaderListBytes),
            NGHTTP2.setting(NGHTTP2_SETTINGS_ENABLE_PUSH, 0),
        ]
        registerForReading()
        guard makeSession(server: true, settings: settings, connectionWindow: configuration.initialWindowSize) else {
            close(reason: "could not create an HTTP/2 session for \(peerDescription): out of memory")
            return
        }
        flush()
    }

    /// GOAWAY as a shutdown notice, then after a short delay GOAWAY with the last stream
    /// processed; the connection closes once its streams are done.
    func beginGracefulShutdown() {
        guard !shuttingDown, !isClosed, let session else { return }
        shuttingDown = true
        _ = nghttp2_submit_shutdown_notice(session)
        flush()
        loop.scheduleTimer(at: .now + configuration.shutdownNoticeDelay) { [self] in
            guard !isClosed, let session = self.session else { return }
            _ = nghttp2_submit_goaway(session, NGHTTP2.flagNone, nghttp2_session_get_last_proc_stream_id(session), NGHTTP2.noError, nil, 0)
            flush()
        }
        if let grace = configuration.shutdownGracePeriod {
            loop.scheduleTimer(at: .now + grace) { [self] in
                guard !isClosed else { return }
                let running = streams.count
                if let session = self.session {
                    _ = nghttp2_session_terminate_session(session, NGHTTP2.noError)
                    flushNow()
                }
                close(reason: "graceful shutdown period of \(grace) elapsed; \(running) call(s) from \(peerDescription) still running were cancelled")
            }
        }
    }

    override func didClose(reason: String) {
        let all = streams.values
        streams = [:]
        for stream in all { streamEnded(stream) }
        core.connectionClosed(self)
    }

    /// The stream is gone (closed or reset by the client, or the connection broke).
    private func streamEnded(_ stream: ServerStream) {
        stream.isClosed = true
        // An ended response refused writes already (see `ServerStream.response`): one lock less
        // per call.
        if stream.response != .ended { stream.refuseWrites() }
        loop.cancelTimer(stream.deadlineTimer)
        stream.deadlineTimer = nil
        stream.handlerTask?.cancel()
        stream.handlerTask = nil
        // Built only when someone will see it: a call that completed has nothing left to fail.
        let peer = peerDescription
        func error() -> RPCError {
            RPCError(code: .cancelled, message: "the client cancelled the call to \(stream.path) or the connection from \(peer) closed")
        }
        stream.requestMessages.finish(discardingBufferedWithError: error)
        if stream.outbound.hasWaiters { stream.outbound.failWaiters(error()) }
    }

    // MARK: Responses (run as loop work, outside callbacks)

    func sendTrailersOnly(_ stream: ServerStream, _ statusFields: HeaderCodec.Fields) {
        guard !stream.isClosed, stream.response == .pending, let session else { return }
        submitTrailersOnly(stream, statusFields, session: session)
        flush()
    }

    private func submitTrailersOnly(_ stream: ServerStream, _ statusFields: HeaderCodec.Fields, session: OpaquePointer, httpStatus: Int = 200) {
        stream.response = .ended
        stream.ignoresRequestData = true
        loop.cancelTimer(stream.deadlineTimer)
        stream.deadlineTimer = nil
        let fields = [(":status", String(httpStatus)), ("content-type", "application/grpc"), ("grpc-accept-encoding", "identity")]
        _ = NGHTTP2.withHeaders(fields, followedBy: statusFields) { nva, count in
            nghttp2_submit_response(session, stream.streamID, nva, count, nil)
        }
    }

    func sendHeaders(_ stream: ServerStream, _ metadataFields: HeaderCodec.Fields) {
        guard !stream.isClosed, stream.response == .pending, let session else { return }
        stream.response = .headersSent
        let fields = [(":status", "200"), ("content-type", "application/grpc"), ("grpc-accept-encoding", "identity")]
        var provider = nghttp2_data_provider()
        provider.read_callback = h2ReadCallback
        _ = NGHTTP2.withHeaders(fields, followedBy: metadataFields) { nva, count in
            nghttp2_submit_response(session, stream.streamID, nva, count, &provider)
        }
        flush()
    }

    func sendTrailers(_ stream: ServerStream, _ statusFields: HeaderCodec.Fields) {
        guard !stream.isClosed, let session else { return }
        switch stream.response {
        case .pending:
            submitTrailersOnly(stream, statusFields, session: session)
            flush()
        case .headersSent:
            stream.response = .ended
            loop.cancelTimer(stream.deadlineTimer)
            stream.deadlineTimer = nil
            stream.trailers = statusFields
            stream.outbound.ended = true
            resumeData(stream)
        case .ended:
            return
        }
    }

    /// Acts on a fault the handler asked for (see ``TransportFault``) instead of sending a status.
    func apply(_ fault: TransportFault, to stream: ServerStream) {
        guard !isClosed else { return }
        // Messages the handler wrote before asking for the fault go out first, as they would
        // have if each write had been flushed at once (a reset would otherwise discard them).
        flushNow()
        guard !isClosed, let session else { return }
        switch fault.action {
        case .resetStream(let code):
            guard !stream.isClosed, stream.response != .ended else { return }
            endForFault(stream)
            _ = nghttp2_submit_rst_stream(session, NGHTTP2.flagNone, stream.streamID, code.rawValue)
            flush()
        case .goAway:
            guard !stream.isClosed, stream.response != .ended else { return }
            endForFault(stream)
            // REFUSED_STREAM for this stream (the client knows it was not processed), and a GOAWAY
            // naming the last stream already received, as a server going away does: calls the
            // server has begun finish (even on higher stream ids: they may have answered already),
            // calls the client opens before it reads the GOAWAY are refused. nghttp2 closes the
            // connection once the remaining calls end.
            _ = nghttp2_submit_rst_stream(session, NGHTTP2.flagNone, stream.streamID, NGHTTP2.refusedStream)
            _ = nghttp2_submit_goaway(session, NGHTTP2.flagNone, nghttp2_session_get_last_proc_stream_id(session), NGHTTP2.noError, nil, 0)
            flush()
        case .dropConnection:
            // SO_LINGER 0: close sends a TCP reset at once, as when a process or proxy dies.
            var linger = Glibc.linger(l_onoff: 1, l_linger: 0)
            _ = setsockopt(fd, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<Glibc.linger>.size))
            close(reason: "the handler for \(stream.path) asked to drop the connection from \(peerDescription) (injected fault)")
        }
    }

    private func endForFault(_ stream: ServerStream) {
        stream.response = .ended
        stream.ignoresRequestData = true
        loop.cancelTimer(stream.deadlineTimer)
        stream.deadlineTimer = nil
    }

    /// Queues a response message. `continuation` is the writer waiting for room, if it had to
    /// (see `ServerStream.write`).
    func enqueue(_ framed: [UInt8], on stream: ServerStream, _ continuation: CheckedContinuation<Void, any Error>?) {
        guard !stream.isClosed, stream.response == .headersSent else {
            continuation?.resume(throwing: RPCError(code: .cancelled, message: "the call to \(stream.path) already ended; the response message was not sent"))
            return
        }
        stream.outbound.append(framed, waiter: continuation)
        resumeData(stream)
    }

    private func resumeData(_ stream: ServerStream) {
        guard stream.outbound.deferred, let session, !isClosed else { return }
        stream.outbound.deferred = false
        _ = nghttp2_session_resume_data(session, stream.streamID)
        flush()
    }

    /// The handler caught up on a held request window: reopen it.
    func releaseWindow(_ stream: ServerStream, _ bytes: Int) {
        guard !stream.isClosed else { return }
        consumeStream(stream.streamID, bytes)
        flush()
    }

    private func deadlineExpired(_ stream: ServerStream) {
        stream.deadlineTimer = nil
        guard !stream.isClosed else { return }
        stream.handlerTask?.cancel()
        let error = RPCError(code: .deadlineExceeded, message: "call to \(stream.path) exceeded its deadline")
        stream.requestMessages.finish(throwing: error, discardBuffered: true)
        stream.ignoresRequestData = true
        let fields = ServerStream.statusFields(error)
        switch stream.response {
        case .pending:
            sendTrailersOnly(stream, fields)
        case .headersSent:
            sendTrailers(stream, fields)
        case .ended:
            break
        }
    }

    // MARK: nghttp2 callbacks

    override func onBeginHeaders(streamID: Int32, category: UInt32) -> Int32 {
        if category == NGHTTP2_HCAT_REQUEST.rawValue {
            let stream = ServerStream(streamID: streamID, connection: self, maxMessageBytes: configuration.maxRequestMessageBytes)
            takeSpareHeaderStorage(into: &stream.headerFields)
            streams[streamID] = stream
        } else if let stream = streams[streamID] {
            stream.headerFields = []
            stream.headerBytes = 0
        }
        return 0
    }

    override func onHeader(streamID: Int32, name: String, value: String) -> Int32 {
        guard let stream = streams[streamID] else { return 0 }
        stream.headerBytes += name.utf8.count + value.utf8.count + 32
        // Over the limit, keep only what routing and errors need; the call is refused below.
        if stream.headerBytes <= configuration.maxHeaderListBytes || name.hasPrefix(":") {
            // Room for a usual request's headers at once, instead of growing 1, 2, 4, 8.
            if stream.headerFields.capacity == 0 { stream.headerFields.reserveCapacity(16) }
            stream.headerFields.append((name, value))
        }
        return 0
    }

    override func onFrameReceived(_ frame: nghttp2_frame) -> Int32 {
        guard let stream = streams[frame.hd.stream_id] else { return 0 }
        let endStream = frame.hd.flags & NGHTTP2.flagEndStream != 0
        switch frame.hd.type {
        case NGHTTP2.frameHeaders:
            if frame.headers.cat == NGHTTP2_HCAT_REQUEST {
                handleRequest(stream, endStream: endStream)
            } else if endStream {
                endRequest(stream)
            }
        case NGHTTP2.frameData:
            if endStream { endRequest(stream) }
        default:
            break
        }
        return 0
    }

    /// `application/grpc`, optionally followed by `+format` or `;parameters`.
    static func isGRPCContentType(_ value: String) -> Bool {
        // ASCII (the usual case): compare bytes, lowercasing as `lowercased()` would, without
        // building a lowered copy. For ASCII, characters and bytes are the same.
        let bytes = value.utf8
        if bytes.allSatisfy({ $0 < 0x80 }) {
            let prefix = "application/grpc".utf8
            guard bytes.count >= prefix.count else { return false }
            let lowered = bytes.lazy.map { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") ? $0 + 32 : $0 }
            guard lowered.starts(with: prefix) else { return false }
            guard let next = bytes.dropFirst(prefix.count).first else { return true }
            return next == UInt8(ascii: "+") || next == UInt8(ascii: ";")
        }
        let lowered = value.lowercased()
        guard lowered.hasPrefix("application/grpc") else { return false }
        let rest = lowered.dropFirst("application/grpc".count)
        return rest.isEmpty || rest.hasPrefix("+") || rest.hasPrefix(";")
    }

    private func handleRequest(_ stream: ServerStream, endStream: Bool) {
        var fields = stream.headerFields
        stream.headerFields = []
        handleRequest(stream, fields: fields, endStream: endStream)
        // The fields are read: their storage serves the next request's (one allocation fewer).
        keepHeaderStorage(of: &fields)
    }

    private func handleRequest(_ stream: ServerStream, fields: HeaderCodec.Fields, endStream: Bool) {
        guard let session else { return }
        stream.path = HeaderCodec.first(":path", in: fields) ?? ""
        let method = HeaderCodec.first(":method", in: fields) ?? ""
        guard method == "POST" else {
            let status = ServerStream.statusFields(code: .internal, message: "gRPC requires method POST, got '\(method)'", metadata: [:])
            submitTrailersOnly(stream, status, session: session, httpStatus: 405)
            return
        }
        let contentType = HeaderCodec.first("content-type", in: fields)
        guard let contentType, Self.isGRPCContentType(contentType) else {
            let status = ServerStream.statusFields(
                code: .internal, message: "content-type '\(contentType ?? "(none)")' is not application/grpc", metadata: [:]
            )
            submitTrailersOnly(stream, status, session: session, httpStatus: 415)
            return
        }
        // No compression is implemented: a compressed request gets UNIMPLEMENTED and the
        // grpc-accept-encoding header tells the client what to send instead (gRPC's compression.md).
        if let encoding = HeaderCodec.first("grpc-encoding", in: fields), encoding != "identity" {
            let status = ServerStream.statusFields(
                code: .unimplemented,
                message: "grpc-encoding '\(encoding)' is not supported by this server; send uncompressed messages (grpc-accept-encoding: identity)",
                metadata: [:]
            )
            submitTrailersOnly(stream, status, session: session)
            return
        }
        guard let descriptor = MethodDescriptor(path: stream.path) else {
            let status = ServerStream.statusFields(code: .unimplemented, message: "path '\(stream.path)' is not of the form /package.Service/Method", metadata: [:])
            submitTrailersOnly(stream, status, session: session)
            return
        }
        guard stream.headerBytes <= configuration.maxHeaderListBytes else {
            let status = ServerStream.statusFields(
                code: .resourceExhausted,
                message: "request headers for \(stream.path) are \(stream.headerBytes) bytes, over the server's maxHeaderListBytes (\(configuration.maxHeaderListBytes))",
                metadata: [:]
            )
            submitTrailersOnly(stream, status, session: session)
            return
        }
        var deadline: ContinuousClock.Instant?
        if let timeout = HeaderCodec.first("grpc-timeout", in: fields) {
            do {
                deadline = .now + (try GRPCTimeout.decode(timeout))
            } catch {
                let status = ServerStream.statusFields(code: .internal, message: "\(error.description) in the call to \(stream.path)", metadata: [:])
                submitTrailersOnly(stream, status, session: session)
                return
            }
        }
        if shuttingDown && stream.streamID > nghttp2_session_get_last_proc_stream_id(session) {
            let status = ServerStream.statusFields(code: .unavailable, message: "server is shutting down", metadata: [:])
            submitTrailersOnly(stream, status, session: session)
            return
        }
        if let deadline {
            stream.deadlineTimer = loop.scheduleTimer(at: deadline) { [self] in deadlineExpired(stream) }
        }
        if endStream { stream.requestMessages.finish() }
        let request = StreamingServerRequest(metadata: HeaderCodec.metadata(from: fields), messages: stream.messageSequence)
        let context = ServerContext(descriptor: descriptor, remotePeer: peerDescription, deadline: deadline)
        stream.runHandler(handler, request: request, context: context)
    }

    private func endRequest(_ stream: ServerStream) {
        guard !stream.ignoresRequestData else { return }
        if stream.deframer.hasPartialMessage {
            failRequest(stream, RPCError(code: .internal, message: "request to \(stream.path) ended in the middle of a message"))
        } else {
            stream.requestMessages.finish()
        }
    }

    /// The request body is unusable: end the call with `error` and stop the handler.
    private func failRequest(_ stream: ServerStream, _ error: RPCError) {
        stream.ignoresRequestData = true
        stream.requestMessages.finish(throwing: error, discardBuffered: true)
        stream.handlerTask?.cancel()
        guard let session else { return }
        let fields = ServerStream.statusFields(error)
        switch stream.response {
        case .pending:
            submitTrailersOnly(stream, fields, session: session)
        case .headersSent:
            stream.response = .ended
            stream.trailers = fields
            stream.outbound.ended = true
            if stream.outbound.deferred {
                stream.outbound.deferred = false
                _ = nghttp2_session_resume_data(session, stream.streamID)
            }
        case .ended:
            break
        }
    }

    override func onData(streamID: Int32, _ data: UnsafeRawBufferPointer) -> Int32 {
        consumeConnection(data.count)
        guard let stream = streams[streamID], !stream.ignoresRequestData else {
            consumeStream(streamID, data.count)
            return 0
        }
        do {
            try receiveMessages(data, streamID: streamID, deframer: &stream.deframer, window: stream.receiveWindow) {
                stream.requestMessages.push($0)
            }
        } catch {
            consumeStream(streamID, data.count)
            let message: String
            switch error {
            case .messageTooLarge:
                message = "request to \(stream.path) rejected: \(error) (server maxRequestMessageBytes)"
            default:
                message = "request to \(stream.path) is malformed: \(error)"
            }
            failRequest(stream, RPCError(code: error.code, message: message))
        }
        return 0
    }

    override func onStreamClosed(streamID: Int32, errorCode: UInt32) {
        guard let stream = streams.removeValue(forKey: streamID) else { return }
        streamEnded(stream)
    }

    override func readBody(streamID: Int32, into buffer: UnsafeMutableRawBufferPointer, flags: UnsafeMutablePointer<UInt32>) -> Int {
        guard let stream = streams[streamID], let session else { return Int(NGHTTP2.errTemporalCallbackFailure) }
        let count = stream.outbound.read(into: buffer)
        if count > 0 { stream.writeGate.withLock { $0.unsentBytes -= count } }
        for waiter in stream.outbound.takeWaitersIfRoom() { waiter.resume() }
        if stream.outbound.count == 0 && stream.outbound.ended {
            flags.pointee |= NGHTTP2.dataFlagEOF
            if let trailers = stream.trailers {
                flags.pointee |= NGHTTP2.dataFlagNoEndStream
                _ = NGHTTP2.withHeaders(trailers) { nva, count in
                    nghttp2_submit_trailer(session, streamID, nva, count)
                }
            }
            return count
        }
        if count > 0 { return count }
        stream.outbound.deferred = true
        return NGHTTP2.errDeferred
    }
}

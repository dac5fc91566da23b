import CLinuxShims
import CNGHTTP2
import Glibc

/// nghttp2 values that Swift does not import (macros) or imports as enum structs.
enum NGHTTP2 {
    static let errDeferred = Int(NGHTTP2_ERR_DEFERRED.rawValue)
    /// A header block over what nghttp2 sends in one (64 KiB by default).
    static let errFrameSize = Int(NGHTTP2_ERR_FRAME_SIZE_ERROR.rawValue)
    static let errTemporalCallbackFailure = Int32(NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE.rawValue)
    static let errCallbackFailure = Int32(NGHTTP2_ERR_CALLBACK_FAILURE.rawValue)
    static let frameData = UInt8(NGHTTP2_DATA.rawValue)
    static let frameHeaders = UInt8(NGHTTP2_HEADERS.rawValue)
    static let frameRSTStream = UInt8(NGHTTP2_RST_STREAM.rawValue)
    static let frameGoAway = UInt8(NGHTTP2_GOAWAY.rawValue)
    static let frameSettings = UInt8(NGHTTP2_SETTINGS.rawValue)
    static let flagEndStream = UInt8(NGHTTP2_FLAG_END_STREAM.rawValue)
    static let flagNone = UInt8(NGHTTP2_FLAG_NONE.rawValue)
    static let flagAck = UInt8(NGHTTP2_FLAG_ACK.rawValue)
    static let dataFlagEOF = UInt32(NGHTTP2_DATA_FLAG_EOF.rawValue)
    static let dataFlagNoEndStream = UInt32(NGHTTP2_DATA_FLAG_NO_END_STREAM.rawValue)
    static let noError = UInt32(NGHTTP2_NO_ERROR.rawValue)
    static let protocolError = UInt32(NGHTTP2_PROTOCOL_ERROR.rawValue)
    static let internalError = UInt32(NGHTTP2_INTERNAL_ERROR.rawValue)
    static let refusedStream = UInt32(NGHTTP2_REFUSED_STREAM.rawValue)
    static let cancel = UInt32(NGHTTP2_CANCEL.rawValue)
    static let enhanceYourCalm = UInt32(NGHTTP2_ENHANCE_YOUR_CALM.rawValue)
    static let inadequateSecurity = UInt32(NGHTTP2_INADEQUATE_SECURITY.rawValue)
    /// The largest flow-control window HTTP/2 allows (`NGHTTP2_MAX_WINDOW_SIZE`).
    static let maxWindowSize = Int(Int32.max)
    /// `NGHTTP2_INITIAL_WINDOW_SIZE`.
    static let defaultWindowSize = 65_535

    static func errorText(_ code: Int) -> String {
        guard let text = nghttp2_strerror(Int32(clamping: code)) else { return "nghttp2 error \(code)" }
        var chars: [CChar] = []
        var pointer = text
        while pointer.pointee != 0 { chars.append(pointer.pointee); pointer += 1 }
        return cText(chars)
    }

    static func setting(_ id: nghttp2_settings_id, _ value: Int) -> nghttp2_settings_entry {
        nghttp2_settings_entry(settings_id: Int32(id.rawValue), value: UInt32(clamping: value))
    }

    /// Header names and values common in gRPC and too long for a small string: `headerText`
    /// returns these literals, which need no allocation, instead of copying the bytes.
    private static let commonHeaderTexts: [String] = ["application/grpc", "grpc-accept-encoding", "application/grpc+proto"]

    /// A received header name or value as a string (invalid UTF-8 repaired, as `String(decoding:)`).
    static func headerText(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        // Strings of up to 15 bytes are stored inline: only longer ones cost an allocation.
        if bytes.count > 15 {
            for text in commonHeaderTexts where text.utf8.count == bytes.count && text.utf8.elementsEqual(bytes) {
                return text
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Calls `body` with an `nghttp2_nv` array for `fields` then `more`, valid only during the
    /// call (nghttp2 copies submitted headers). Two lists, so that fixed headers and metadata need
    /// not be joined into a new array first.
    static func withHeaders<R>(
        _ fields: [(String, String)], followedBy more: [(String, String)] = [], _ body: (UnsafePointer<nghttp2_nv>?, Int) -> R
    ) -> R {
        var total = 0
        for (name, value) in fields { total += name.utf8.count + value.utf8.count }
        for (name, value) in more { total += name.utf8.count + value.utf8.count }
        let count = fields.count + more.count
        // Temporary buffers: on the stack when small (the usual headers and trailers), so a
        // header frame costs no allocation; on the heap otherwise.
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: max(total, 1)) { byteBuffer in
            withUnsafeTemporaryAllocation(of: nghttp2_nv.self, capacity: max(count, 1)) { nvaBuffer in
                let bytes = byteBuffer.baseAddress!
                let nva = nvaBuffer.baseAddress!
                var offset = 0
                var index = 0
                func add(_ name: String, _ value: String) {
                    let namePointer = bytes + offset
                    for byte in name.utf8 { bytes[offset] = byte; offset += 1 }
                    let valuePointer = bytes + offset
                    for byte in value.utf8 { bytes[offset] = byte; offset += 1 }
                    (nva + index).initialize(to: nghttp2_nv(
                        name: namePointer, value: valuePointer,
                        namelen: name.utf8.count, valuelen: value.utf8.count,
                        flags: UInt8(NGHTTP2_NV_FLAG_NONE.rawValue)
                    ))
                    index += 1
                }
                for (name, value) in fields { add(name, value) }
                for (name, value) in more { add(name, value) }
                return body(UnsafePointer(nva), count)
            }
        }
    }

    /// The callbacks shared by every session; each recovers its connection from `user_data`.
    nonisolated(unsafe) static let callbacks: OpaquePointer = {
        var callbacks: OpaquePointer?
        guard nghttp2_session_callbacks_new(&callbacks) == 0, let callbacks else {
            fatalError("nghttp2_session_callbacks_new failed: out of memory")
        }
        nghttp2_session_callbacks_set_on_begin_headers_callback(callbacks, onBeginHeaders)
        nghttp2_session_callbacks_set_on_header_callback(callbacks, onHeader)
        nghttp2_session_callbacks_set_on_frame_recv_callback(callbacks, onFrameRecv)
        nghttp2_session_callbacks_set_on_data_chunk_recv_callback(callbacks, onDataChunkRecv)
        nghttp2_session_callbacks_set_on_stream_close_callback(callbacks, onStreamClose)
        nghttp2_session_callbacks_set_on_frame_not_send_callback(callbacks, onFrameNotSend)
        return callbacks
    }()
}

private func connection(_ userData: UnsafeMutableRawPointer?) -> H2Connection {
    Unmanaged<H2Connection>.fromOpaque(userData!).takeUnretainedValue()
}

private let onBeginHeaders: nghttp2_on_begin_headers_callback = { _, frame, userData in
    guard let frame else { return 0 }
    return connection(userData).onBeginHeaders(streamID: frame.pointee.hd.stream_id, category: frame.pointee.headers.cat.rawValue)
}

private let onHeader: nghttp2_on_header_callback = { _, frame, name, nameLength, value, valueLength, _, userData in
    guard let frame, let name, let value else { return 0 }
    // The buffers live only for this call: copy them.
    let nameText = NGHTTP2.headerText(UnsafeBufferPointer(start: name, count: nameLength))
    let valueText = NGHTTP2.headerText(UnsafeBufferPointer(start: value, count: valueLength))
    return connection(userData).onHeader(streamID: frame.pointee.hd.stream_id, name: nameText, value: valueText)
}

private let onFrameRecv: nghttp2_on_frame_recv_callback = { _, frame, userData in
    guard let frame else { return 0 }
    return connection(userData).onFrameReceived(frame.pointee)
}

private let onDataChunkRecv: nghttp2_on_data_chunk_recv_callback = { _, _, streamID, data, length, userData in
    guard let data else { return 0 }
    return connection(userData).onData(streamID: streamID, UnsafeRawBufferPointer(start: data, count: length))
}

private let onStreamClose: nghttp2_on_stream_close_callback = { _, streamID, errorCode, userData in
    connection(userData).onStreamClosed(streamID: streamID, errorCode: errorCode)
    return 0
}

private let onFrameNotSend: nghttp2_on_frame_not_send_callback = { _, frame, libError, userData in
    guard let frame else { return 0 }
    connection(userData).onFrameNotSent(frame.pointee, error: Int(libError))
    return 0
}

/// The data provider callback: copies pending body bytes of a stream.
let h2ReadCallback: nghttp2_data_source_read_callback = { _, streamID, buffer, length, flags, _, userData in
    guard let buffer, let flags else { return Int(NGHTTP2_ERR_CALLBACK_FAILURE.rawValue) }
    return connection(userData).readBody(streamID: streamID, into: UnsafeMutableRawBufferPointer(start: buffer, count: length), flags: flags)
}

/// One HTTP/2 connection over a non-blocking socket, owned by one event loop. nghttp2 sees only
/// bytes (`mem_recv`/`mem_send`); this class does the socket I/O. Subclasses handle streams.
///
/// Everything here runs on `loop`'s thread. `flushNow()` and `close` are only called at the top
/// of the loop's work (events, submitted work, timers), never from inside an nghttp2 callback.
/// `flush()` writes at the end of the loop's turn, so that everything the turn queued (several
/// calls' responses, a response's headers, message and trailers) goes out in one `send`.
class H2Connection: EventLoopHandler, EventLoopFlushable, @unchecked Sendable {
    let loop: EventLoop
    var fd: Int32 = -1
    var session: OpaquePointer?
    private(set) var isClosed = false
    /// A finished stream's header-field array, emptied, kept for its storage (see
    /// `H2Connection+HeaderStorage.swift`).
    var spareHeaderFields: HeaderCodec.Fields = []
    private var pendingOutput: [UInt8] = []
    private var pendingOffset = 0
    private var watchingWritable = false
    /// `flushNow()` is due at the end of this loop turn.
    private var flushRequested = false
    /// Frames are gathered up to this many bytes before a `send`.
    private static let sendBatchBytes = 64 * 1024
    /// The peer's address, for messages.
    var peerDescription: String

    init(loop: EventLoop, peerDescription: String) {
        self.loop = loop
        self.peerDescription = peerDescription
    }

    /// Creates the nghttp2 session and queues our SETTINGS.
    func makeSession(server: Bool, settings: [nghttp2_settings_entry], connectionWindow: Int) -> Bool {
        var option: OpaquePointer?
        nghttp2_option_new(&option)
        defer { nghttp2_option_del(option) }
        // Clients advertise ENABLE_PUSH 0; nothing reserves streams for pushes.
        nghttp2_option_set_max_reserved_remote_streams(option, 0)
        // Flow control follows what readers take (see ReceiveWindow), not what arrives.
        nghttp2_option_set_no_auto_window_update(option, 1)
        let userData = Unmanaged.passUnretained(self).toOpaque()
        var created: OpaquePointer?
        let result = server
            ? nghttp2_session_server_new2(&created, NGHTTP2.callbacks, userData, option)
            : nghttp2_session_client_new2(&created, NGHTTP2.callbacks, userData, option)
        guard result == 0, let created else { return false }
        session = created
        var entries = settings
        _ = nghttp2_submit_settings(created, NGHTTP2.flagNone, &entries, entries.count)
        if connectionWindow > NGHTTP2.defaultWindowSize {
            _ = nghttp2_session_set_local_window_size(created, NGHTTP2.flagNone, 0, Int32(clamping: connectionWindow))
        }
        return true
    }

    // MARK: Socket events

    func handleEvents(_ events: UInt32) {
        if isClosed { return }
        if lingerReason != nil {
            drainWhileLingering()
            return
        }
        if events & (EPOLLIN.rawValue | EPOLLHUP.rawValue | EPOLLERR.rawValue | EPOLLRDHUP.rawValue) != 0 {
            readAvailable()
        }
        if !isClosed && events & EPOLLOUT.rawValue != 0 {
            flushNow()
        }
    }

    private func readAvailable() {
        let buffer = loop.readBuffer
        // Bounded rounds keep one busy connection from starving the others on this loop.
        for _ in 0..<16 {
            let count = Glibc.read(fd, buffer.baseAddress, buffer.count)
            if count > 0 {
                let consumed = nghttp2_session_mem_recv(session, buffer.baseAddress!.assumingMemoryBound(to: UInt8.self), count)
                if consumed < 0 {
                    protocolFailure(Int(consumed))
                    return
                }
                if isClosed { return }
                // A short read emptied the socket: skip the read that would say EAGAIN (epoll is
                // level-triggered and reports anything that arrives later).
                if count < buffer.count { break }
            } else if count == 0 {
                close(reason: "connection to \(peerDescription) was closed by the peer")
                return
            } else {
                let code = errno
                if code == EINTR { continue }
                if code == EAGAIN || code == EWOULDBLOCK { break }
                close(reason: "connection to \(peerDescription) failed: \(Socket.errorText(code))")
                return
            }
        }
        flush()
    }

    /// The peer broke the protocol: tell it with GOAWAY if we can, then close.
    func protocolFailure(_ code: Int) {
        guard !isClosed else { return }
        protocolFailureReason = "HTTP/2 protocol error from \(peerDescription): \(NGHTTP2.errorText(code))"
        _ = nghttp2_session_terminate_session(session, NGHTTP2.protocolError)
        flush()
    }

    private var protocolFailureReason: String?

    /// Writes whatever nghttp2 has to send at the end of this loop turn; closes when the session
    /// is done.
    func flush() {
        guard !flushRequested, !isClosed else { return }
        flushRequested = true
        loop.flushAtEndOfTurn(self)
    }

    /// Writes whatever nghttp2 has to send now, gathering its frames into as few `send`s as
    /// possible; closes when the session is done. Use `flush()` unless the bytes must be out
    /// before something else happens (closing the socket).
    func flushNow() {
        flushRequested = false
        guard !isClosed, lingerReason == nil, let session else { return }
        if !writePending() { return }
        while true {
            var data: UnsafePointer<UInt8>?
            let count = nghttp2_session_mem_send(session, &data)
            if count < 0 {
                close(reason: "HTTP/2 session with \(peerDescription) failed: \(NGHTTP2.errorText(count))")
                return
            }
            if count == 0 { break }
            // nghttp2 hands out one frame at a time: gather them (its buffer is valid until the
            // next call) and send them together.
            pendingOutput.append(contentsOf: UnsafeRawBufferPointer(start: data, count: count))
            if pendingOutput.count >= Self.sendBatchBytes && !writePending() { return }
        }
        if !writePending() { return }
        watchWritable(false)
        if nghttp2_session_want_read(session) == 0 && nghttp2_session_want_write(session) == 0 {
            finish(reason: protocolFailureReason ?? "HTTP/2 session with \(peerDescription) ended")
        }
    }

    /// Why the session ended, once it has and the socket is lingering (see `finish`).
    private var lingerReason: String?
    /// How long a finished connection waits for the peer to close before closing anyway.
    static let lingerLimit: Duration = .seconds(2)

    /// The session is done and its last frames are written. Closing a socket with unread input
    /// sends a TCP reset, and a peer that gets it may drop our last frames still in its receive
    /// buffer, such as a GOAWAY telling it which calls were not processed (and are safe to
    /// retry): it would see "connection reset" instead. So shut the write side (the peer reads
    /// our frames, then end of stream), discard what it still sends, and close when it closes
    /// too, or after `lingerLimit`.
    private func finish(reason: String) {
        guard fd >= 0, lingerReason == nil else {
            close(reason: reason)
            return
        }
        lingerReason = reason
        _ = Glibc.shutdown(fd, Int32(SHUT_WR))
        watchWritable(false)
        _ = loop.scheduleTimer(at: .now + Self.lingerLimit) { [self] in close(reason: reason) }
    }

    private func drainWhileLingering() {
        let buffer = loop.readBuffer
        for _ in 0..<16 {
            let count = Glibc.read(fd, buffer.baseAddress, buffer.count)
            if count > 0 { continue }
            if count < 0 && errno == EINTR { continue }
            if count < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) { return }
            close(reason: lingerReason ?? "HTTP/2 session with \(peerDescription) ended")
            return
        }
    }

    /// Writes buffered output; returns whether all of it went out.
    private func writePending() -> Bool {
        guard pendingOffset < pendingOutput.count else { return true }
        let written = pendingOutput.withUnsafeBytes { raw in
            writeSome(UnsafeRawBufferPointer(rebasing: raw[pendingOffset...]))
        }
        if isClosed { return false }
        pendingOffset += written
        if pendingOffset < pendingOutput.count {
            watchWritable(true)
            return false
        }
        pendingOutput.removeAll(keepingCapacity: pendingOutput.count <= 1 << 16)
        pendingOffset = 0
        return true
    }

    /// Writes as much as the socket takes; returns the count written (closes on a hard error).
    private func writeSome(_ bytes: UnsafeRawBufferPointer) -> Int {
        var offset = 0
        while offset < bytes.count {
            let result = send(fd, bytes.baseAddress! + offset, bytes.count - offset, Int32(MSG_NOSIGNAL))
            if result > 0 {
                offset += result
            } else if result < 0 {
                let code = errno
                if code == EINTR { continue }
                if code == EAGAIN || code == EWOULDBLOCK { break }
                close(reason: "connection to \(peerDescription) failed while writing: \(Socket.errorText(code))")
                return offset
            }
        }
        return offset
    }

    private func watchWritable(_ on: Bool) {
        guard on != watchingWritable, fd >= 0 else { return }
        watchingWritable = on
        loop.modify(fd, events: EPOLLIN.rawValue | EPOLLRDHUP.rawValue | (on ? EPOLLOUT.rawValue : 0))
    }

    /// Starts watching an open socket for reads.
    func registerForReading() {
        watchingWritable = false
        loop.register(fd, events: EPOLLIN.rawValue | EPOLLRDHUP.rawValue, handler: self)
    }

    /// Closes the socket and the session; idempotent. `didClose` fails what is still open.
    func close(reason: String) {
        guard !isClosed else { return }
        isClosed = true
        if fd >= 0 {
            loop.unregister(fd)
            _ = Glibc.close(fd)
            fd = -1
        }
        didClose(reason: reason)
        if let session {
            nghttp2_session_del(session)
            self.session = nil
        }
    }

    /// Returns `count` received bytes of `streamID` to the peer's stream window.
    func consumeStream(_ streamID: Int32, _ count: Int) {
        guard count > 0, let session else { return }
        _ = nghttp2_session_consume_stream(session, streamID, count)
    }

    /// Returns `count` received bytes to the peer's connection window.
    func consumeConnection(_ count: Int) {
        guard count > 0, let session else { return }
        _ = nghttp2_session_consume_connection(session, count)
    }

    // MARK: Subclass hooks (called from nghttp2 callbacks; submit only, never send or receive)

    func didClose(reason: String) {}
    func onBeginHeaders(streamID: Int32, category: UInt32) -> Int32 { 0 }
    func onHeader(streamID: Int32, name: String, value: String) -> Int32 { 0 }
    func onFrameReceived(_ frame: nghttp2_frame) -> Int32 { 0 }
    func onData(streamID: Int32, _ data: UnsafeRawBufferPointer) -> Int32 { 0 }
    func onStreamClosed(streamID: Int32, errorCode: UInt32) {}
    func onFrameNotSent(_ frame: nghttp2_frame, error: Int) {}
    func readBody(streamID: Int32, into buffer: UnsafeMutableRawBufferPointer, flags: UnsafeMutablePointer<UInt32>) -> Int {
        NGHTTP2.errDeferred
    }
}

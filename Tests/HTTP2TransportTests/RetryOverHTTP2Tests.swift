import Foundation
import Glibc
@testable import HTTP2Transport
import RPCCore
import Resilience
import Synchronization
import Testing

/// Retry, hedging and deadlines over real HTTP/2 against a server that fails on command.
@Suite("Retry over HTTP/2", .timeLimit(.minutes(1)))
struct RetryOverHTTP2Tests {
    static let method = MethodDescriptor(service: "test.Retry", method: "Get")
    static let streamThenFail = MethodDescriptor(service: "test.Retry", method: "StreamThenFail")
    static let slowStream = MethodDescriptor(service: "test.Retry", method: "SlowStream")

    /// What the server saw of each call, in arrival order.
    final class ServerLog: Sendable {
        struct Call: Sendable {
            var remaining: Duration?
            var previousAttempts: String?
        }

        private let calls = Mutex<[Call]>([])
        private let cancellations = Atomic<Int>(0)

        /// Records a call and returns its 0-based index.
        func record(_ context: ServerContext, _ metadata: Metadata) -> Int {
            let call = Call(
                remaining: context.deadline.map { ContinuousClock.now.duration(to: $0) },
                previousAttempts: metadata.firstString(forKey: "grpc-previous-rpc-attempts")
            )
            return calls.withLock { calls in
                calls.append(call)
                return calls.count - 1
            }
        }

        func recordCancellation() { cancellations.add(1, ordering: .relaxed) }
        var all: [Call] { calls.withLock { $0 } }
        var count: Int { calls.withLock { $0.count } }
        var cancelled: Int { cancellations.load(ordering: .relaxed) }
    }

    /// `Get` answers call n with `behaviour(n)`: a message, a thrown error, or a hang until cancelled.
    static func router(_ log: ServerLog, _ behaviour: @escaping @Sendable (Int) -> Behaviour) -> RPCRouter {
        var router = RPCRouter()
        let bytes = IdentitySerializer()
        router.registerUnary(method, deserializer: bytes, serializer: bytes) { request, context in
            let index = log.record(context, request.metadata)
            switch behaviour(index) {
            case .reply: return ServerResponse(message: [UInt8(index)])
            case .fail(let error): throw error
            case .hang:
                do {
                    try await Task.sleep(for: .seconds(60))
                } catch {
                    log.recordCancellation()
                    throw error
                }
                return ServerResponse(message: [])
            }
        }
        router.registerServerStreaming(streamThenFail, deserializer: bytes, serializer: bytes) { request, writer, context -> Metadata in
            _ = log.record(context, request.metadata)
            try await writer.write([1])
            throw RPCError(code: .unavailable, message: "failed after a message")
        }
        router.registerServerStreaming(slowStream, deserializer: bytes, serializer: bytes) { request, writer, context -> Metadata in
            _ = log.record(context, request.metadata)
            try await writer.write([1])
            do {
                try await Task.sleep(for: .seconds(2))
            } catch {
                log.recordCancellation()
                throw error
            }
            try await writer.write([2])
            return [:]
        }
        return router
    }

    enum Behaviour: Sendable {
        case reply
        case fail(RPCError)
        case hang
    }

    static let unavailable = RPCError(code: .unavailable, message: "backend restarting")

    static func withClient(
        _ log: ServerLog, _ interceptor: any ClientInterceptor, _ behaviour: @escaping @Sendable (Int) -> Behaviour,
        _ body: (RPCClient<HTTP2ClientTransport>) async throws -> Void
    ) async throws {
        let server = try await TestServer.start(router: router(log, behaviour))
        let client = RPCClient(transport: try HTTP2ClientTransport(target: server.target), interceptors: [interceptor])
        do {
            try await body(client)
        } catch {
            await client.close()
            try? await server.stop()
            throw error
        }
        await client.close()
        try await server.stop()
    }

    static func policy(backoff: Duration, maxAttempts: Int = 3, perAttemptTimeout: Duration? = nil) throws -> RetryPolicy {
        try RetryPolicy(maxAttempts: maxAttempts, initialBackoff: backoff, maxBackoff: backoff, perAttemptTimeout: perAttemptTimeout)
    }

    @Test func eachAttemptSendsOnlyTheRemainingTimeAndCountsPreviousAttempts() async throws {
        let log = ServerLog()
        let retry = RetryInterceptor(policy: try Self.policy(backoff: .milliseconds(20)), random: { 1 })
        try await Self.withClient(log, retry, { $0 < 2 ? .fail(Self.unavailable) : .reply }) { client in
            let response = try await client.unary(
                request: ClientRequest(message: [1]), descriptor: Self.method, options: CallOptions(timeout: .seconds(20))
            )
            #expect(response.message == [2])
        }
        let calls = log.all
        #expect(calls.map(\.previousAttempts) == [nil, "1", "2"])
        let remaining = calls.compactMap(\.remaining)
        #expect(remaining.count == 3)
        #expect(remaining.allSatisfy { $0 <= .seconds(20) && $0 > .seconds(10) })
        #expect(remaining[0] > remaining[1] && remaining[1] > remaining[2])
    }

    @Test func pushbackFromTheServersTrailersIsHonoured() async throws {
        let log = ServerLog()
        // Without pushback the 30 s backoff would not fit the 10 s deadline.
        let retry = RetryInterceptor(policy: try Self.policy(backoff: .seconds(30)), random: { 1 })
        let pushback = RPCError(code: .unavailable, message: "shedding load", metadata: ["grpc-retry-pushback-ms": "100"])
        try await Self.withClient(log, retry, { $0 == 0 ? .fail(pushback) : .reply }) { client in
            let started = ContinuousClock.now
            let response = try await client.unary(
                request: ClientRequest(message: [1]), descriptor: Self.method, options: CallOptions(timeout: .seconds(10))
            )
            #expect(response.message == [1])
            #expect(started.duration(to: .now) >= .milliseconds(100))
        }
        #expect(log.count == 2)
    }

    @Test func negativePushbackStopsRetrying() async throws {
        let log = ServerLog()
        let retry = RetryInterceptor(policy: try Self.policy(backoff: .milliseconds(1)), random: { 1 })
        let stop = RPCError(code: .unavailable, message: "do not retry", metadata: ["grpc-retry-pushback-ms": "-1"])
        try await Self.withClient(log, retry, { _ in .fail(stop) }) { client in
            let error = await unaryError(client, Self.method)
            #expect(error?.code == .unavailable)
            #expect(error?.message.contains("says not to retry") == true)
        }
        #expect(log.count == 1)
    }

    @Test func noAttemptStartsWhenTheBackoffWouldPassTheDeadline() async throws {
        let log = ServerLog()
        let retry = RetryInterceptor(policy: try Self.policy(backoff: .seconds(5)), random: { 1 })
        try await Self.withClient(log, retry, { _ in .fail(Self.unavailable) }) { client in
            let error = await unaryError(client, Self.method, options: CallOptions(timeout: .seconds(2)))
            #expect(error?.code == .deadlineExceeded)
            #expect(error?.message.contains("UNAVAILABLE: backend restarting") == true)
        }
        #expect(log.count == 1)
    }

    @Test func anAttemptThatRunsOutOfItsOwnTimeIsCancelledOnTheServerAndRetried() async throws {
        let log = ServerLog()
        let retry = RetryInterceptor(
            policy: try Self.policy(backoff: .milliseconds(1), maxAttempts: 5, perAttemptTimeout: .milliseconds(300)), random: { 1 }
        )
        try await Self.withClient(log, retry, { $0 == 0 ? .hang : .reply }) { client in
            let response = try await client.unary(
                request: ClientRequest(message: [1]), descriptor: Self.method, options: CallOptions(timeout: .seconds(20))
            )
            // Attempt 0 got no headers within its own 300 ms and was reset; a later one answered
            // (under load, maybe not the second).
            #expect(response.message != [0])
            await eventually { log.cancelled >= 1 }
        }
        // grpc-timeout carries the remaining overall time, not the per-attempt timeout, and shrinks.
        let calls = log.all
        let remaining = calls.compactMap(\.remaining)
        #expect(remaining.count >= 2 && remaining.allSatisfy { $0 <= .seconds(20) && $0 > .seconds(10) })
        #expect(remaining[0] > remaining[1])
        #expect(calls[1].previousAttempts == "1")
    }

    @Test func anEstablishedStreamOutlivesThePerAttemptTimeout() async throws {
        let log = ServerLog()
        let retry = RetryInterceptor(
            policy: try Self.policy(backoff: .milliseconds(1), maxAttempts: 5, perAttemptTimeout: .seconds(1)), random: { 1 }
        )
        try await Self.withClient(log, retry, { _ in .reply }) { client in
            let response = await client.streaming(request: StreamingClientRequest(message: [1]), descriptor: Self.slowStream)
            let contents = try response.accepted.get()
            var messages: [[UInt8]] = []
            for try await part in contents.bodyParts {
                if case .message(let bytes) = part { messages.append(bytes) }
            }
            // The second message comes 2 s after the headers, past the attempt's 1 s: the stream
            // was not cut. (Under load an attempt may miss its headers deadline and be retried;
            // the attempt that got its headers in time still streams to the end.)
            #expect(messages == [[1], [2]])
        }
        #expect(log.count >= 1)
    }

    @Test func aCallCommittedByResponseHeadersIsNotRetried() async throws {
        let log = ServerLog()
        let retry = RetryInterceptor(policy: try Self.policy(backoff: .milliseconds(1)), random: { 1 })
        try await Self.withClient(log, retry, { _ in .reply }) { client in
            let response = await client.streaming(request: StreamingClientRequest(message: [1]), descriptor: Self.streamThenFail)
            let contents = try response.accepted.get()
            var messages: [[UInt8]] = []
            do {
                for try await part in contents.bodyParts {
                    if case .message(let bytes) = part { messages.append(bytes) }
                }
                Issue.record("expected the body to fail")
            } catch let error as RPCError {
                #expect(error.code == .unavailable)
                #expect(error.message == "failed after a message")
            }
            #expect(messages == [[1]])
        }
        #expect(log.count == 1)
    }

    @Test func throttlingExhaustsAndRecoversAgainstARealServer() async throws {
        let log = ServerLog()
        let failing = Atomic<Bool>(true)
        let throttle = try RetryThrottle(maxTokens: 4, tokenRatio: 1)
        let retry = RetryInterceptor(policy: try Self.policy(backoff: .milliseconds(1), maxAttempts: 5), throttle: throttle, random: { 1 })
        try await Self.withClient(log, retry, { _ in failing.load(ordering: .relaxed) ? .fail(Self.unavailable) : .reply }) { client in
            _ = await unaryError(client, Self.method)
            #expect(log.count == 2)            // 4 -> 3: retried; 3 -> 2: throttled
            _ = await unaryError(client, Self.method)
            #expect(log.count == 3)            // 2 -> 1: not retried
            failing.store(false, ordering: .relaxed)
            for _ in 0..<3 { _ = try await client.unary(request: ClientRequest(message: [1]), descriptor: Self.method) }
            #expect(throttle.tokenCount == 4)
            failing.store(true, ordering: .relaxed)
            let error = await unaryError(client, Self.method)
            #expect(log.count == 8)            // retried again once: 4 -> 3, 3 -> 2
            #expect(error?.message.contains("throttled") == true)
        }
    }

    @Test func theOverallTimeoutEndsAHangingCallPromptlyAndCancelsTheHandler() async throws {
        let log = ServerLog()
        // 1 s, not less: under a loaded machine the call must still reach the handler in time.
        try await Self.withClient(log, TimeoutInterceptor(timeout: .seconds(1)), { _ in .hang }) { client in
            let started = ContinuousClock.now
            let error = await unaryError(client, Self.method)
            #expect(error?.code == .deadlineExceeded)
            #expect(started.duration(to: .now) < .seconds(5))
            await eventually { log.cancelled == 1 }
        }
        #expect(log.all.first?.remaining.map { $0 <= .seconds(1) } == true)
    }

    @Test func onlyARefusedStreamIsMarkedNotProcessedForTransparentRetry() {
        func error(_ reset: UInt32) -> RPCError {
            ResetMapping.error(forResetCode: reset, path: "/a.B/C", peer: "127.0.0.1:1", deadlinePassed: false)
        }
        #expect(error(7).wasNotProcessed)   // REFUSED_STREAM, also used for streams above GOAWAY's last-stream-id
        #expect(error(7).code == .unavailable)
        for reset: UInt32 in [0, 1, 2, 8, 11] { #expect(!error(reset).wasNotProcessed) }
        #expect(!RPCError(code: .unavailable, message: "plain").wasNotProcessed)
    }

    @Test func hedgingTakesTheFirstAnswerAndTheServerSeesTheLoserCancelled() async throws {
        let log = ServerLog()
        let hedging = RetryInterceptor(hedging: try HedgingPolicy(maxAttempts: 2, hedgingDelay: .milliseconds(50)))
        try await Self.withClient(log, hedging, { $0 == 0 ? .hang : .reply }) { client in
            let response = try await client.unary(request: ClientRequest(message: [1]), descriptor: Self.method)
            #expect(response.message == [1])
            await eventually { log.cancelled == 1 }
        }
        #expect(log.count == 2)
        #expect(log.all.map(\.previousAttempts) == [nil, "1"])
    }
}

/// Waits (up to 10 s of real time) until `condition` holds.
func eventually(_ condition: () -> Bool, sourceLocation: SourceLocation = #_sourceLocation) async {
    let deadline = ContinuousClock.now.advanced(by: .seconds(10))
    while !condition() {
        if ContinuousClock.now > deadline {
            Issue.record("condition not met within 10 s", sourceLocation: sourceLocation)
            return
        }
        try? await Task.sleep(for: .milliseconds(5))
    }
}

/// A hand-rolled HTTP/2 server that turns away the first stream it sees and answers every other
/// one with status OK and the message [42]. How it turns it away:
/// - ``Mode/refuseFirstStream``: one connection; the first stream gets RST_STREAM REFUSED_STREAM.
/// - ``Mode/goAwayOnFirstStream``: on the first connection's first stream it sends GOAWAY with
///   last-stream-id 0 (no stream was processed) and closes that connection; it accepts a second
///   connection and answers there.
final class RefusingServer: Sendable {
    enum Mode: Sendable {
        case refuseFirstStream
        case goAwayOnFirstStream
    }

    let port: Int
    let mode: Mode
    private let fd: Int32
    private let streamsSeen = Atomic<Int>(0)
    private let connectionsAccepted = Atomic<Int>(0)

    /// The streams (HEADERS frames opening a stream) seen, over all connections.
    var streams: Int { streamsSeen.load(ordering: .acquiring) }
    /// The connections accepted.
    var connections: Int { connectionsAccepted.load(ordering: .acquiring) }

    init(mode: Mode = .refuseFirstStream) throws {
        self.mode = mode
        (fd, port) = try makeLoopbackListener()
        let listener = fd
        let connections = mode == .refuseFirstStream ? 1 : 2
        Thread.detachNewThread { [self] in
            for _ in 0..<connections {
                let client = accept(listener, nil, nil)
                guard client >= 0 else { return }
                connectionsAccepted.add(1, ordering: .acquiringAndReleasing)
                Thread.detachNewThread { self.serve(client) }
            }
        }
    }

    private func serve(_ client: Int32) {
        defer { close(client) }
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(client, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        func send(_ bytes: [UInt8]) {
            _ = bytes.withUnsafeBytes { Glibc.send(client, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        }
        send(RawHTTP2.emptySettings + RawHTTP2.frame(type: 4, flags: 1, stream: 0, payload: []))
        var buffered: [UInt8] = []
        var prefaceSkipped = false
        var goingAway = false
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(client, $0.baseAddress, $0.count, 0) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { return }
            if goingAway { continue }   // drain until the client closes, so that close() sends no RST
            buffered += buffer[0..<count]
            if !prefaceSkipped {
                guard buffered.count >= RawHTTP2.preface.count else { continue }
                buffered.removeFirst(RawHTTP2.preface.count)
                prefaceSkipped = true
            }
            while buffered.count >= 9 {
                let length = Int(buffered[0]) << 16 | Int(buffered[1]) << 8 | Int(buffered[2])
                guard buffered.count >= 9 + length else { break }
                let type = buffered[3]
                let stream = (UInt32(buffered[5]) << 24 | UInt32(buffered[6]) << 16 | UInt32(buffered[7]) << 8 | UInt32(buffered[8])) & 0x7FFF_FFFF
                buffered.removeFirst(9 + length)
                guard type == 1 else { continue }   // HEADERS
                let index = streamsSeen.add(1, ordering: .acquiringAndReleasing).newValue
                switch (index, mode) {
                case (1, .refuseFirstStream):
                    send(RawHTTP2.frame(type: 3, flags: 0, stream: stream, payload: [0, 0, 0, 7]))   // REFUSED_STREAM
                case (1, .goAwayOnFirstStream):
                    // GOAWAY, last-stream-id 0, NO_ERROR: no stream on this connection was processed.
                    send(RawHTTP2.frame(type: 7, flags: 0, stream: 0, payload: [0, 0, 0, 0, 0, 0, 0, 0]))
                    shutdown(client, Int32(SHUT_WR))
                    goingAway = true
                default:
                    send(RawHTTP2.headers(stream: stream, endStream: false, [(":status", "200"), ("content-type", "application/grpc")])
                        + RawHTTP2.frame(type: 0, flags: 0, stream: stream, payload: [0, 0, 0, 0, 1, 42])
                        + RawHTTP2.headers(stream: stream, endStream: true, [("grpc-status", "0")]))
                }
                if goingAway { break }
            }
        }
    }

    deinit { close(fd) }
}

/// Records the request metadata of every attempt that passes it (put it after a retry interceptor).
final class AttemptRecorder: ClientInterceptor {
    private let seen = Mutex<[Metadata]>([])

    var attempts: [Metadata] { seen.withLock { $0 } }

    func intercept(
        request: StreamingClientRequest,
        context: ClientContext,
        next: @Sendable (StreamingClientRequest, ClientContext) async throws -> StreamingClientResponse
    ) async throws -> StreamingClientResponse {
        seen.withLock { $0.append(request.metadata) }
        return try await next(request, context)
    }
}

@Suite("Transparent retry over HTTP/2", .timeLimit(.minutes(1)))
struct TransparentRetryOverHTTP2Tests {
    @Test func aRefusedStreamIsRetriedTransparentlyEvenWhenUnavailableIsNotRetryable() async throws {
        let server = try RefusingServer()
        // UNAVAILABLE is not in the retryable codes: only the transparent retry can save the call.
        let retry = RetryInterceptor(policy: try RetryPolicy(retryableStatusCodes: [.internal]))
        let client = RPCClient(transport: try HTTP2ClientTransport(target: .ipv4(host: "127.0.0.1", port: server.port)), interceptors: [retry])
        let response = try await client.unary(request: ClientRequest(message: [1]), descriptor: RetryOverHTTP2Tests.method)
        #expect(response.message == [42])
        #expect(server.streams == 2)
        await client.close()
    }

    @Test func aStreamAboveAGoAwaysLastStreamIDIsRetriedTransparentlyOnANewConnection() async throws {
        let server = try RefusingServer(mode: .goAwayOnFirstStream)
        let recorder = AttemptRecorder()
        // UNAVAILABLE is not in the retryable codes and there are 2 attempts at most: only a
        // transparent retry, which counts no attempt, can save the call.
        let retry = RetryInterceptor(policy: try RetryPolicy(maxAttempts: 2, retryableStatusCodes: [.internal]))
        let client = RPCClient(
            transport: try HTTP2ClientTransport(target: .ipv4(host: "127.0.0.1", port: server.port)), interceptors: [retry, recorder]
        )
        let response = try await client.unary(request: ClientRequest(message: [1]), descriptor: RetryOverHTTP2Tests.method)
        #expect(response.message == [42])
        #expect(server.streams == 2)
        #expect(server.connections == 2)
        #expect(recorder.attempts.count == 2)
        #expect(recorder.attempts.allSatisfy { $0.firstString(forKey: "grpc-previous-rpc-attempts") == nil })
        await client.close()
    }
}

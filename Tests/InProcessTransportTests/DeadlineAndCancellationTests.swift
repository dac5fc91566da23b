import InProcessTransport
import RPCCore
import Testing

/// A router whose methods wait until cancelled and report it.
private func hangingRouter(started: Signal, cancelled: Signal, deadlines: Recorder<ContinuousClock.Instant?>) -> RPCRouter {
    var router = RPCRouter()
    router.registerUnary(Methods.unary, deserializer: Text(), serializer: Text()) { request, context in
        deadlines.record(context.deadline)
        started.fire()
        try? await Task.sleep(for: .seconds(3_600))
        if Task.isCancelled { cancelled.fire() }
        throw CancellationError()
    }
    router.registerServerStreaming(Methods.serverStreaming, deserializer: Text(), serializer: Text()) { _, writer, context in
        deadlines.record(context.deadline)
        try await writer.write("first")
        started.fire()
        try? await Task.sleep(for: .seconds(3_600))
        if Task.isCancelled { cancelled.fire() }
        throw CancellationError()
    }
    return router
}

@Suite("InProcessTransport deadlines and cancellation", .timeLimit(.minutes(1)))
struct DeadlineAndCancellationTests {
    @Test func deadlineBeforeHeadersIsDeadlineExceededAndCancelsTheHandler() async throws {
        let started = Signal(), cancelled = Signal(), deadlines = Recorder<ContinuousClock.Instant?>()
        try await withServer(hangingRouter(started: started, cancelled: cancelled, deadlines: deadlines)) { client, _ in
            let error = await #expect(throws: RPCError.self) {
                try await client.unary(
                    request: ClientRequest(message: "x"), descriptor: Methods.unary, serializer: Text(), deserializer: Text(),
                    // Long enough for the handler to start even on a loaded machine.
                    options: CallOptions(timeout: .milliseconds(500))
                )
            }
            #expect(error?.code == .deadlineExceeded)
            #expect(error?.message == "the deadline of test.Echo/Get passed")
            await cancelled.wait()
            #expect(deadlines.all.count == 1)
            #expect(deadlines.all.first.flatMap { $0 } != nil)
        }
    }

    @Test func deadlineWhileStreamingEndsTheBody() async throws {
        let started = Signal(), cancelled = Signal(), deadlines = Recorder<ContinuousClock.Instant?>()
        try await withServer(hangingRouter(started: started, cancelled: cancelled, deadlines: deadlines)) { client, _ in
            let response = await client.streaming(
                // Long enough for the first message to arrive even on a loaded machine.
                request: textRequest(["x"]), descriptor: Methods.serverStreaming, options: CallOptions(timeout: .seconds(2))
            )
            var iterator = try response.accepted.get().bodyParts.makeAsyncIterator()
            #expect(try await iterator.next()?.text == "first")
            let error = await #expect(throws: RPCError.self) { try await iterator.next() }
            #expect(error?.code == .deadlineExceeded)
            await cancelled.wait()
        }
    }

    @Test func passedDeadlineFailsWithoutReachingTheServer() async throws {
        let transport = InProcessTransport()
        let response = try await transport.client.call(
            request: StreamingClientRequest(message: []),
            context: ClientContext(descriptor: Methods.unary, deadline: .now.advanced(by: .seconds(-1)))
        )
        #expect(response.error?.code == .deadlineExceeded)
        #expect(response.error?.message == "the deadline of test.Echo/Get passed before the call started")
    }

    @Test func cancellingTheCallerBeforeHeadersIsCancelled() async throws {
        let started = Signal(), cancelled = Signal(), deadlines = Recorder<ContinuousClock.Instant?>()
        try await withServer(hangingRouter(started: started, cancelled: cancelled, deadlines: deadlines)) { client, _ in
            let call = Task {
                try await client.unary(request: ClientRequest(message: "x"), descriptor: Methods.unary, serializer: Text(), deserializer: Text())
            }
            await started.wait()
            call.cancel()
            let error = await #expect(throws: RPCError.self) { try await call.value }
            #expect(error?.code == .cancelled)
            await cancelled.wait()
            #expect(deadlines.all.count == 1)
            #expect(deadlines.all.first.flatMap { $0 } == nil)
        }
    }

    @Test func cancellingTheCallerWhileStreamingIsCancelled() async throws {
        let started = Signal(), cancelled = Signal(), deadlines = Recorder<ContinuousClock.Instant?>()
        try await withServer(hangingRouter(started: started, cancelled: cancelled, deadlines: deadlines)) { client, _ in
            let gotFirst = Signal()
            let call = Task {
                let response = await client.streaming(request: textRequest(["x"]), descriptor: Methods.serverStreaming)
                var iterator = try response.accepted.get().bodyParts.makeAsyncIterator()
                #expect(try await iterator.next()?.text == "first")
                gotFirst.fire()
                return try await iterator.next()
            }
            await gotFirst.wait()
            await started.wait()
            call.cancel()
            let error = await #expect(throws: RPCError.self) { try await call.value }
            #expect(error?.code == .cancelled)
            await cancelled.wait()
        }
    }

    @Test func alreadyCancelledCallerIsCancelled() async throws {
        let transport = InProcessTransport()
        let outcome = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return try await transport.client.call(request: StreamingClientRequest(message: []), context: ClientContext(descriptor: Methods.unary))
        }
        let response = try await outcome.value
        #expect(response.error?.code == .cancelled)
    }

    @Test func droppingTheResponseBodyCancelsTheHandler() async throws {
        let started = Signal(), cancelled = Signal(), deadlines = Recorder<ContinuousClock.Instant?>()
        try await withServer(hangingRouter(started: started, cancelled: cancelled, deadlines: deadlines)) { client, _ in
            do {
                let response = await client.streaming(request: textRequest(["x"]), descriptor: Methods.serverStreaming)
                var iterator = try response.accepted.get().bodyParts.makeAsyncIterator()
                #expect(try await iterator.next()?.text == "first")
                await started.wait()
            }
            await cancelled.wait()
        }
    }
}

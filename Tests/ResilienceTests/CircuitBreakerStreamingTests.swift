import InProcessTransport
import RPCCore
import Resilience
import ResilienceTestKit
import Testing

/// The breaker interceptor around server-streaming calls over the in-process transport: the outcome
/// is recorded when the response stream ends (or is dropped), not when the call is accepted.
@Suite(.timeLimit(.minutes(1))) struct CircuitBreakerStreamingTests {
    static let feed = MethodDescriptor(service: "test.Feed", method: "Follow")

    struct Text: MessageSerializer, MessageDeserializer {
        func serialize(_ message: String) throws -> [UInt8] { Array(message.utf8) }
        func deserialize(_ bytes: [UInt8]) throws -> String { String(decoding: bytes, as: UTF8.self) }
    }

    /// A server whose `Follow` streams "a", "b", waits for `gate`, then ends with `code`
    /// (OK when `nil`); `handled` counts the calls that reached it.
    static func withFeed(
        ending code: Status.Code?, gate: Gate, handled: Tally, breaker: CircuitBreaker,
        _ body: (RPCClient<InProcessTransport.Client>) async throws -> Void
    ) async throws {
        var router = RPCRouter()
        router.registerServerStreaming(feed, deserializer: Text(), serializer: Text()) { _, writer, _ in
            handled.increment()
            try await writer.write("a")
            try await writer.write("b")
            await gate.wait()
            if let code { throw RPCError(code: code, message: "feed broke") }
            return ["x-end": "ok"]
        }
        let transport = InProcessTransport()
        let server = RPCServer(transport: transport.server, router: router)
        let client = RPCClient(transport: transport.client, interceptors: [CircuitBreakerInterceptor(breaker: breaker)])
        let serving = Task { try await server.serve() }
        defer { server.beginGracefulShutdown() }
        try await body(client)
        server.beginGracefulShutdown()
        try await serving.value
    }

    static func request() -> StreamingClientRequest {
        StreamingClientRequest { writer in try await writer.write(Array("from the start".utf8)) }
    }

    static func configuration() throws -> CircuitBreaker.Configuration {
        try CircuitBreaker.Configuration(windowSize: 2, minimumCalls: 2, permittedCallsInHalfOpen: 1)
    }

    @Test func aStreamThatFailsAfterItsMessagesIsRecordedAsAFailureWhenItEnds() async throws {
        let clock = ManualClock()
        let breaker = CircuitBreaker(name: Self.feed.description, configuration: try Self.configuration(), clock: clock)
        let gate = Gate()
        let handled = Tally()
        try await Self.withFeed(ending: .unavailable, gate: gate, handled: handled, breaker: breaker) { client in
            for call in 1...2 {
                let response = await client.streaming(request: Self.request(), descriptor: Self.feed)
                var parts = try response.accepted.get().bodyParts.makeAsyncIterator()
                #expect(try await parts.next()?.text == "a")
                #expect(try await parts.next()?.text == "b")
                // Messages received, stream still open: nothing recorded yet.
                #expect(breaker.metrics.failedCalls == call - 1)
                #expect(breaker.state == .closed)
                gate.open()
                await #expect(throws: RPCError.self) { _ = try await parts.next() }
                #expect(breaker.metrics.failedCalls == call)
            }
            #expect(breaker.state == .open)
            #expect(handled.count == 2)

            // Open: rejected before the transport, the handler never runs.
            let rejected = await client.streaming(request: Self.request(), descriptor: Self.feed)
            guard case .failure(let error) = rejected.accepted else {
                Issue.record("an open breaker let a call through")
                return
            }
            #expect(error.code == .unavailable)
            #expect(CircuitBreakerOpenError.find(in: error)?.breakerName == "test.Feed/Follow")
            #expect(handled.count == 2)
            #expect(breaker.metrics.rejectedCalls == 1)
        }
    }

    @Test func aStreamThatEndsWithOKIsASuccessOnlyAtItsTrailers() async throws {
        let clock = ManualClock()
        let breaker = CircuitBreaker(name: "ok", configuration: try Self.configuration(), clock: clock)
        let gate = Gate()
        try await Self.withFeed(ending: nil, gate: gate, handled: Tally(), breaker: breaker) { client in
            let response = await client.streaming(request: Self.request(), descriptor: Self.feed)
            var parts = try response.accepted.get().bodyParts.makeAsyncIterator()
            _ = try await parts.next()
            _ = try await parts.next()
            #expect(breaker.metrics.successfulCalls == 0)
            gate.open()
            guard case .trailers(let trailers)? = try await parts.next() else {
                Issue.record("no trailers")
                return
            }
            #expect(trailers.firstString(forKey: "x-end") == "ok")
            #expect(breaker.metrics.successfulCalls == 1)
            #expect(breaker.metrics.callsInWindow == 1)
        }
    }

    @Test func aSlowStreamIsASlowCallMeasuredToItsEnd() async throws {
        let clock = ManualClock()
        let configuration = try CircuitBreaker.Configuration(
            windowSize: 2, minimumCalls: 1, slowCallDuration: .seconds(1), slowCallRateThreshold: 1
        )
        let breaker = CircuitBreaker(name: "slow", configuration: configuration, clock: clock)
        let gate = Gate()
        try await Self.withFeed(ending: nil, gate: gate, handled: Tally(), breaker: breaker) { client in
            let response = await client.streaming(request: Self.request(), descriptor: Self.feed)
            var parts = try response.accepted.get().bodyParts.makeAsyncIterator()
            _ = try await parts.next()
            clock.advance(by: .seconds(2))   // the stream takes 2 s on the breaker's clock
            gate.open()
            while try await parts.next() != nil {}
            #expect(breaker.metrics.slowCalls == 1)
            #expect(breaker.state == .open)   // 1 of 1 calls slow, at the 1.0 threshold
        }
    }

    @Test func aStreamDroppedBeforeItsEndReleasesTheProbePermit() async throws {
        let clock = ManualClock()
        let breaker = CircuitBreaker(name: "dropped", configuration: try Self.configuration(), clock: clock)
        for _ in 0..<2 { try breaker.acquirePermission().record(.failure) }
        clock.advance(by: .seconds(5))   // the next call is the one half-open probe
        let gate = Gate()
        let handled = Tally()
        try await Self.withFeed(ending: nil, gate: gate, handled: handled, breaker: breaker) { client in
            do {
                let response = await client.streaming(request: Self.request(), descriptor: Self.feed)
                var parts = try response.accepted.get().bodyParts.makeAsyncIterator()
                #expect(try await parts.next()?.text == "a")
                #expect(breaker.metrics.probesInFlight == 1)
            }
            // The caller dropped the stream unfinished: abandoned, so the probe slot is free.
            #expect(breaker.metrics.ignoredCalls == 1)
            #expect(breaker.metrics.probesInFlight == 0)
            #expect(breaker.state == .halfOpen)
            gate.open()
            let next = await client.streaming(request: Self.request(), descriptor: Self.feed)
            let contents = try next.accepted.get()
            for try await _ in contents.bodyParts {}
            #expect(breaker.state == .closed)
            #expect(handled.count == 2)
        }
    }

    @Test func cancellingTheCallerWhileStreamingIsNeitherSuccessNorFailure() async throws {
        let clock = ManualClock()
        let breaker = CircuitBreaker(name: "cancelled", configuration: try Self.configuration(), clock: clock)
        let gate = Gate()
        let handled = Tally()
        try await Self.withFeed(ending: nil, gate: gate, handled: handled, breaker: breaker) { client in
            let reading = Tally()
            let caller = Task {
                let response = await client.streaming(request: Self.request(), descriptor: Self.feed)
                for try await _ in try response.accepted.get().bodyParts { reading.increment() }
            }
            await reading.wait(until: 2)   // both messages read; the stream waits on the gate
            caller.cancel()
            _ = await caller.result
            #expect(breaker.metrics.successfulCalls == 0)
            #expect(breaker.metrics.failedCalls == 0)
            #expect(breaker.metrics.ignoredCalls == 1)
            #expect(breaker.metrics.callsInWindow == 0)
            gate.open()
        }
    }
}

extension ResponsePart {
    fileprivate var text: String? {
        if case .message(let bytes) = self { String(decoding: bytes, as: UTF8.self) } else { nil }
    }
}

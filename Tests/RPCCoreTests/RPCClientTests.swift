import Testing
import RPCCore

/// Records its name on the way in and out, and tags the request metadata.
private struct Tagging: ClientInterceptor {
    let name: String
    let log: Recorder<String>

    func intercept(
        request: StreamingClientRequest, context: ClientContext,
        next: @Sendable (StreamingClientRequest, ClientContext) async throws -> StreamingClientResponse
    ) async throws -> StreamingClientResponse {
        log.record("in \(name)")
        var request = request
        request.metadata.addString(name, forKey: "x-path")
        let response = try await next(request, context)
        log.record("out \(name)")
        return response
    }
}

/// ``Tagging`` as an interceptor of this package, which the client calls with a ``ClientNext``.
private struct ChainedTagging: ChainedClientInterceptor {
    let name: String
    let log: Recorder<String>

    func intercept(
        request: StreamingClientRequest, context: ClientContext,
        next: @Sendable (StreamingClientRequest, ClientContext) async throws -> StreamingClientResponse
    ) async throws -> StreamingClientResponse {
        log.record("closure \(name)")
        return try await interceptWithClosure(request: request, context: context, next: next)
    }

    func intercept(request: StreamingClientRequest, context: ClientContext, next: ClientNext) async throws -> StreamingClientResponse {
        log.record("in \(name)")
        var request = request
        request.metadata.addString(name, forKey: "x-path")
        let response = try await next(request, context)
        log.record("out \(name)")
        return response
    }
}

private struct Rejecting: ClientInterceptor {
    func intercept(
        request: StreamingClientRequest, context: ClientContext,
        next: @Sendable (StreamingClientRequest, ClientContext) async throws -> StreamingClientResponse
    ) async throws -> StreamingClientResponse {
        throw RPCError(code: .unavailable, message: "circuit open")
    }
}

@Suite("RPCClient")
struct RPCClientTests {
    static func echoing() -> ScriptedTransport {
        ScriptedTransport { request, _ in
            let messages = try await collect(request.producer)
            return StreamingClientResponse(metadata: ["h": "1"], message: messages.first ?? [], trailers: ["t": "2"])
        }
    }

    @Test func interceptorsRunFirstOutermost() async throws {
        let log = Recorder<String>()
        let transport = Self.echoing()
        let client = RPCClient(transport: transport, interceptors: [
            Tagging(name: "a", log: log), Tagging(name: "b", log: log), Tagging(name: "c", log: log),
        ])
        let response = try await client.unary(request: ClientRequest(message: [1]), descriptor: echoDescriptor)
        #expect(log.all == ["in a", "in b", "in c", "out c", "out b", "out a"])
        #expect(transport.seen.all.map { $0.metadata[stringValues: "x-path"] } == [["a", "b", "c"]])
        #expect(response.message == [1])
        #expect(response.metadata == ["h": "1"])
        #expect(response.trailers == ["t": "2"])
    }

    @Test func chainedAndClosureInterceptorsMixInOrder() async throws {
        let log = Recorder<String>()
        let transport = Self.echoing()
        let client = RPCClient(transport: transport, interceptors: [
            ChainedTagging(name: "a", log: log), Tagging(name: "b", log: log),
            ChainedTagging(name: "c", log: log), ChainedTagging(name: "d", log: log), Tagging(name: "e", log: log),
        ])
        for _ in 0..<2 {   // the chain is prepared once and reused
            let response = try await client.unary(request: ClientRequest(message: [7]), descriptor: echoDescriptor)
            #expect(response.message == [7])
        }
        let once = ["in a", "in b", "in c", "in d", "in e", "out e", "out d", "out c", "out b", "out a"]
        #expect(log.all == once + once)
        #expect(transport.seen.all.map { $0.metadata[stringValues: "x-path"] } == Array(repeating: ["a", "b", "c", "d", "e"], count: 2))
    }

    @Test func chainedInterceptorCalledWithAClosure() async throws {
        let log = Recorder<String>()
        let response = try await ChainedTagging(name: "a", log: log).intercept(
            request: StreamingClientRequest(message: [3]), context: ClientContext(descriptor: echoDescriptor)
        ) { request, _ in
            StreamingClientResponse(metadata: [:], message: [UInt8(request.metadata[stringValues: "x-path"].count)], trailers: [:])
        }
        #expect(log.all == ["closure a", "in a", "out a"])
        var iterator = try response.accepted.get().bodyParts.makeAsyncIterator()
        #expect(try await iterator.next()?.messageBytes == [1])
    }

    @Test func thrownInterceptorErrorBecomesFailure() async throws {
        let transport = Self.echoing()
        let client = RPCClient(transport: transport, interceptors: [Rejecting()])
        let response = await client.streaming(request: StreamingClientRequest(message: [1]), descriptor: echoDescriptor)
        guard case .failure(let error) = response.accepted else {
            Issue.record("expected failure")
            return
        }
        #expect(error.code == .unavailable)
        #expect(error.message == "circuit open")
        #expect(transport.seen.all.isEmpty)
        await #expect(throws: RPCError.self) {
            try await client.unary(request: ClientRequest(message: [1]), descriptor: echoDescriptor)
        }
    }

    @Test func deadlineFromTimeout() async throws {
        let transport = Self.echoing()
        let client = RPCClient(transport: transport)
        let before = ContinuousClock.now
        _ = try await client.unary(request: ClientRequest(message: [1]), descriptor: echoDescriptor, options: CallOptions(timeout: .seconds(60)))
        let after = ContinuousClock.now
        let deadline = try #require(transport.seen.all.first?.deadline)
        #expect(deadline >= before.advanced(by: .seconds(60)))
        #expect(deadline <= after.advanced(by: .seconds(60)))
        _ = try await client.unary(request: ClientRequest(message: [1]), descriptor: echoDescriptor)
        #expect(transport.seen.all.last?.deadline == nil)
    }

    @Test func passedDeadlineFailsLocally() async throws {
        let transport = Self.echoing()
        let client = RPCClient(transport: transport)
        let error = await #expect(throws: RPCError.self) {
            try await client.unary(request: ClientRequest(message: [1]), descriptor: echoDescriptor, options: CallOptions(timeout: .zero))
        }
        #expect(error?.code == .deadlineExceeded)
        #expect(transport.seen.all.isEmpty)
    }

    @Test func unaryRejectsTwoResponseMessages() async throws {
        let client = RPCClient(transport: ScriptedTransport { _, _ in
            StreamingClientResponse(accepted: .success(.init(bodyParts: .elements([.message([1]), .message([2]), .trailers([:])]))))
        })
        let error = await #expect(throws: RPCError.self) {
            try await client.unary(request: ClientRequest(message: [1]), descriptor: echoDescriptor)
        }
        #expect(error?.code == .internal)
        #expect(error?.message == "test.Echo/Get is unary but the server sent more than one response message")
    }

    @Test func unaryRejectsNoResponseMessage() async throws {
        let client = RPCClient(transport: ScriptedTransport { _, _ in
            StreamingClientResponse(accepted: .success(.init(bodyParts: .elements([.trailers([:])]))))
        })
        let error = await #expect(throws: RPCError.self) {
            try await client.unary(request: ClientRequest(message: [1]), descriptor: echoDescriptor)
        }
        #expect(error?.code == .internal)
        #expect(error?.message == "test.Echo/Get ended with status OK but without a response message")
    }

    @Test func typedUnaryUsesSerializers() async throws {
        struct Text: MessageSerializer, MessageDeserializer {
            func serialize(_ message: String) throws -> [UInt8] { Array(message.utf8) }
            func deserialize(_ bytes: [UInt8]) throws -> String { String(decoding: bytes, as: UTF8.self) }
        }
        let client = RPCClient(transport: Self.echoing())
        let response = try await client.unary(
            request: ClientRequest(message: "hello"), descriptor: echoDescriptor, serializer: Text(), deserializer: Text()
        )
        #expect(response.message == "hello")
    }
}

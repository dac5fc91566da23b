import Testing
import RPCCore

/// A server transport that never listens: tests call `RPCServer.handle` directly.
private struct NoTransport: ServerTransport {
    func listen(_ handler: @escaping @Sendable (StreamingServerRequest, ServerContext) async -> StreamingServerResponse) async throws {}
    func beginGracefulShutdown() {}
}

private struct Plain: Error, CustomStringConvertible {
    var description: String { "boom" }
}

private struct Logging: ServerInterceptor {
    let name: String
    let log: Recorder<String>

    func intercept(
        request: StreamingServerRequest, context: ServerContext,
        next: @Sendable (StreamingServerRequest, ServerContext) async throws -> StreamingServerResponse
    ) async throws -> StreamingServerResponse {
        log.record("in \(name)")
        defer { log.record("out \(name)") }
        return try await next(request, context)
    }
}

@Suite("RPCServer and RPCRouter")
struct RPCServerTests {
    static let unaryEcho = MethodDescriptor(service: "test.Echo", method: "Get")

    static func router() -> RPCRouter {
        var router = RPCRouter()
        router.registerUnary(unaryEcho, deserializer: IdentitySerializer(), serializer: IdentitySerializer()) { request, _ in
            ServerResponse(message: request.message.reversed(), metadata: ["h": "1"], trailers: ["t": "2"])
        }
        router.register(MethodDescriptor(service: "test.Echo", method: "ThrowRPC")) { _, _ in
            throw RPCError(code: .notFound, message: "nothing here", metadata: ["why": "gone"])
        }
        router.register(MethodDescriptor(service: "test.Echo", method: "ThrowPlain")) { _, _ in
            throw Plain()
        }
        return router
    }

    static func failure(_ response: StreamingServerResponse) -> RPCError? {
        if case .failure(let error) = response.accepted { return error }
        return nil
    }

    static func request(_ messages: [[UInt8]], metadata: Metadata = [:]) -> StreamingServerRequest {
        StreamingServerRequest(metadata: metadata, messages: .elements(messages))
    }

    static func run(_ response: StreamingServerResponse) async throws -> (Metadata, [[UInt8]], Metadata) {
        let contents = try response.accepted.get()
        let recorder = Recorder<[UInt8]>()
        let trailers = try await contents.producer(RPCWriter { recorder.record($0) })
        return (contents.metadata, recorder.all, trailers)
    }

    @Test func routesToTheHandler() async throws {
        let server = RPCServer(transport: NoTransport(), router: Self.router())
        let response = await server.handle(Self.request([[1, 2, 3]]), ServerContext(descriptor: Self.unaryEcho))
        let (metadata, messages, trailers) = try await Self.run(response)
        #expect(metadata == ["h": "1"])
        #expect(messages == [[3, 2, 1]])
        #expect(trailers == ["t": "2"])
    }

    @Test func unknownMethodIsUnimplemented() async throws {
        let server = RPCServer(transport: NoTransport(), router: Self.router())
        let response = await server.handle(Self.request([[1]]), ServerContext(descriptor: MethodDescriptor(service: "test.Echo", method: "Nope")))
        let error = try #require(Self.failure(response))
        #expect(error.code == .unimplemented)
        #expect(error.message == "method /test.Echo/Nope is not implemented by this server")
    }

    @Test func thrownRPCErrorBecomesFailureResponse() async throws {
        let server = RPCServer(transport: NoTransport(), router: Self.router())
        let response = await server.handle(Self.request([]), ServerContext(descriptor: MethodDescriptor(service: "test.Echo", method: "ThrowRPC")))
        let error = try #require(Self.failure(response))
        #expect(error.code == .notFound)
        #expect(error.message == "nothing here")
        #expect(error.metadata == ["why": "gone"])
    }

    @Test func thrownOtherErrorIsUnknown() async throws {
        let server = RPCServer(transport: NoTransport(), router: Self.router())
        let response = await server.handle(Self.request([]), ServerContext(descriptor: MethodDescriptor(service: "test.Echo", method: "ThrowPlain")))
        let error = try #require(Self.failure(response))
        #expect(error.code == .unknown)
        #expect(error.message == "boom")
    }

    @Test func interceptorsRunFirstOutermost() async throws {
        let log = Recorder<String>()
        let server = RPCServer(transport: NoTransport(), router: Self.router(), interceptors: [
            Logging(name: "a", log: log), Logging(name: "b", log: log),
        ])
        _ = await server.handle(Self.request([[1]]), ServerContext(descriptor: Self.unaryEcho))
        #expect(log.all == ["in a", "in b", "out b", "out a"])
    }

    @Test func unaryWithNoRequestMessageIsInternal() async throws {
        let server = RPCServer(transport: NoTransport(), router: Self.router())
        let response = await server.handle(Self.request([]), ServerContext(descriptor: Self.unaryEcho))
        let error = try #require(Self.failure(response))
        #expect(error.code == .internal)
        #expect(error.message == "test.Echo/Get expects one request message but the client sent none")
    }

    @Test func unaryWithTwoRequestMessagesIsInternal() async throws {
        let server = RPCServer(transport: NoTransport(), router: Self.router())
        let response = await server.handle(Self.request([[1], [2]]), ServerContext(descriptor: Self.unaryEcho))
        let error = try #require(Self.failure(response))
        #expect(error.code == .internal)
        #expect(error.message == "test.Echo/Get expects one request message but the client sent more")
    }

    @Test func undecodableRequestIsInternal() async throws {
        struct Strict: MessageDeserializer {
            struct Bad: Error, CustomStringConvertible { var description: String { "bad bytes" } }
            func deserialize(_ bytes: [UInt8]) throws -> [UInt8] { throw Bad() }
        }
        var router = RPCRouter()
        router.registerUnary(Self.unaryEcho, deserializer: Strict(), serializer: IdentitySerializer()) { request, _ in
            ServerResponse(message: request.message)
        }
        let server = RPCServer(transport: NoTransport(), router: router)
        let response = await server.handle(Self.request([[1]]), ServerContext(descriptor: Self.unaryEcho))
        let error = try #require(Self.failure(response))
        #expect(error.code == .internal)
        #expect(error.message == "could not decode the request to test.Echo/Get: bad bytes")
    }

    @Test func routerListsMethodsSortedByPath() {
        let router = Self.router()
        #expect(router.methods.map(\.path) == ["/test.Echo/Get", "/test.Echo/ThrowPlain", "/test.Echo/ThrowRPC"])
        #expect(router.handler(forPath: "/test.Echo/Get") != nil)
        #expect(router.handler(forPath: "/test.Echo/Missing") == nil)
    }

    @Test func serverStreamingAndStreamingRegistration() async throws {
        let stream = MethodDescriptor(service: "test.Echo", method: "Stream")
        let bidi = MethodDescriptor(service: "test.Echo", method: "Bidi")
        var router = RPCRouter()
        router.registerServerStreaming(stream, deserializer: IdentitySerializer(), serializer: IdentitySerializer()) { request, writer, _ in
            for byte in request.message { try await writer.write([byte]) }
            return ["count": "\(request.message.count)"]
        }
        router.registerStreaming(bidi, deserializer: IdentitySerializer(), serializer: IdentitySerializer()) { messages, metadata, writer, _ in
            for try await message in messages { try await writer.write(message + message) }
            return metadata
        }
        let server = RPCServer(transport: NoTransport(), router: router)
        let (_, streamed, streamTrailers) = try await Self.run(
            await server.handle(Self.request([[7, 8, 9]]), ServerContext(descriptor: stream))
        )
        #expect(streamed == [[7], [8], [9]])
        #expect(streamTrailers == ["count": "3"])
        let (_, doubled, bidiTrailers) = try await Self.run(
            await server.handle(Self.request([[1], [2]], metadata: ["m": "x"]), ServerContext(descriptor: bidi))
        )
        #expect(doubled == [[1, 1], [2, 2]])
        #expect(bidiTrailers == ["m": "x"])
    }

    @Test func clientStreamingSendsTheHandlersMetadataAsHeadersAndErrorsTrailersOnly() async throws {
        let collect = MethodDescriptor(service: "test.Echo", method: "Collect")
        var router = RPCRouter()
        router.registerClientStreaming(collect, deserializer: IdentitySerializer(), serializer: IdentitySerializer()) { messages, _, _ in
            var joined: [UInt8] = []
            for try await message in messages { joined += message }
            guard !joined.isEmpty else { throw RPCError(code: .invalidArgument, message: "nothing to collect") }
            return ServerResponse(message: joined, metadata: ["x-count": "\(joined.count)"], trailers: ["t": "done"])
        }
        let server = RPCServer(transport: NoTransport(), router: router)
        let (headers, messages, trailers) = try await Self.run(
            await server.handle(Self.request([[1], [2, 3]]), ServerContext(descriptor: collect))
        )
        #expect(headers == ["x-count": "3"])
        #expect(messages == [[1, 2, 3]])
        #expect(trailers == ["t": "done"])

        let failed = await server.handle(Self.request([]), ServerContext(descriptor: collect))
        let error = try #require(Self.failure(failed))
        #expect(error.code == .invalidArgument)
        #expect(error.message == "nothing to collect")
    }
}

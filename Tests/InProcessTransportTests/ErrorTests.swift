import InProcessTransport
import RPCCore
import Testing

private struct Plain: Error, CustomStringConvertible {
    var description: String { "plain failure" }
}

@Suite("InProcessTransport errors", .timeLimit(.minutes(1)))
struct ErrorTests {
    @Test func unknownMethodIsUnimplemented() async throws {
        try await withServer(echoRouter()) { client, _ in
            let error = await #expect(throws: RPCError.self) {
                try await client.unary(
                    request: ClientRequest(message: "x"), descriptor: Methods.unknown, serializer: Text(), deserializer: Text()
                )
            }
            #expect(error?.code == .unimplemented)
            #expect(error?.message == "method /test.Echo/Missing is not implemented by this server")
        }
    }

    @Test func handlerErrorBeforeHeadersCarriesMetadata() async throws {
        var router = RPCRouter()
        router.registerUnary(Methods.unary, deserializer: Text(), serializer: Text()) { request, _ -> ServerResponse<String> in
            var metadata: Metadata = ["retry-pushback": "no"]
            metadata.add(contentsOf: request.metadata)
            throw RPCError(code: .notFound, message: "no product '\(request.message)'", metadata: metadata)
        }
        try await withServer(router) { client, _ in
            let response = await client.streaming(
                request: StreamingClientRequest(metadata: ["x-user": "ana"], message: Array("sku-1".utf8)), descriptor: Methods.unary
            )
            let error = try #require(response.error)
            #expect(error.code == .notFound)
            #expect(error.message == "no product 'sku-1'")
            #expect(error.metadata == ["retry-pushback": "no", "x-user": "ana"])
            #expect(response.metadata == ["retry-pushback": "no", "x-user": "ana"])
        }
    }

    @Test func handlerErrorAfterMessagesEndsTheBody() async throws {
        var router = RPCRouter()
        router.registerServerStreaming(Methods.serverStreaming, deserializer: Text(), serializer: Text()) { _, writer, _ in
            try await writer.write("first")
            try await writer.write("second")
            throw RPCError(code: .dataLoss, message: "disk on fire", metadata: ["x-detail": "sector 7"])
        }
        try await withServer(router) { client, _ in
            let response = await client.streaming(request: textRequest(["go"]), descriptor: Methods.serverStreaming)
            var iterator = try response.accepted.get().bodyParts.makeAsyncIterator()
            #expect(try await iterator.next()?.text == "first")
            #expect(try await iterator.next()?.text == "second")
            let error = await #expect(throws: RPCError.self) { try await iterator.next() }
            #expect(error?.code == .dataLoss)
            #expect(error?.message == "disk on fire")
            #expect(error?.metadata == ["x-detail": "sector 7"])
        }
    }

    @Test func handlerNonRPCErrorIsUnknown() async throws {
        var router = RPCRouter()
        router.registerUnary(Methods.unary, deserializer: Text(), serializer: Text()) { _, _ -> ServerResponse<String> in
            throw Plain()
        }
        try await withServer(router) { client, _ in
            let error = await #expect(throws: RPCError.self) {
                try await client.unary(request: ClientRequest(message: "x"), descriptor: Methods.unary, serializer: Text(), deserializer: Text())
            }
            #expect(error?.code == .unknown)
            #expect(error?.message == "plain failure")
        }
    }

    @Test func clientProducerErrorFailsTheCallAndReachesTheServer() async throws {
        let serverSaw = Recorder<String>()
        let handlerStarted = Signal()
        var router = RPCRouter()
        router.register(Methods.clientStreaming) { request, _ in
            handlerStarted.fire()
            do {
                for try await _ in request.messages {}
                serverSaw.record("end")
            } catch {
                serverSaw.record("\(RPCError(from: error).code): \(RPCError(from: error).message)")
                throw error
            }
            return StreamingServerResponse(message: [])
        }
        try await withServer(router) { client, _ in
            let request = StreamingClientRequest { writer in
                try await writer.write([1])
                await handlerStarted.wait()
                throw RPCError(code: .aborted, message: "client gave up", metadata: ["x-why": "test"])
            }
            let response = await client.streaming(request: request, descriptor: Methods.clientStreaming)
            let error = try #require(response.error)
            #expect(error.code == .aborted)
            #expect(error.message == "client gave up")
            #expect(error.metadata == ["x-why": "test"])
        }
        #expect(serverSaw.all == ["ABORTED: client gave up"])
    }

    @Test func responseMessageOverLimitIsResourceExhausted() async throws {
        try await withServer(echoRouter()) { client, _ in
            let error = await #expect(throws: RPCError.self) {
                try await client.unary(
                    request: ClientRequest(message: "0123456789"), descriptor: Methods.unary, serializer: Text(), deserializer: Text(),
                    options: CallOptions(maxResponseMessageBytes: 10)
                )
            }
            #expect(error?.code == .resourceExhausted)
            #expect(error?.message == "response message of 16 bytes from test.Echo/Get is larger than the limit of 10 bytes")
        }
    }

    @Test func requestMessageOverLimitIsResourceExhausted() async throws {
        try await withServer(echoRouter()) { client, _ in
            let error = await #expect(throws: RPCError.self) {
                try await client.unary(
                    request: ClientRequest(message: "0123456789"), descriptor: Methods.unary, serializer: Text(), deserializer: Text(),
                    options: CallOptions(maxRequestMessageBytes: 4)
                )
            }
            #expect(error?.code == .resourceExhausted)
            #expect(error?.message == "request message of 10 bytes to test.Echo/Get is larger than the limit of 4 bytes")
        }
    }
}

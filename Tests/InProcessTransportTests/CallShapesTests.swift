import InProcessTransport
import RPCCore
import Testing

@Suite("InProcessTransport call shapes", .timeLimit(.minutes(1)))
struct CallShapesTests {
    @Test func unary() async throws {
        try await withServer(echoRouter()) { client, _ in
            let response = try await client.unary(
                request: ClientRequest(message: "hi", metadata: ["x-user": "ana"]),
                descriptor: Methods.unary, serializer: Text(), deserializer: Text()
            )
            #expect(response.message == "echo: hi")
            #expect(response.metadata == ["echo-peer": "in-process", "x-user": "ana"])
            #expect(response.trailers == ["x-trailer": "done"])
        }
    }

    @Test func metadataKeepsOrderDuplicatesAndBinaryValues() async throws {
        try await withServer(echoRouter()) { client, _ in
            var metadata: Metadata = ["x-a": "1"]
            metadata.addBinary([0, 1, 0xFF], forKey: "trace-bin")
            metadata.addString("2", forKey: "x-a")
            let response = try await client.unary(
                request: ClientRequest(message: "m", metadata: metadata),
                descriptor: Methods.unary, serializer: Text(), deserializer: Text()
            )
            var expected: Metadata = ["echo-peer": "in-process"]
            expected.add(contentsOf: metadata)
            #expect(response.metadata == expected)
        }
    }

    @Test func serverStreaming() async throws {
        try await withServer(echoRouter()) { client, _ in
            let response = await client.streaming(request: textRequest(["a bb ccc"]), descriptor: Methods.serverStreaming)
            let (metadata, messages, trailers) = try await readAll(response)
            #expect(metadata == [:])
            #expect(messages == ["a", "bb", "ccc"])
            #expect(trailers == ["count": "3"])
        }
    }

    @Test func serverStreamingManyMessages() async throws {
        var router = RPCRouter()
        router.registerServerStreaming(Methods.serverStreaming, deserializer: Text(), serializer: Text()) { request, writer, _ in
            for i in 0..<1_000 { try await writer.write("\(request.message)\(i)") }
            return [:]
        }
        try await withServer(router) { client, _ in
            let response = await client.streaming(request: textRequest(["m"]), descriptor: Methods.serverStreaming)
            let (_, messages, trailers) = try await readAll(response)
            #expect(messages == (0..<1_000).map { "m\($0)" })
            #expect(trailers == [:])
        }
    }

    @Test func clientStreaming() async throws {
        try await withServer(echoRouter()) { client, _ in
            let response = await client.streaming(
                request: textRequest(["one", "two", "three"], metadata: ["x-k": "v"]),
                descriptor: Methods.clientStreaming
            )
            let (_, messages, trailers) = try await readAll(response)
            #expect(messages == ["one,two,three"])
            #expect(trailers == ["x-k": "v"])
        }
    }

    @Test func clientStreamingManyMessages() async throws {
        try await withServer(echoRouter()) { client, _ in
            let words = (0..<500).map { "w\($0)" }
            let response = await client.streaming(request: textRequest(words), descriptor: Methods.clientStreaming)
            let (_, messages, _) = try await readAll(response)
            #expect(messages == [words.joined(separator: ",")])
        }
    }

    @Test func bidirectionalStreaming() async throws {
        try await withServer(echoRouter()) { client, _ in
            let response = await client.streaming(request: textRequest(["a", "b", "c"]), descriptor: Methods.bidi)
            let (_, messages, trailers) = try await readAll(response)
            #expect(messages == ["A", "B", "C"])
            #expect(trailers == ["count": "3"])
        }
    }

    /// Each request is written only after the reply to the previous one arrived: messages flow
    /// while the call is open, not when a side finishes.
    @Test func bidirectionalPingPong() async throws {
        try await withServer(echoRouter()) { client, _ in
            let (replies, repliesContinuation) = AsyncStream.makeStream(of: String.self)
            let request = StreamingClientRequest { writer in
                var iterator = replies.makeAsyncIterator()
                try await writer.write(Array("ping0".utf8))
                for i in 1..<5 {
                    guard let reply = await iterator.next() else { return }
                    #expect(reply == "PING\(i - 1)")
                    try await writer.write(Array("ping\(i)".utf8))
                }
            }
            let response = await client.streaming(request: request, descriptor: Methods.bidi)
            var received: [String] = []
            var trailers: Metadata?
            for try await part in try response.accepted.get().bodyParts {
                if let text = part.text {
                    received.append(text)
                    repliesContinuation.yield(text)
                }
                if let metadata = part.trailerMetadata { trailers = metadata }
            }
            repliesContinuation.finish()
            #expect(received == ["PING0", "PING1", "PING2", "PING3", "PING4"])
            #expect(trailers == ["count": "5"])
        }
    }

    @Test func emptyStreams() async throws {
        try await withServer(echoRouter()) { client, _ in
            let response = await client.streaming(request: textRequest([]), descriptor: Methods.bidi)
            let (_, messages, trailers) = try await readAll(response)
            #expect(messages == [])
            #expect(trailers == ["count": "0"])
        }
    }

    @Test func emptyMessage() async throws {
        try await withServer(echoRouter()) { client, _ in
            let response = try await client.unary(
                request: ClientRequest(message: ""), descriptor: Methods.unary, serializer: Text(), deserializer: Text()
            )
            #expect(response.message == "echo: ")
        }
    }

    @Test func serverContextCarriesDescriptorPeerAndDeadline() async throws {
        let seen = Recorder<ServerContext>()
        var router = RPCRouter()
        router.registerUnary(Methods.unary, deserializer: Text(), serializer: Text()) { request, context in
            seen.record(context)
            return ServerResponse(message: request.message)
        }
        try await withServer(router) { client, _ in
            let before = ContinuousClock.now
            _ = try await client.unary(
                request: ClientRequest(message: "x"), descriptor: Methods.unary, serializer: Text(), deserializer: Text(),
                options: CallOptions(timeout: .seconds(600))
            )
            _ = try await client.unary(request: ClientRequest(message: "y"), descriptor: Methods.unary, serializer: Text(), deserializer: Text())
            let contexts = seen.all
            try #require(contexts.count == 2)
            #expect(contexts[0].descriptor == Methods.unary)
            #expect(contexts[0].remotePeer == "in-process")
            let deadline = try #require(contexts[0].deadline)
            #expect(deadline >= before.advanced(by: .seconds(600)))
            #expect(deadline <= ContinuousClock.now.advanced(by: .seconds(600)))
            #expect(contexts[1].deadline == nil)
        }
    }

    @Test func makePairIsWired() async throws {
        let (clientTransport, serverTransport) = InProcessTransport.makePair()
        let server = RPCServer(transport: serverTransport, router: echoRouter())
        let serving = Task { try await server.serve() }
        let client = RPCClient(transport: clientTransport)
        let response = try await client.unary(
            request: ClientRequest(message: "pair"), descriptor: Methods.unary, serializer: Text(), deserializer: Text()
        )
        #expect(response.message == "echo: pair")
        server.beginGracefulShutdown()
        try await serving.value
    }
}

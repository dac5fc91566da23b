import Glibc
import HTTP2Transport
import RPCCore
import Testing

@Suite("HTTP2Transport over loopback", .timeLimit(.minutes(1)))
struct HTTP2TransportTests {
    @Test func unaryEcho() async throws {
        try await withServerAndClient { client, _ in
            let response = try await client.unary(request: ClientRequest(message: Array("hello".utf8)), descriptor: TestMethods.echo)
            #expect(response.message == Array("hello".utf8))
            #expect(response.trailers.isEmpty)
        }
    }

    @Test func emptyMessageRoundTrips() async throws {
        try await withServerAndClient { client, _ in
            let response = try await client.unary(request: ClientRequest(message: []), descriptor: TestMethods.echo)
            #expect(response.message == [])
        }
    }

    @Test func largeMessageRoundTrips() async throws {
        // Larger than the flow-control windows and the outbound high-water mark.
        let payload = (0..<(3 * 512 * 1024)).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        try await withServerAndClient { client, _ in
            let response = try await client.unary(request: ClientRequest(message: payload), descriptor: TestMethods.echo)
            #expect(response.message == payload)
        }
    }

    @Test func errorStatusCarriesMessageAndMetadata() async throws {
        try await withServerAndClient { client, _ in
            let error = try #require(await unaryError(client, TestMethods.fail))
            #expect(error.code == .notFound)
            #expect(error.message == awkwardMessage)
            #expect(error.metadata.firstString(forKey: "x-error-detail") == "detail value")
            #expect(error.metadata[binaryValues: "x-error-detail-bin"] == [[0x00, 0xFF, 0x10, 0x80]])
        }
    }

    @Test func earlyErrorIsTrailersOnly() async throws {
        try await withServerAndClient { client, _ in
            let response = await client.streaming(request: StreamingClientRequest(message: []), descriptor: TestMethods.fail)
            guard case .failure(let error) = response.accepted else {
                Issue.record("expected a Trailers-Only failure before any headers")
                return
            }
            #expect(error.code == .notFound)
            #expect(error.message == awkwardMessage)
        }
    }

    @Test func errorAfterMessagesArrivesInTrailers() async throws {
        try await withServerAndClient { client, _ in
            let response = await client.streaming(request: StreamingClientRequest(message: []), descriptor: TestMethods.countThenFail)
            var messages: [[UInt8]] = []
            do {
                for try await part in try response.accepted.get().bodyParts {
                    if case .message(let bytes) = part { messages.append(bytes) }
                }
                Issue.record("expected the body to throw")
            } catch let error as RPCError {
                #expect(error.code == .dataLoss)
                #expect(error.message == "lost after two")
                #expect(error.metadata.firstString(forKey: "x-why") == "testing")
            }
            #expect(messages == [[1], [2]])
        }
    }

    @Test func oversizedRequestHeadersFailOnlyThatCall() async throws {
        try await withServerAndClient { client, _ in
            let error = try #require(await unaryError(client, TestMethods.echo, [1], metadata: ["x-big": .string(String(repeating: "a", count: 20_000))]))
            #expect(error.code == .resourceExhausted)
            #expect(error.message.contains("maxHeaderListBytes (16384)"))
            let echo = try await client.unary(request: ClientRequest(message: [1]), descriptor: TestMethods.echo)
            #expect(echo.message == [1])
        }
    }

    @Test("request headers over one header block fail RESOURCE_EXHAUSTED, not a retryable UNAVAILABLE (they once did)")
    func requestHeadersOverOneHeaderBlock() async throws {
        try await withServerAndClient { client, _ in
            let error = try #require(await unaryError(client, TestMethods.echo, [1], metadata: ["x-big": .string(String(repeating: "a", count: 70_000))]))
            #expect(error.code == .resourceExhausted)
            #expect(!error.wasNotProcessed)
            #expect(error.message.hasPrefix("request headers for /"), "\(error.message)")
            #expect(error.message.hasSuffix("are over the 64 KiB of one HTTP/2 header block (70005 bytes of metadata); send less metadata"), "\(error.message)")
            // The connection still serves calls.
            let echo = try await client.unary(request: ClientRequest(message: [1]), descriptor: TestMethods.echo)
            #expect(echo.message == [1])
        }
    }

    @Test func closingTheClientFailsCallsInFlight() async throws {
        let observations = Observations()
        try await withServerAndClient(router: makeRouter(observations)) { client, _ in
            let call = Task { await unaryError(client, TestMethods.wait) }
            #expect(await observations.next() == "started")
            await client.close()
            let error = await call.value
            #expect(error?.code == .unavailable)
            #expect(await observations.next() == "cancelled")
        }
    }

    @Test func metadataTravelsBothWays() async throws {
        let observations = Observations()
        try await withServerAndClient(router: makeRouter(observations)) { client, _ in
            var metadata: Metadata = ["x-user": "ana", "grpc-previous-rpc-attempts": "2"]
            metadata.addBinary([0, 1, 2, 0xFF], forKey: "x-trace-bin")
            metadata.addString("second", forKey: "x-user")
            metadata.addString("dropped", forKey: "content-type")
            let response = try await client.unary(
                request: ClientRequest(message: [7], metadata: metadata), descriptor: TestMethods.metadata
            )
            #expect(response.message == [7])
            #expect(response.metadata.firstString(forKey: "x-initial") == "initial value")
            #expect(response.metadata[binaryValues: "x-initial-bin"] == [[1, 2, 3, 0xFE]])
            #expect(response.trailers.firstString(forKey: "x-trailer") == "trailer value")
            #expect(response.trailers[binaryValues: "x-trailer-bin"] == [[0xFF, 0x00, 0x80]])
            #expect(!response.trailers.contains(key: "grpc-status"))

            let received = try #require(observations.lastMetadata)
            #expect(received[stringValues: "x-user"] == ["ana", "second"])
            #expect(received[binaryValues: "x-trace-bin"] == [[0, 1, 2, 0xFF]])
            #expect(received.firstString(forKey: "grpc-previous-rpc-attempts") == "2")
            #expect(!received.contains(key: "content-type"))
            #expect(!received.contains(key: "te"))
            #expect(!received.contains(key: "grpc-timeout"))
        }
    }

    @Test func invalidRequestMetadataFailsLocally() async throws {
        try await withServerAndClient { client, _ in
            let error = try #require(await unaryError(client, TestMethods.echo, metadata: ["bad key": "v"]))
            #expect(error.code == .internal)
            #expect(error.message.contains("'bad key'"))
        }
    }

    @Test func clientDeadlineExceeded() async throws {
        try await withServerAndClient { client, _ in
            let start = ContinuousClock.now
            let error = try #require(await unaryError(client, TestMethods.wait, options: CallOptions(timeout: .milliseconds(100))))
            let elapsed = ContinuousClock.now - start
            #expect(error.code == .deadlineExceeded)
            #expect(elapsed < .seconds(5), "DEADLINE_EXCEEDED took \(elapsed)")
            // The stream was reset, not the connection.
            let echo = try await client.unary(request: ClientRequest(message: [1]), descriptor: TestMethods.echo)
            #expect(echo.message == [1])
        }
    }

    @Test func serverEnforcesGRPCTimeoutAndCancelsTheHandler() async throws {
        // Only the server knows the deadline here (the client sends grpc-timeout but has none
        // itself), so the handler surely starts, and the status must come from the server.
        let observations = Observations()
        var configuration = HTTP2ClientTransport.Configuration.defaults
        configuration.headerOverridesForTesting = ["grpc-timeout": "100m"]
        try await withServerAndClient(router: makeRouter(observations), clientConfiguration: configuration) { client, _ in
            let start = ContinuousClock.now
            let error = try #require(await unaryError(client, TestMethods.wait))
            let elapsed = ContinuousClock.now - start
            #expect(error.code == .deadlineExceeded)
            #expect(error.message == "call to /test.Test/WaitForCancellation exceeded its deadline")
            #expect(elapsed < .seconds(5), "DEADLINE_EXCEEDED took \(elapsed)")
            #expect(await observations.next() == "started")
            #expect(await observations.next() == "cancelled")
        }
    }

    @Test func taskCancellationResetsTheStream() async throws {
        let observations = Observations()
        try await withServerAndClient(router: makeRouter(observations)) { client, _ in
            let call = Task {
                await unaryError(client, TestMethods.wait)
            }
            #expect(await observations.next() == "started")
            call.cancel()
            let error = await call.value
            #expect(error?.code == .cancelled)
            // The server learns through RST_STREAM and cancels the handler.
            #expect(await observations.next() == "cancelled")
        }
    }

    @Test func droppingTheResponseBodyCancelsTheCall() async throws {
        let observations = Observations()
        try await withServerAndClient(router: makeRouter(observations)) { client, _ in
            #expect(try await firstMessageOfNeverEndingCall(client) == [1])
            // The body is gone: the client resets the stream and the server's handler fails.
            #expect(await observations.next() == "bidi failed")
            let echo = try await client.unary(request: ClientRequest(message: [2]), descriptor: TestMethods.echo)
            #expect(echo.message == [2])
        }
    }

    /// Starts a bidi call whose request never ends (the server echoes one message and waits),
    /// reads the first message, then lets the response and its iterator go.
    private func firstMessageOfNeverEndingCall(_ client: RPCClient<HTTP2ClientTransport>) async throws -> [UInt8]? {
        let response = await client.streaming(
            request: StreamingClientRequest(producer: { writer in
                try await writer.write([1])
                try await Task.sleep(for: .seconds(60))
            }),
            descriptor: TestMethods.bidi
        )
        var iterator = try response.accepted.get().bodyParts.makeAsyncIterator()
        if case .message(let bytes)? = try await iterator.next() { return bytes }
        return nil
    }

    @Test func callsAboveMaxConcurrentStreamsAreQueued() async throws {
        var configuration = HTTP2ServerTransport.Configuration.defaults
        configuration.maxConcurrentStreams = 2
        try await withServerAndClient(serverConfiguration: configuration) { client, _ in
            try await withThrowingTaskGroup(of: Bool.self) { group in
                for index in 0..<50 {
                    group.addTask {
                        let response = try await client.unary(request: ClientRequest(message: [UInt8(index)]), descriptor: TestMethods.echo)
                        return response.message == [UInt8(index)]
                    }
                }
                for try await matched in group { #expect(matched) }
            }
        }
    }

    @Test func connectionLostMidCallIsUnavailable() async throws {
        let server = try DyingServer()
        let client = RPCClient(transport: try HTTP2ClientTransport(target: .ipv4(host: "127.0.0.1", port: server.port)))
        let error = try #require(await unaryError(client, TestMethods.echo, [1]))
        #expect(error.code == .unavailable)
        #expect(error.message.contains("127.0.0.1:\(server.port)"))
        await client.close()
    }

    @Test func unknownMethodIsUnimplemented() async throws {
        try await withServerAndClient { client, _ in
            let error = try #require(await unaryError(client, TestMethods.unknown))
            #expect(error.code == .unimplemented)
            #expect(error.message.contains("/test.Test/NoSuchMethod"))
        }
    }

    @Test func connectionRefusedIsUnavailable() async throws {
        let server = try await TestServer.start()
        let target = server.target
        try await server.stop()
        let client = RPCClient(transport: try HTTP2ClientTransport(target: target))
        let error = try #require(await unaryError(client, TestMethods.echo))
        #expect(error.code == .unavailable)
        #expect(error.message.contains("127.0.0.1:\(server.port)"))
        #expect(error.message.contains("refused"))
        await client.close()
    }

    @Test func callsFailFastWhileBackingOffAfterARefusedConnection() async throws {
        let server = try await TestServer.start()
        let target = server.target
        try await server.stop()
        var configuration = HTTP2ClientTransport.Configuration.defaults
        // A backoff far longer than the test's time limit: waiting it out would fail the test.
        configuration.reconnectBackoffInitial = .seconds(600)
        configuration.reconnectBackoffMax = .seconds(600)
        let client = RPCClient(transport: try HTTP2ClientTransport(target: target, configuration: configuration))
        let first = try #require(await unaryError(client, TestMethods.echo))
        #expect(first.code == .unavailable)
        #expect(first.message.contains("refused"))
        for _ in 0..<3 {
            let next = try #require(await unaryError(client, TestMethods.echo))
            #expect(next.code == .unavailable)
            #expect(next.message.contains("127.0.0.1:\(server.port) refused"))
            #expect(next.message.contains("calls fail fast until then"))
        }
        await client.close()
    }

    @Test func thousandConcurrentCallsShareOneConnection() async throws {
        let observations = Observations()
        try await withServerAndClient(router: makeRouter(observations)) { client, _ in
            try await withThrowingTaskGroup(of: (Int, [UInt8]).self) { group in
                for index in 0..<1000 {
                    group.addTask {
                        let response = try await client.unary(
                            request: ClientRequest(message: Array("payload-\(index)".utf8)), descriptor: TestMethods.echo
                        )
                        return (index, response.message)
                    }
                }
                var seen = Set<Int>()
                for try await (index, message) in group {
                    #expect(message == Array("payload-\(index)".utf8))
                    seen.insert(index)
                }
                #expect(seen.count == 1000)
            }
            #expect(observations.echoPeers.count == 1, "calls came from \(observations.echoPeers)")
        }
    }

    @Test func serverStreaming() async throws {
        try await withServerAndClient { client, _ in
            let response = await client.streaming(request: StreamingClientRequest(message: [50]), descriptor: TestMethods.count)
            let contents = try response.accepted.get()
            var messages: [[UInt8]] = []
            var trailers: Metadata?
            for try await part in contents.bodyParts {
                switch part {
                case .message(let bytes): messages.append(bytes)
                case .trailers(let metadata): trailers = metadata
                }
            }
            #expect(messages == (0..<50).map { [UInt8($0)] })
            #expect(trailers?.firstString(forKey: "x-count") == "50")
        }
    }

    @Test func clientStreaming() async throws {
        try await withServerAndClient { client, _ in
            let request = StreamingClientRequest(producer: { writer in
                for index in 0..<100 { try await writer.write([UInt8(index)]) }
            })
            let response = await client.streaming(request: request, descriptor: TestMethods.concat)
            var messages: [[UInt8]] = []
            for try await part in try response.accepted.get().bodyParts {
                if case .message(let bytes) = part { messages.append(bytes) }
            }
            #expect(messages == [(0..<100).map { UInt8($0) }])
        }
    }

    @Test func bidirectionalStreaming() async throws {
        try await withServerAndClient { client, _ in
            let request = StreamingClientRequest(producer: { writer in
                for index in 0..<20 { try await writer.write([UInt8(index), 0xAA]) }
            })
            let response = await client.streaming(request: request, descriptor: TestMethods.bidi)
            var messages: [[UInt8]] = []
            for try await part in try response.accepted.get().bodyParts {
                if case .message(let bytes) = part { messages.append(bytes) }
            }
            #expect(messages == (0..<20).map { [UInt8($0), 0xAA] })
        }
    }

    @Test func slowReaderHoldsBackAFastServer() async throws {
        let observations = Observations()
        try await withServerAndClient(router: makeRouter(observations)) { client, _ in
            let response = await client.streaming(request: StreamingClientRequest(message: []), descriptor: TestMethods.flood)
            var iterator = try response.accepted.get().bodyParts.makeAsyncIterator()
            guard case .message(let first)? = try await iterator.next() else {
                Issue.record("expected a message")
                return
            }
            #expect(first.first == 0)
            // Not a timing assertion: with flow control the server stalls after a few MiB
            // (windows plus socket buffers) however long we wait; without it, it would write all 32 MiB.
            try await Task.sleep(for: .milliseconds(200))
            #expect(observations.writeCount < 300, "server wrote \(observations.writeCount) messages to a reader that took one")
            var count = 1
            while let part = try await iterator.next() {
                guard case .message(let bytes) = part else { continue }
                #expect(bytes.first == UInt8(count & 0xFF))
                count += 1
            }
            #expect(count == 512)
        }
    }

    @Test func requestOverServerLimitIsResourceExhausted() async throws {
        var configuration = HTTP2ServerTransport.Configuration.defaults
        configuration.maxRequestMessageBytes = 1024
        try await withServerAndClient(serverConfiguration: configuration) { client, _ in
            let error = try #require(await unaryError(client, TestMethods.echo, [UInt8](repeating: 1, count: 2000)))
            #expect(error.code == .resourceExhausted)
            #expect(error.message.contains("2000"))
            let response = try await client.unary(request: ClientRequest(message: [UInt8](repeating: 1, count: 1000)), descriptor: TestMethods.echo)
            #expect(response.message.count == 1000)
        }
    }

    @Test func responseOverClientLimitIsResourceExhausted() async throws {
        try await withServerAndClient { client, _ in
            let options = CallOptions(maxResponseMessageBytes: 10)
            let error = try #require(await unaryError(client, TestMethods.echo, [UInt8](repeating: 1, count: 100), options: options))
            #expect(error.code == .resourceExhausted)
            #expect(error.message.contains("maxResponseMessageBytes"))
        }
    }

    @Test func invalidGRPCTimeoutIsAStatus() async throws {
        let server = try await TestServer.start()
        var configuration = HTTP2ClientTransport.Configuration.defaults
        configuration.headerOverridesForTesting = ["grpc-timeout": "123456789S"]
        let client = RPCClient(transport: try HTTP2ClientTransport(target: server.target, configuration: configuration))
        let error = try #require(await unaryError(client, TestMethods.echo, [1]))
        #expect(error.code == .internal)
        #expect(error.message.contains("invalid grpc-timeout '123456789S'"))
        await client.close()
        try await expectServerStillServes(server)
        try await server.stop()
    }

    @Test func wrongContentTypeIsRejected() async throws {
        let server = try await TestServer.start()
        var configuration = HTTP2ClientTransport.Configuration.defaults
        configuration.headerOverridesForTesting = ["content-type": "application/json"]
        let client = RPCClient(transport: try HTTP2ClientTransport(target: server.target, configuration: configuration))
        let error = try #require(await unaryError(client, TestMethods.echo, [1]))
        #expect(error.code == .internal)
        #expect(error.message == "content-type 'application/json' is not application/grpc")
        await client.close()
        try await expectServerStillServes(server)
        try await server.stop()
    }

    @Test(arguments: ["application/grpcfoo", "application/json", "text/plain"])
    func lookalikeContentTypesAreRejected(contentType: String) async throws {
        let server = try await TestServer.start()
        var configuration = HTTP2ClientTransport.Configuration.defaults
        configuration.headerOverridesForTesting = ["content-type": contentType]
        let client = RPCClient(transport: try HTTP2ClientTransport(target: server.target, configuration: configuration))
        let error = try #require(await unaryError(client, TestMethods.echo, [1]))
        #expect(error.code == .internal)
        #expect(error.message == "content-type '\(contentType)' is not application/grpc")
        await client.close()
        try await server.stop()
    }

    @Test(arguments: ["application/grpc", "application/grpc+proto", "application/grpc;charset=utf-8"])
    func grpcContentTypesAreAccepted(contentType: String) async throws {
        let server = try await TestServer.start()
        var configuration = HTTP2ClientTransport.Configuration.defaults
        configuration.headerOverridesForTesting = ["content-type": contentType]
        let client = RPCClient(transport: try HTTP2ClientTransport(target: server.target, configuration: configuration))
        let response = try await client.unary(request: ClientRequest(message: [1, 2]), descriptor: TestMethods.echo)
        #expect(response.message == [1, 2])
        await client.close()
        try await server.stop()
    }

    @Test func compressedRequestsAreUnimplementedAndAdvertiseIdentity() async throws {
        let server = try await TestServer.start()
        var configuration = HTTP2ClientTransport.Configuration.defaults
        configuration.headerOverridesForTesting = ["grpc-encoding": "gzip"]
        let client = RPCClient(transport: try HTTP2ClientTransport(target: server.target, configuration: configuration))
        let error = try #require(await unaryError(client, TestMethods.echo, [1]))
        #expect(error.code == .unimplemented)
        #expect(error.message.contains("grpc-encoding 'gzip' is not supported"))
        await client.close()
        try await expectServerStillServes(server)
        try await server.stop()
    }

    @Test func wrongContentTypeGetsHTTP415() async throws {
        let server = try await TestServer.start()
        let connection = try RawConnection(port: server.port)
        connection.send(RawHTTP2.preface + RawHTTP2.emptySettings + RawHTTP2.headers(stream: 1, endStream: true, [
            (":method", "POST"), (":scheme", "http"), (":path", "/test.Test/Echo"), (":authority", "localhost"),
            ("content-type", "text/plain"), ("te", "trailers"),
        ]))
        let block = try #require(connection.readFrame(type: 1, stream: 1))
        #expect(RawHTTP2.status(inHeaderBlock: block) == "415")
        try await expectServerStillServes(server)
        try await server.stop()
    }

    @Test func garbageClosesOnlyThatConnection() async throws {
        let server = try await TestServer.start()
        let client = RPCClient(transport: try HTTP2ClientTransport(target: server.target))
        // A healthy connection first, to check it survives.
        _ = try await client.unary(request: ClientRequest(message: [1]), descriptor: TestMethods.echo)
        let garbage = try RawConnection(port: server.port)
        garbage.send(Array("GET / HTTP/1.1\r\nHost: x\r\n\r\nthis is not HTTP/2 at all".utf8) + [UInt8](repeating: 0xFF, count: 100))
        #expect(garbage.readUntilClosed().closed)

        let badFrames = try RawConnection(port: server.port)
        // A valid preface, then a DATA frame on stream 0: a connection error.
        badFrames.send(RawHTTP2.preface + RawHTTP2.emptySettings + RawHTTP2.frame(type: 0, flags: 0, stream: 0, payload: [1, 2, 3]))
        #expect(badFrames.readUntilClosed().closed)

        let response = try await client.unary(request: ClientRequest(message: [2]), descriptor: TestMethods.echo)
        #expect(response.message == [2])
        await client.close()
        try await expectServerStillServes(server)
        try await server.stop()
    }

    @Test func gracefulShutdownLetsCallsFinishAndRefusesNewOnes() async throws {
        let server = try await TestServer.start()
        let client = RPCClient(transport: try HTTP2ClientTransport(target: server.target))
        // A client-streaming call in flight across the shutdown.
        let (gate, open) = AsyncStream<Void>.makeStream()
        let request = StreamingClientRequest(producer: { writer in
            try await writer.write([1])
            for await _ in gate { break }
            try await writer.write([2])
        })
        let response = await client.streaming(request: request, descriptor: TestMethods.concat)
        let contents = try response.accepted.get()
        server.transport.beginGracefulShutdown()
        try await Task.sleep(for: .milliseconds(20))
        open.yield()
        var messages: [[UInt8]] = []
        for try await part in contents.bodyParts {
            if case .message(let bytes) = part { messages.append(bytes) }
        }
        #expect(messages == [[1, 2]])
        try await server.serving.value
        let error = try #require(await unaryError(client, TestMethods.echo))
        #expect(error.code == .unavailable)
        await client.close()
    }

    @Test func gracefulShutdownCancelsCallsStillRunningAfterTheGracePeriod() async throws {
        let observations = Observations()
        var configuration = HTTP2ServerTransport.Configuration.defaults
        configuration.shutdownGracePeriod = .milliseconds(50)
        let server = try await TestServer.start(router: makeRouter(observations), configuration: configuration)
        let client = RPCClient(transport: try HTTP2ClientTransport(target: server.target))
        let call = Task { await unaryError(client, TestMethods.wait) }
        #expect(await observations.next() == "started")
        server.transport.beginGracefulShutdown()
        // Without the grace period this call never ends and listen never returns.
        try await server.serving.value
        #expect(await observations.next() == "cancelled")
        let error = try #require(await call.value)
        #expect(error.code == .unavailable || error.code == .cancelled)
        await client.close()
    }

    @Test func closedClientRefusesCalls() async throws {
        try await withServerAndClient { client, server in
            _ = try await client.unary(request: ClientRequest(message: [1]), descriptor: TestMethods.echo)
            await client.close()
            let error = try #require(await unaryError(client, TestMethods.echo))
            #expect(error.code == .unavailable)
            #expect(error.message.contains("closed"))
        }
    }

    @Test func clientReconnectsAfterServerRestart() async throws {
        let first = try await TestServer.start()
        let client = RPCClient(transport: try HTTP2ClientTransport(target: first.target))
        _ = try await client.unary(request: ClientRequest(message: [1]), descriptor: TestMethods.echo)
        try await first.stop()
        // Same port again: a new server on the address the client knows.
        let transport = try HTTP2ServerTransport(address: first.target)
        let server = RPCServer(transport: transport, router: makeRouter())
        let serving = Task { try await server.serve() }
        _ = try await transport.listeningAddress()
        let response = try await client.unary(request: ClientRequest(message: [3]), descriptor: TestMethods.echo)
        #expect(response.message == [3])
        await client.close()
        transport.beginGracefulShutdown()
        try await serving.value
    }

    @Test func invalidConfigurationNamesTheFields() throws {
        var configuration = HTTP2ClientTransport.Configuration.defaults
        configuration.connectTimeout = .zero
        configuration.initialWindowSize = 10
        #expect {
            try HTTP2ClientTransport(target: .ipv4(host: "127.0.0.1", port: 1), configuration: configuration)
        } throws: { error in
            let error = error as? HTTP2ConfigurationError
            return error?.problems.count == 2 && error?.description.contains("connectTimeout") == true
                && error?.description.contains("initialWindowSize") == true
        }
        #expect(throws: HTTP2ConfigurationError.self) {
            try HTTP2ClientTransport(target: .ipv4(host: "not-an-address", port: 1))
        }
        var serverConfiguration = HTTP2ServerTransport.Configuration.defaults
        serverConfiguration.maxConcurrentStreams = 0
        #expect(throws: HTTP2ConfigurationError.self) {
            try HTTP2ServerTransport(address: .ipv4(host: "127.0.0.1", port: 0), configuration: serverConfiguration)
        }
    }

    @Test func targetDescriptions() {
        #expect(HTTP2Target.ipv4(host: "127.0.0.1", port: 50051).description == "127.0.0.1:50051")
        #expect(HTTP2Target.ipv6(host: "::1", port: 50051).description == "[::1]:50051")
        #expect(HTTP2Target.unixDomainSocket(path: "/tmp/s").description == "unix:/tmp/s")
    }

    @Test func unixDomainSocketAndIPv6() async throws {
        let path = "/tmp/breakwater-h2-test-\(getpid()).sock"
        for address in [HTTP2Target.unixDomainSocket(path: path), .ipv6(host: "::1", port: 0)] {
            let transport = try HTTP2ServerTransport(address: address)
            let server = RPCServer(transport: transport, router: makeRouter())
            let serving = Task { try await server.serve() }
            let bound = try await transport.listeningAddress()
            let client = RPCClient(transport: try HTTP2ClientTransport(target: bound))
            let response = try await client.unary(request: ClientRequest(message: [9]), descriptor: TestMethods.echo)
            #expect(response.message == [9])
            await client.close()
            transport.beginGracefulShutdown()
            try await serving.value
        }
    }
}

/// A normal call on a fresh connection still works.
func expectServerStillServes(_ server: TestServer) async throws {
    let client = RPCClient(transport: try HTTP2ClientTransport(target: server.target))
    let response = try await client.unary(request: ClientRequest(message: Array("still here".utf8)), descriptor: TestMethods.echo)
    #expect(response.message == Array("still here".utf8))
    await client.close()
}

import InProcessTransport
import RPCCore
import Testing

@Suite("InProcessTransport lifecycle", .timeLimit(.minutes(1)))
struct LifecycleTests {
    @Test func callsBeforeListenWaitForIt() async throws {
        let transport = InProcessTransport()
        let client = RPCClient(transport: transport.client)
        let early = Task {
            try await client.unary(request: ClientRequest(message: "early"), descriptor: Methods.unary, serializer: Text(), deserializer: Text())
        }
        let server = RPCServer(transport: transport.server, router: echoRouter())
        let serving = Task { try await server.serve() }
        #expect(try await early.value.message == "echo: early")
        server.beginGracefulShutdown()
        try await serving.value
    }

    @Test func gracefulShutdownDrainsCallsInFlightThenRefuses() async throws {
        let started = Signal(), release = Signal()
        var router = RPCRouter()
        router.registerUnary(Methods.unary, deserializer: Text(), serializer: Text()) { request, _ in
            started.fire()
            await release.wait()
            return ServerResponse(message: "late \(request.message)")
        }
        let transport = InProcessTransport()
        let server = RPCServer(transport: transport.server, router: router)
        let client = RPCClient(transport: transport.client)
        let serving = Task { try await server.serve() }
        let inFlight = Task {
            try await client.unary(request: ClientRequest(message: "x"), descriptor: Methods.unary, serializer: Text(), deserializer: Text())
        }
        await started.wait()
        server.beginGracefulShutdown()

        let refused = await client.streaming(request: StreamingClientRequest(message: []), descriptor: Methods.unary)
        #expect(refused.error?.code == .unavailable)
        #expect(refused.error?.message == "the in-process server is shutting down")

        release.fire()
        #expect(try await inFlight.value.message == "late x")
        try await serving.value

        let afterStop = await client.streaming(request: StreamingClientRequest(message: []), descriptor: Methods.unary)
        #expect(afterStop.error?.code == .unavailable)
        #expect(afterStop.error?.message == "the in-process server has stopped")
    }

    @Test func shutdownBeforeListenMakesListenReturn() async throws {
        let transport = InProcessTransport()
        transport.server.beginGracefulShutdown()
        try await transport.server.listen { _, _ in StreamingServerResponse(message: []) }
        let response = try await transport.client.call(request: StreamingClientRequest(message: []), context: ClientContext(descriptor: Methods.unary))
        #expect(response.error?.code == .unavailable)
    }

    @Test func clientCloseFailsCallsInFlightAndRefusesNewOnes() async throws {
        let started = Signal(), cancelled = Signal()
        var router = RPCRouter()
        router.registerUnary(Methods.unary, deserializer: Text(), serializer: Text()) { request, _ in
            started.fire()
            try? await Task.sleep(for: .seconds(3_600))
            if Task.isCancelled { cancelled.fire() }
            return ServerResponse(message: request.message)
        }
        try await withServer(router) { client, _ in
            let inFlight = Task {
                try await client.unary(request: ClientRequest(message: "x"), descriptor: Methods.unary, serializer: Text(), deserializer: Text())
            }
            await started.wait()
            await client.close()
            let error = await #expect(throws: RPCError.self) { try await inFlight.value }
            #expect(error?.code == .unavailable)
            #expect(error?.message == "the in-process client transport was closed")
            await cancelled.wait()

            let refused = await client.streaming(request: StreamingClientRequest(message: []), descriptor: Methods.unary)
            #expect(refused.error?.code == .unavailable)
            #expect(refused.error?.message == "the in-process client transport is closed")
        }
    }

    @Test func cancellingListenFailsCallsInFlight() async throws {
        let started = Signal()
        var router = RPCRouter()
        router.registerUnary(Methods.unary, deserializer: Text(), serializer: Text()) { request, _ in
            started.fire()
            try? await Task.sleep(for: .seconds(3_600))
            return ServerResponse(message: request.message)
        }
        let transport = InProcessTransport()
        let server = RPCServer(transport: transport.server, router: router)
        let client = RPCClient(transport: transport.client)
        let serving = Task { try await server.serve() }
        let inFlight = Task {
            try await client.unary(request: ClientRequest(message: "x"), descriptor: Methods.unary, serializer: Text(), deserializer: Text())
        }
        await started.wait()
        serving.cancel()
        try await serving.value
        let error = await #expect(throws: RPCError.self) { try await inFlight.value }
        #expect(error?.code == .unavailable)
        #expect(error?.message == "the server stopped before test.Echo/Get finished")

        let refused = await client.streaming(request: StreamingClientRequest(message: []), descriptor: Methods.unary)
        #expect(refused.error?.code == .unavailable)
    }

    @Test func listenTwiceIsRejected() async throws {
        let transport = InProcessTransport()
        let serving = Task { try await transport.server.listen { _, _ in StreamingServerResponse(message: []) } }
        // The first listen may or may not have begun; whichever comes second is rejected.
        let second = Task { try await transport.server.listen { _, _ in StreamingServerResponse(message: []) } }
        var failures: [RPCError] = []
        transport.server.beginGracefulShutdown()
        for task in [serving, second] {
            do { try await task.value } catch let error as RPCError { failures.append(error) }
        }
        #expect(failures.map(\.code) == [.failedPrecondition])
        #expect(failures.first?.message == "listen was already called on this in-process server transport")
    }
}

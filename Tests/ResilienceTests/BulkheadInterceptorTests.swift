import InProcessTransport
import RPCCore
import Resilience
import ResilienceTestKit
import Synchronization
import Testing

@Suite struct BulkheadInterceptorTests {
    /// A response whose body waits for `gate`, then sends one message and the trailers.
    static func gatedResponse(_ gate: Gate) -> StreamingClientResponse {
        StreamingClientResponse(accepted: .success(.init(metadata: [:], bodyParts: RPCAsyncSequence(makeNext: {
            var index = 0
            return {
                defer { index += 1 }
                switch index {
                case 0:
                    await gate.wait()
                    return .message([1])
                case 1: return .trailers([:])
                default: return nil
                }
            }
        }))))
    }

    @Test func thePermitIsHeldUntilTheResponseBodyEnds() async throws {
        let bulkhead = Bulkhead(name: "b", configuration: bulkheadConfiguration(limit: 1))
        let gate = Gate()
        let transport = FakeTransport { _, _ in Self.gatedResponse(gate) }
        let client = RPCClient(transport: transport, interceptors: [BulkheadInterceptor(bulkhead: bulkhead)])
        let response = await client.streaming(request: StreamingClientRequest(message: [1]), descriptor: getProduct)
        // `next` has returned, but the call is still running.
        expectBalanced(bulkhead, inUse: 1)
        gate.open()
        let contents = try response.accepted.get()
        var parts = 0
        for try await _ in contents.bodyParts { parts += 1 }
        #expect(parts == 2)
        expectBalanced(bulkhead, inUse: 0)
    }

    /// Stands for a timeout above the bulkhead: gives up on the call (answers DEADLINE_EXCEEDED)
    /// while the call itself goes on, kept in `abandoned`.
    struct GiveUpEarly: ClientInterceptor {
        let abandoned: Recorder<StreamingClientResponse>
        func intercept(
            request: StreamingClientRequest, context: ClientContext,
            next: @Sendable (StreamingClientRequest, ClientContext) async throws -> StreamingClientResponse
        ) async throws -> StreamingClientResponse {
            abandoned.append(try await next(request, context))
            return StreamingClientResponse(error: RPCError(code: .deadlineExceeded, message: "gave up"))
        }
    }

    @Test func aLayerAboveReturningEarlyDoesNotFreeThePermitWhileTheCallRuns() async throws {
        let bulkhead = Bulkhead(name: "b", configuration: bulkheadConfiguration(limit: 1, maxWait: .zero))
        let gate = Gate()
        let abandoned = Recorder<StreamingClientResponse>()
        let client = RPCClient(transport: FakeTransport { _, _ in Self.gatedResponse(gate) }, interceptors: [
            GiveUpEarly(abandoned: abandoned),
            BulkheadInterceptor(bulkhead: bulkhead),
        ])
        await #expect(throws: RPCError.self) {
            _ = try await client.unary(request: ClientRequest(message: [1]), descriptor: getProduct)
        }
        // The caller has its answer, but the call still occupies the callee.
        expectBalanced(bulkhead, inUse: 1)
        gate.open()
        let contents = try #require(abandoned.values.first).accepted.get()
        for try await _ in contents.bodyParts {}
        expectBalanced(bulkhead, inUse: 0)
    }

    @Test func aDroppedBodyReleasesThePermit() async throws {
        let bulkhead = Bulkhead(name: "b", configuration: bulkheadConfiguration(limit: 1))
        let transport = FakeTransport { _, _ in Self.gatedResponse(Gate()) }
        let client = RPCClient(transport: transport, interceptors: [BulkheadInterceptor(bulkhead: bulkhead)])
        do {
            let response = await client.streaming(request: StreamingClientRequest(message: [1]), descriptor: getProduct)
            _ = response
            expectBalanced(bulkhead, inUse: 1)
        }
        expectBalanced(bulkhead, inUse: 0)
    }

    @Test func aFailureBeforeHeadersReleasesAtOnce() async throws {
        let bulkhead = Bulkhead(name: "b", configuration: bulkheadConfiguration(limit: 1))
        let transport = FakeTransport(always: { Responses.failure(.unavailable) })
        let client = RPCClient(transport: transport, interceptors: [BulkheadInterceptor(bulkhead: bulkhead)])
        let response = await client.streaming(request: StreamingClientRequest(message: [1]), descriptor: getProduct)
        guard case .failure(let error) = response.accepted else { Issue.record("expected a failure"); return }
        #expect(error.code == .unavailable)
        expectBalanced(bulkhead, inUse: 0)
    }

    @Test func aThrowingTransportReleases() async throws {
        let bulkhead = Bulkhead(name: "b", configuration: bulkheadConfiguration(limit: 1))
        let transport = FakeTransport { _, _ in throw TestError(reason: "connection refused") }
        let client = RPCClient(transport: transport, interceptors: [BulkheadInterceptor(bulkhead: bulkhead)])
        _ = await client.streaming(request: StreamingClientRequest(message: [1]), descriptor: getProduct)
        expectBalanced(bulkhead, inUse: 0)
    }

    @Test func aFailureAfterHeadersReleasesWhenItIsRead() async throws {
        let bulkhead = Bulkhead(name: "b", configuration: bulkheadConfiguration(limit: 1))
        let transport = FakeTransport(always: { Responses.failureAfterHeaders(.internal) })
        let client = RPCClient(transport: transport, interceptors: [BulkheadInterceptor(bulkhead: bulkhead)])
        await #expect(throws: RPCError.self) {
            _ = try await client.unary(request: ClientRequest(message: [1]), descriptor: getProduct)
        }
        expectBalanced(bulkhead, inUse: 0)
    }

    @Test func aRejectedCallFailsWithResourceExhaustedWithoutReachingTheTransport() async throws {
        let bulkhead = Bulkhead(name: "catalog.v1.Catalog/GetProduct", configuration: bulkheadConfiguration(limit: 1, maxWait: .zero))
        let transport = FakeTransport(always: { Responses.ok() })
        let client = RPCClient(transport: transport, interceptors: [BulkheadInterceptor(bulkhead: bulkhead)])
        let holder = try await bulkhead.acquire()
        do {
            _ = try await client.unary(request: ClientRequest(message: [1]), descriptor: getProduct)
            Issue.record("a call got past a full bulkhead")
        } catch let error as RPCError {
            #expect(error.code == .resourceExhausted)
            #expect(error.message.contains("bulkhead 'catalog.v1.Catalog/GetProduct'"))
            #expect(BulkheadFullError.find(in: error) != nil)
        }
        #expect(transport.callCount == 0)
        holder.release()
        _ = try await client.unary(request: ClientRequest(message: [1]), descriptor: getProduct)
        #expect(transport.callCount == 1)
        expectBalanced(bulkhead, inUse: 0)
    }

    @Test func aCallerCancelledWhileQueuedGetsCancelled() async throws {
        let bulkhead = Bulkhead(name: "b", configuration: bulkheadConfiguration(limit: 1), clock: ManualClock())
        let transport = FakeTransport(always: { Responses.ok() })
        let client = RPCClient(transport: transport, interceptors: [BulkheadInterceptor(bulkhead: bulkhead)])
        let holder = try await bulkhead.acquire()
        let call = Task { try await client.unary(request: ClientRequest(message: [1]), descriptor: getProduct) }
        await eventually { bulkhead.metrics.queued == 1 }
        call.cancel()
        do {
            _ = try await call.value
            Issue.record("a cancelled call succeeded")
        } catch let error as RPCError {
            #expect(error.code == .cancelled)
        }
        #expect(transport.callCount == 0)
        holder.release()
        expectBalanced(bulkhead, inUse: 0)
    }

    @Test func theRegistryGivesEveryCallerOfANameTheSameBulkhead() async throws {
        let registry = BulkheadRegistry(
            defaultConfiguration: bulkheadConfiguration(limit: 3),
            configurations: ["catalog.v1.Catalog/ListProducts": bulkheadConfiguration(limit: 7), "inventory.v1.Inventory": bulkheadConfiguration(limit: 5)]
        )
        let found = await withTaskGroup(of: ObjectIdentifier.self) { group in
            for _ in 0..<64 { group.addTask { ObjectIdentifier(registry.bulkhead(for: getProduct)) } }
            var ids = Set<ObjectIdentifier>()
            for await id in group { ids.insert(id) }
            return ids
        }
        #expect(found.count == 1)
        #expect(registry.bulkhead(for: getProduct).limit == 3)
        #expect(registry.bulkhead(for: listProducts).limit == 7)
        #expect(registry.bulkhead(for: getStock).limit == 5)
        #expect(registry.bulkhead(for: getProduct).name == "catalog.v1.Catalog/GetProduct")
        #expect(registry.all.count == 3)

        let perService = BulkheadRegistry(scope: .service)
        #expect(perService.bulkhead(for: getProduct) === perService.bulkhead(for: listProducts))
        #expect(perService.bulkhead(for: getProduct).name == "catalog.v1.Catalog")
    }

    @Test func keyedBulkheadsAreIndependent() async throws {
        let registry = BulkheadRegistry(defaultConfiguration: bulkheadConfiguration(limit: 1, maxWait: .zero))
        let gate = Gate()
        let transport = FakeTransport { _, _ in Self.gatedResponse(gate) }
        let client = RPCClient(transport: transport, interceptors: [BulkheadInterceptor(registry: registry)])
        let held = await client.streaming(request: StreamingClientRequest(message: [1]), descriptor: getProduct)
        // GetProduct is full, ListProducts is not.
        let other = await client.streaming(request: StreamingClientRequest(message: [1]), descriptor: listProducts)
        #expect((try? other.accepted.get()) != nil)
        let rejected = await client.streaming(request: StreamingClientRequest(message: [1]), descriptor: getProduct)
        guard case .failure(let error) = rejected.accepted else { Issue.record("expected a rejection"); return }
        #expect(error.code == .resourceExhausted)
        gate.open()
        withExtendedLifetime((held, other)) {}
    }

    @Test func theServerInterceptorRejectsBeforeTheHandlerRuns() async throws {
        let bulkhead = Bulkhead(name: "catalog-server", configuration: bulkheadConfiguration(limit: 1, maxWait: .zero))
        let handled = Tally()
        let gate = Gate()
        var router = RPCRouter()
        router.register(getProduct) { _, _ in
            handled.increment()
            return StreamingServerResponse(accepted: .success(.init { writer in
                await gate.wait()
                try await writer.write([1])
                return [:]
            }))
        }
        let server = RPCServer(transport: InProcessTransport().server, router: router, interceptors: [
            BulkheadServerInterceptor(bulkhead: bulkhead),
        ])
        let request = StreamingServerRequest(messages: .elements([[1]]))
        let context = ServerContext(descriptor: getProduct)
        let first = await server.handle(request, context)
        #expect(handled.count == 1)
        expectBalanced(bulkhead, inUse: 1)

        let second = await server.handle(request, context)
        guard case .failure(let error) = second.accepted else { Issue.record("the second call was not rejected"); return }
        #expect(error.code == .resourceExhausted)
        #expect(error.message.contains("bulkhead 'catalog-server'"))
        #expect(handled.count == 1, "the handler ran for a rejected call")

        // The permit is held until the response producer has finished.
        let contents = try first.accepted.get()
        gate.open()
        let written = Recorder<[UInt8]>()
        _ = try await contents.producer(RPCWriter { written.append($0) })
        #expect(written.values == [[1]])
        expectBalanced(bulkhead, inUse: 0)
    }

    @Test func theServerInterceptorReleasesAResponseDroppedUnsent() async throws {
        let bulkhead = Bulkhead(name: "s", configuration: bulkheadConfiguration(limit: 1, maxWait: .zero))
        var router = RPCRouter()
        router.register(getProduct) { _, _ in StreamingServerResponse(message: [1]) }
        router.register(listProducts) { _, _ in throw RPCError(code: .notFound, message: "none") }
        let server = RPCServer(transport: InProcessTransport().server, router: router, interceptors: [
            BulkheadServerInterceptor(bulkhead: bulkhead),
        ])
        let request = StreamingServerRequest(messages: .elements([[1]]))
        do {
            let response = await server.handle(request, ServerContext(descriptor: getProduct))
            expectBalanced(bulkhead, inUse: 1)
            _ = response
        }
        expectBalanced(bulkhead, inUse: 0)
        let failed = await server.handle(request, ServerContext(descriptor: listProducts))
        guard case .failure(let error) = failed.accepted else { Issue.record("expected NOT_FOUND"); return }
        #expect(error.code == .notFound)
        expectBalanced(bulkhead, inUse: 0)
    }

    @Test func theServerInterceptorOverInProcessTransportAnswersResourceExhausted() async throws {
        let transport = InProcessTransport()
        let bulkhead = Bulkhead(name: "echo-server", configuration: bulkheadConfiguration(limit: 1, maxWait: .zero))
        let gate = Gate()
        let entered = Tally()
        var router = RPCRouter()
        router.register(getProduct) { request, _ in
            entered.increment()
            await gate.wait()
            return StreamingServerResponse(message: [7])
        }
        let server = RPCServer(transport: transport.server, router: router, interceptors: [BulkheadServerInterceptor(bulkhead: bulkhead)])
        let client = RPCClient(transport: transport.client)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await server.serve() }
            let first = Task { try await client.unary(request: ClientRequest(message: [1]), descriptor: getProduct) }
            await entered.wait(until: 1)
            do {
                _ = try await client.unary(request: ClientRequest(message: [1]), descriptor: getProduct)
                Issue.record("the server admitted a second call")
            } catch let error as RPCError {
                #expect(error.code == .resourceExhausted)
                #expect(error.message.contains("bulkhead 'echo-server'"))
            }
            gate.open()
            #expect(try await first.value.message == [7])
            await eventually { bulkhead.metrics.inUse == 0 }
            server.beginGracefulShutdown()
            try await group.waitForAll()
        }
        #expect(entered.count == 1)
    }
}

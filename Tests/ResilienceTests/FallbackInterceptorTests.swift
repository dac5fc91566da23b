import RPCCore
import Resilience
import ResilienceTestKit
import Synchronization
import Testing

@Suite struct FallbackInterceptorTests {
    static let defaultMessage: [UInt8] = [0xde, 0xfa]

    static func unary(
        _ client: RPCClient<FakeTransport>, _ message: [UInt8] = [1, 2, 3], metadata: Metadata = [:],
        _ descriptor: MethodDescriptor = getProduct
    ) async -> Result<ClientResponse<[UInt8]>, RPCError> {
        do {
            return .success(try await client.unary(request: ClientRequest(message: message, metadata: metadata), descriptor: descriptor))
        } catch {
            return .failure(RPCError(from: error))
        }
    }

    /// A transport that echoes the request with a prefix while `healthy`, else fails with `code`.
    final class Backend: Sendable {
        final class Health: Sendable {
            let isHealthy = Atomic<Bool>(true)
        }

        let health = Health()
        let transport: FakeTransport

        init(failingWith code: Status.Code = .unavailable) {
            let health = self.health
            transport = FakeTransport { request, _ in
                guard health.isHealthy.load(ordering: .sequentiallyConsistent) else { return Responses.failure(code, "backend down") }
                let message = try await collectMessages(request).first ?? []
                return Responses.ok([0xaa] + message, metadata: ["x-served-by": "backend"])
            }
        }

        func fail() { health.isHealthy.store(false, ordering: .sequentiallyConsistent) }
    }

    @Test func aFixedResponseIsMarkedDefault() async throws {
        let transport = FakeTransport(always: { Responses.failure(.unavailable) })
        let client = RPCClient(transport: transport, interceptors: [
            FallbackInterceptor(strategy: .fixed(message: Self.defaultMessage, metadata: ["x-note": "stale"])),
        ])
        let response = try await Self.unary(client).get()
        #expect(response.message == Self.defaultMessage)
        #expect(response.metadata.firstString(forKey: "x-fallback") == "default")
        #expect(response.metadata.firstString(forKey: "x-fallback-cause") == "UNAVAILABLE")
        #expect(response.metadata.firstString(forKey: "x-note") == "stale")
    }

    @Test func successesPassThroughUnmarked() async throws {
        let backend = Backend()
        let client = RPCClient(transport: backend.transport, interceptors: [
            FallbackInterceptor(strategy: .fixed(message: Self.defaultMessage)),
        ])
        let response = try await Self.unary(client, [7]).get()
        #expect(response.message == [0xaa, 7])
        #expect(!response.metadata.contains(key: "x-fallback"))
        #expect(response.metadata.firstString(forKey: "x-served-by") == "backend")
    }

    @Test func untriggeredFailuresPassThrough() async {
        let transport = FakeTransport(always: { Responses.failure(.notFound, "no product 'sku-42'") })
        let client = RPCClient(transport: transport, interceptors: [
            FallbackInterceptor(strategy: .fixed(message: Self.defaultMessage)),
        ])
        guard case .failure(let error) = await Self.unary(client) else { Issue.record("NOT_FOUND got a fallback"); return }
        #expect(error.code == .notFound)
        #expect(error.message == "no product 'sku-42'")
    }

    @Test func theLastGoodResponseForAnEqualRequestIsServedFromTheCache() async throws {
        let clock = ManualClock()
        let backend = Backend()
        let client = RPCClient(transport: backend.transport, interceptors: [
            FallbackInterceptor(strategy: try .lastGoodResponse(maxAge: .seconds(60)), clock: clock),
        ])
        _ = try await Self.unary(client, [1]).get()
        _ = try await Self.unary(client, [2]).get()
        backend.fail()
        clock.advance(by: .seconds(30))

        let response = try await Self.unary(client, [1]).get()
        #expect(response.message == [0xaa, 1])
        #expect(response.metadata.firstString(forKey: "x-fallback") == "cache")
        #expect(response.metadata.firstString(forKey: "x-fallback-age-ms") == "30000")
        #expect(response.metadata.firstString(forKey: "x-served-by") == "backend")
        #expect(try await Self.unary(client, [2]).get().message == [0xaa, 2])
        // The request went to the backend unchanged, though the interceptor read it first.
        #expect(backend.transport.receivedRequests == [[[1]], [[2]], [[1]], [[2]]])
    }

    @Test func aCacheMissLetsTheOriginalErrorThrough() async throws {
        let backend = Backend()
        let client = RPCClient(transport: backend.transport, interceptors: [
            FallbackInterceptor(strategy: try .lastGoodResponse()),
        ])
        _ = try await Self.unary(client, [1]).get()
        backend.fail()
        guard case .failure(let error) = await Self.unary(client, [9]) else { Issue.record("a miss got a response"); return }
        #expect(error.code == .unavailable)
        #expect(error.message == "backend down")
        guard case .failure = await Self.unary(client, [1], listProducts) else {
            Issue.record("the cache must be keyed by method too")
            return
        }
    }

    @Test func aCacheMissFallsBackToOtherwise() async throws {
        let backend = Backend()
        backend.fail()
        let client = RPCClient(transport: backend.transport, interceptors: [
            FallbackInterceptor(strategy: try .lastGoodResponse(otherwise: .fixed(message: Self.defaultMessage))),
        ])
        let response = try await Self.unary(client).get()
        #expect(response.message == Self.defaultMessage)
        #expect(response.metadata.firstString(forKey: "x-fallback") == "default")
    }

    @Test func cachedResponsesExpireAfterMaxAge() async throws {
        let clock = ManualClock()
        let backend = Backend()
        let client = RPCClient(transport: backend.transport, interceptors: [
            FallbackInterceptor(strategy: try .lastGoodResponse(maxAge: .seconds(10)), clock: clock),
        ])
        _ = try await Self.unary(client).get()
        backend.fail()
        clock.advance(by: .seconds(10))
        #expect(try await Self.unary(client).get().metadata.firstString(forKey: "x-fallback") == "cache")   // exactly max age
        clock.advance(by: .milliseconds(1))
        guard case .failure(let error) = await Self.unary(client) else { Issue.record("an expired entry was served"); return }
        #expect(error.code == .unavailable)
    }

    @Test func theCacheHoldsAtMostMaxEntries() async throws {
        let backend = Backend()
        let client = RPCClient(transport: backend.transport, interceptors: [
            FallbackInterceptor(strategy: try .lastGoodResponse(maxEntries: 2)),
        ])
        for message: UInt8 in [1, 2, 1, 3] { _ = try await Self.unary(client, [message]).get() }
        backend.fail()
        // Stored in the order 2, 1, 3 (1 was refreshed): 2 was evicted.
        #expect(try await Self.unary(client, [1]).get().message == [0xaa, 1])
        #expect(try await Self.unary(client, [3]).get().message == [0xaa, 3])
        guard case .failure = await Self.unary(client, [2]) else { Issue.record("evicted entry served"); return }
    }

    @Test func theCacheKeyCanVaryOnMetadata() async throws {
        let backend = Backend()
        let client = RPCClient(transport: backend.transport, interceptors: [
            FallbackInterceptor(strategy: try .lastGoodResponse(varyingOn: ["authorization"])),
        ])
        _ = try await Self.unary(client, metadata: ["authorization": "Bearer ana"]).get()
        backend.fail()
        #expect(try await Self.unary(client, metadata: ["authorization": "Bearer ana"]).get().metadata.firstString(forKey: "x-fallback") == "cache")
        guard case .failure = await Self.unary(client, metadata: ["authorization": "Bearer bob"]) else {
            Issue.record("one user's cached response was served to another")
            return
        }
    }

    @Test func binaryMetadataValuesOfTheSameLengthDoNotShareACacheEntry() async throws {
        let backend = Backend()
        let client = RPCClient(transport: backend.transport, interceptors: [
            FallbackInterceptor(strategy: try .lastGoodResponse(varyingOn: ["auth-bin"])),
        ])
        var alice = Metadata()
        alice.addBinary([1, 2, 3], forKey: "auth-bin")
        var bob = Metadata()
        bob.addBinary([9, 9, 9], forKey: "auth-bin")
        _ = try await Self.unary(client, metadata: alice).get()
        backend.fail()
        #expect(try await Self.unary(client, metadata: alice).get().metadata.firstString(forKey: "x-fallback") == "cache")
        guard case .failure = await Self.unary(client, metadata: bob) else {
            Issue.record("alice's cached response was served to bob")
            return
        }
    }

    @Test func metadataValuesAreNotJoinedIntoAmbiguousKeys() async throws {
        let backend = Backend()
        let client = RPCClient(transport: backend.transport, interceptors: [
            FallbackInterceptor(strategy: try .lastGoodResponse(varyingOn: ["x-tenant"])),
        ])
        _ = try await Self.unary(client, metadata: ["x-tenant": "a,b"]).get()
        _ = try await Self.unary(client, metadata: [:]).get()
        backend.fail()
        var two = Metadata()
        two.addString("a", forKey: "x-tenant")
        two.addString("b", forKey: "x-tenant")
        guard case .failure = await Self.unary(client, metadata: two) else {
            Issue.record("the values 'a', 'b' shared the cache entry of the single value 'a,b'")
            return
        }
        guard case .failure = await Self.unary(client, metadata: ["x-tenant": ""]) else {
            Issue.record("an empty value shared the cache entry of an absent key")
            return
        }
    }

    @Test func aFailingRequestProducerRunsOnceAndFailsTheCall() async throws {
        let runs = Atomic<Int>(0)
        let backend = Backend()
        let client = RPCClient(transport: backend.transport, interceptors: [
            FallbackInterceptor(strategy: try .lastGoodResponse()),
        ])
        struct ProducerFailed: Error {}
        let response = await client.streaming(
            request: StreamingClientRequest(producer: { _ in
                runs.add(1, ordering: .relaxed)
                throw ProducerFailed()
            }),
            descriptor: getProduct
        )
        guard case .failure(let error) = response.accepted else {
            Issue.record("a request whose producer threw was answered")
            return
        }
        #expect(error.code == .unknown)
        #expect(runs.load(ordering: .relaxed) == 1)
    }

    @Test func aCallerCancelledWhileItsFallbackRunsGetsCancelled() async throws {
        let started = Gate()
        let release = Gate()
        let transport = FakeTransport(always: { Responses.failure(.unavailable) })
        let client = RPCClient(transport: transport, interceptors: [
            FallbackInterceptor(strategy: .custom { _, _ in
                started.open()
                await release.wait()
                return ClientResponse(message: [7])
            }),
        ])
        let call = Task { await Self.unary(client) }
        await started.wait()
        call.cancel()
        release.open()
        guard case .failure(let error) = await call.value else {
            Issue.record("a cancelled caller got a fallback substitute")
            return
        }
        #expect(error.code == .cancelled)
    }

    @Test func theCacheConfigurationIsValidated() {
        do {
            _ = try FallbackInterceptor.Strategy.lastGoodResponse(maxAge: .zero, maxEntries: 0)
            Issue.record("invalid cache accepted")
        } catch {
            #expect(error.fields == ["maxAge", "maxEntries"])
        }
    }

    @Test func aClosureGetsTheErrorAndItsAnswerIsMarkedCustom() async throws {
        let transport = FakeTransport(always: { Responses.failure(.deadlineExceeded, "too slow") })
        let seen = Recorder<String>()
        let client = RPCClient(transport: transport, interceptors: [
            FallbackInterceptor(strategy: .custom { error, context in
                seen.append("\(context.descriptor): \(error.code)")
                return ClientResponse(message: [0x0c], metadata: ["x-reason": "\(error.code)"])
            }),
        ])
        let response = try await Self.unary(client).get()
        #expect(response.message == [0x0c])
        #expect(response.metadata.firstString(forKey: "x-fallback") == "custom")
        #expect(response.metadata.firstString(forKey: "x-reason") == "DEADLINE_EXCEEDED")
        #expect(seen.values == ["catalog.v1.Catalog/GetProduct: DEADLINE_EXCEEDED"])
    }

    @Test func aFailingFallbackSurfacesTheOriginalErrorWithTheFallbacksErrorAsCause() async {
        let transport = FakeTransport(always: { Responses.failure(.unavailable, "backend down") })
        let client = RPCClient(transport: transport, interceptors: [
            FallbackInterceptor(strategy: .custom { _, _ in throw TestError(reason: "no default for this product") }),
        ])
        guard case .failure(let error) = await Self.unary(client) else { Issue.record("expected a failure"); return }
        #expect(error.code == .unavailable)
        #expect(error.message == "backend down")
        #expect(error.cause as? TestError == TestError(reason: "no default for this product"))
    }

    @Test func anOpenCircuitTriggersTheFallbackWithoutCallingTheTransport() async throws {
        let clock = ManualClock()
        let transport = FakeTransport(always: { Responses.failure(.internal, "bug") })
        let breaker = CircuitBreaker(name: "catalog", configuration: breakerConfiguration(windowSize: 2, minimumCalls: 2), clock: clock)
        let client = RPCClient(transport: transport, interceptors: [
            FallbackInterceptor(triggers: [.circuitOpen], strategy: .fixed(message: Self.defaultMessage)),
            CircuitBreakerInterceptor(breaker: breaker),
        ])
        // INTERNAL is not a trigger: the errors come through and trip the breaker.
        for _ in 0..<2 {
            guard case .failure(let error) = await Self.unary(client) else { Issue.record("INTERNAL got a fallback"); return }
            #expect(error.code == .internal)
        }
        #expect(breaker.state == .open)
        let response = try await Self.unary(client).get()
        #expect(response.message == Self.defaultMessage)
        #expect(response.metadata.firstString(forKey: "x-fallback") == "default")
        #expect(response.metadata.firstString(forKey: FallbackInterceptor.causeMetadataKey) == FallbackInterceptor.circuitOpenCause)
        #expect(transport.callCount == 2)
    }

    @Test func theCircuitOpenTriggerDoesNotMatchAServersUnavailable() async {
        let transport = FakeTransport(always: { Responses.failure(.unavailable) })
        let client = RPCClient(transport: transport, interceptors: [
            FallbackInterceptor(triggers: [.circuitOpen], strategy: .fixed(message: Self.defaultMessage)),
        ])
        guard case .failure(let error) = await Self.unary(client) else { Issue.record("server UNAVAILABLE matched circuitOpen"); return }
        #expect(error.code == .unavailable)
    }

    @Test func bufferedFallbackAnswersAFailureAfterHeaders() async throws {
        let transport = FakeTransport(always: { Responses.failureAfterHeaders(.unavailable) })
        let client = RPCClient(transport: transport, interceptors: [
            FallbackInterceptor(strategy: .fixed(message: Self.defaultMessage)),
        ])
        let response = try await Self.unary(client).get()
        #expect(response.message == Self.defaultMessage)
    }

    @Test func bufferedResponsesKeepTheirErrorWhenNotTriggered() async throws {
        let transport = FakeTransport(always: { Responses.failureAfterHeaders(.notFound, messages: [[1], [2]]) })
        let client = RPCClient(transport: transport, interceptors: [
            FallbackInterceptor(strategy: .fixed(message: Self.defaultMessage)),
        ])
        let response = await client.streaming(request: StreamingClientRequest(message: [1]), descriptor: getProduct)
        var messages: [[UInt8]] = []
        await #expect(throws: RPCError.self) {
            for try await part in try response.accepted.get().bodyParts {
                if case .message(let bytes) = part { messages.append(bytes) }
            }
        }
        #expect(messages == [[1], [2]])
    }

    @Test func streamedModeAnswersOnlyFailuresBeforeHeaders() async throws {
        let transport = FakeTransport(always: { Responses.failureAfterHeaders(.unavailable) })
        let client = RPCClient(transport: transport, interceptors: [
            FallbackInterceptor(strategy: .fixed(message: Self.defaultMessage), responseHandling: .streamed),
        ])
        guard case .failure(let error) = await Self.unary(client) else { Issue.record("streamed mode buffered"); return }
        #expect(error.code == .unavailable)

        transport.respond { _, _ in Responses.failure(.unavailable) }
        #expect(try await Self.unary(client).get().metadata.firstString(forKey: "x-fallback") == "default")
    }

    @Test func theCallersOwnCancellationGetsNoFallback() async {
        let gate = Gate()
        let transport = FakeTransport(always: { Responses.failure(.cancelled, "the call was cancelled") })
        let client = RPCClient(transport: transport, interceptors: [
            FallbackInterceptor(triggers: [.anyError], strategy: .fixed(message: Self.defaultMessage)),
        ])
        let call = Task {
            await gate.wait()
            return await Self.unary(client)
        }
        call.cancel()
        gate.open()
        guard case .failure(let error) = await call.value else { Issue.record("a cancelled call got a fallback"); return }
        #expect(error.code == .cancelled)
    }

    @Test func anyErrorTriggersOnEveryFailure() async throws {
        let transport = FakeTransport(always: { Responses.failure(.permissionDenied) })
        let client = RPCClient(transport: transport, interceptors: [
            FallbackInterceptor(triggers: [.anyError], strategy: .fixed(message: Self.defaultMessage)),
        ])
        #expect(try await Self.unary(client).get().message == Self.defaultMessage)
    }
}

/// `ResponseHandling.automatic` (the default) buffers unary calls only: a streaming call's
/// messages reach the caller as they come (found by a new user: a buffered fallback held an
/// interactive bidirectional stream until its deadline).
@Suite struct FallbackResponseHandlingTests {
    /// A transport whose response sends one message at once and ends only when `gate` opens.
    static func slowEnding(_ gate: Gate) -> FakeTransport {
        FakeTransport { _, _ in
            let sent = Atomic<Int>(0)
            return StreamingClientResponse(accepted: .success(.init(metadata: [:], bodyParts: RPCAsyncSequence(makeNext: {
                {
                    switch sent.add(1, ordering: .relaxed).oldValue {
                    case 0: return .message([1])
                    case 1:
                        await gate.wait()
                        return .trailers([:])
                    default: return nil
                    }
                }
            }))))
        }
    }

    @Test func aStreamingCallGetsItsFirstMessageBeforeTheResponseEnds() async throws {
        let gate = Gate()
        let client = RPCClient(transport: Self.slowEnding(gate), interceptors: [
            FallbackInterceptor(strategy: try .lastGoodResponse(otherwise: .fixed(message: [0xde]))),
        ])
        let returned = Atomic<Bool>(false)
        let call = Task {
            defer { returned.store(true, ordering: .sequentiallyConsistent) }
            return await client.streaming(
                request: StreamingClientRequest(producer: { writer in try await writer.write([7]) }), descriptor: getProduct
            )
        }
        // A buffering fallback would read the body to its end before returning: it would now be
        // waiting at the gate, and the call would not return until it opens.
        await eventually("the call returns or the fallback waits for the body's end") {
            returned.load(ordering: .sequentiallyConsistent) || gate.hasWaiters
        }
        let returnedFirst = returned.load(ordering: .sequentiallyConsistent)
        #expect(returnedFirst, "the fallback held the streaming response until its end")
        if !returnedFirst { gate.open() }
        let response = await call.value
        var iterator = try response.accepted.get().bodyParts.makeAsyncIterator()
        let first = try await iterator.next()
        guard case .message(let bytes) = first else {
            Issue.record("expected the first message, got \(String(describing: first))")
            gate.open()
            return
        }
        #expect(bytes == [1])
        gate.open()
        while try await iterator.next() != nil {}
    }

    @Test func aUnaryCallIsStillBufferedAndCached() async throws {
        let backend = FallbackInterceptorTests.Backend()
        let client = RPCClient(transport: backend.transport, interceptors: [
            FallbackInterceptor(strategy: try .lastGoodResponse(otherwise: .fixed(message: [0xde]))),
        ])
        let served = try await FallbackInterceptorTests.unary(client, [5]).get()
        #expect(served.message == [0xaa, 5])
        backend.fail()
        let cached = try await FallbackInterceptorTests.unary(client, [5]).get()
        #expect(cached.message == [0xaa, 5])
        #expect(cached.metadata.firstString(forKey: FallbackInterceptor.metadataKey) == "cache")
    }
}

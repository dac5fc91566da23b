import RPCCore
import Resilience
import ResilienceTestKit
import Testing

@Suite struct CircuitBreakerInterceptorTests {
    static func unary(_ client: RPCClient<FakeTransport>, _ descriptor: MethodDescriptor = getProduct) async -> Result<ClientResponse<[UInt8]>, RPCError> {
        do {
            return .success(try await client.unary(request: ClientRequest(message: [1, 2, 3]), descriptor: descriptor))
        } catch {
            return .failure(RPCError(from: error))
        }
    }

    @Test func aLocalBulkheadRejectionIsIgnoredButAServersResourceExhaustedIsAFailure() {
        let rejection = RPCError(from: BulkheadFullError(
            bulkheadName: "catalog", limit: 8, reason: .full(queued: 0, maxQueueLength: 0)
        ))
        #expect(rejection.code == .resourceExhausted)
        #expect(CircuitBreakerInterceptor.Classifier.default.classify(.failure(rejection)) == .ignored)
        let fromServer = RPCError(code: .resourceExhausted, message: "server overloaded")
        #expect(CircuitBreakerInterceptor.Classifier.default.classify(.failure(fromServer)) == .failure)
    }

    @Test func anOpenCircuitRejectsWithoutCallingTheTransport() async throws {
        let clock = ManualClock()
        let transport = FakeTransport(always: { Responses.failure(.unavailable) })
        let breaker = CircuitBreaker(name: getProduct.description, configuration: breakerConfiguration(windowSize: 4, minimumCalls: 4), clock: clock)
        let client = RPCClient(transport: transport, interceptors: [CircuitBreakerInterceptor(breaker: breaker)])

        for _ in 0..<4 { _ = await Self.unary(client) }
        #expect(transport.callCount == 4)
        #expect(breaker.state == .open)

        for _ in 0..<10 {
            guard case .failure(let error) = await Self.unary(client) else {
                Issue.record("an open circuit let a call through")
                return
            }
            #expect(error.code == .unavailable)
            let rejection = try #require(error.cause as? CircuitBreakerOpenError)
            #expect(rejection.breakerName == "catalog.v1.Catalog/GetProduct")
            #expect(error.message.contains("circuit 'catalog.v1.Catalog/GetProduct' is open after 4 failures in 4 calls"))
            #expect(error.metadata.firstString(forKey: "x-breaker-retry-after-ms") == "5000")
        }
        #expect(transport.callCount == 4)
        #expect(breaker.metrics.rejectedCalls == 10)
    }

    @Test(arguments: [Status.Code.unavailable, .deadlineExceeded, .internal, .unknown, .resourceExhausted, .dataLoss])
    func defaultFailureCodesTrip(code: Status.Code) async {
        let transport = FakeTransport(always: { Responses.failure(code) })
        let breaker = CircuitBreaker(name: "codes", configuration: breakerConfiguration(windowSize: 4, minimumCalls: 4))
        let client = RPCClient(transport: transport, interceptors: [CircuitBreakerInterceptor(breaker: breaker)])
        for _ in 0..<4 { _ = await Self.unary(client) }
        #expect(breaker.state == .open)
    }

    @Test(arguments: [Status.Code.notFound, .invalidArgument, .permissionDenied, .unauthenticated, .failedPrecondition, .alreadyExists])
    func otherCodesCountAsSuccesses(code: Status.Code) async {
        let transport = FakeTransport(always: { Responses.failure(code) })
        let breaker = CircuitBreaker(name: "codes", configuration: breakerConfiguration(windowSize: 4, minimumCalls: 4))
        let client = RPCClient(transport: transport, interceptors: [CircuitBreakerInterceptor(breaker: breaker)])
        for _ in 0..<20 { _ = await Self.unary(client) }
        #expect(breaker.state == .closed)
        #expect(breaker.metrics.successfulCalls == 20)
    }

    @Test func theOutcomeIsRecordedWhenTheStreamEndsNotWhenNextReturns() async throws {
        let transport = FakeTransport(always: { Responses.failureAfterHeaders(.unavailable, messages: [[1], [2]]) })
        let breaker = CircuitBreaker(name: "stream", configuration: breakerConfiguration())
        let client = RPCClient(transport: transport, interceptors: [CircuitBreakerInterceptor(breaker: breaker)])

        let response = await client.streaming(request: StreamingClientRequest(message: [1]), descriptor: getProduct)
        let contents = try response.accepted.get()
        #expect(breaker.metrics.successfulCalls + breaker.metrics.failedCalls == 0)   // headers only

        var iterator = contents.bodyParts.makeAsyncIterator()
        _ = try await iterator.next()
        _ = try await iterator.next()
        #expect(breaker.metrics.failedCalls == 0)   // two messages, still streaming
        await #expect(throws: RPCError.self) { _ = try await iterator.next() }
        #expect(breaker.metrics.failedCalls == 1)
        #expect(breaker.metrics.failuresInWindow == 1)
    }

    @Test func aSuccessfulStreamIsASuccess() async throws {
        let transport = FakeTransport(always: { Responses.ok() })
        let breaker = CircuitBreaker(name: "ok", configuration: breakerConfiguration())
        let client = RPCClient(transport: transport, interceptors: [CircuitBreakerInterceptor(breaker: breaker)])
        let response = try await client.unary(request: ClientRequest(message: [1]), descriptor: getProduct)
        #expect(response.message == [0x2a])
        #expect(breaker.metrics.successfulCalls == 1)
    }

    @Test func anErrorThrownByNextIsAClassifiedFailure() async {
        let transport = FakeTransport { _, _ in throw RPCError(code: .unavailable, message: "connection refused") }
        let breaker = CircuitBreaker(name: "thrown", configuration: breakerConfiguration(windowSize: 2, minimumCalls: 2))
        let client = RPCClient(transport: transport, interceptors: [CircuitBreakerInterceptor(breaker: breaker)])
        guard case .failure(let error) = await Self.unary(client) else { Issue.record("expected a failure"); return }
        #expect(error.code == .unavailable)
        #expect(error.message == "connection refused")
        _ = await Self.unary(client)
        #expect(breaker.metrics.failedCalls == 2)
        #expect(breaker.state == .open)
    }

    @Test func anAbandonedCallReleasesItsProbePermit() async throws {
        let clock = ManualClock()
        let transport = FakeTransport(always: { Responses.failure(.unavailable) })
        let breaker = CircuitBreaker(
            name: "abandon", configuration: breakerConfiguration(windowSize: 2, minimumCalls: 2, permittedCallsInHalfOpen: 1), clock: clock
        )
        let client = RPCClient(transport: transport, interceptors: [CircuitBreakerInterceptor(breaker: breaker)])
        for _ in 0..<2 { _ = await Self.unary(client) }
        #expect(breaker.state == .open)
        clock.advance(by: .seconds(5))
        transport.respond { _, _ in Responses.ok() }

        do {
            let response = await client.streaming(request: StreamingClientRequest(message: [1]), descriptor: getProduct)
            #expect(breaker.metrics.probesInFlight == 1)
            _ = response   // dropped before reading the body: the caller lost interest
        }
        #expect(breaker.metrics.ignoredCalls == 1)
        #expect(breaker.metrics.probesInFlight == 0)
        #expect(breaker.state == .halfOpen)

        // The slot is free: the next call is the probe and closes the circuit.
        _ = try await client.unary(request: ClientRequest(message: [1]), descriptor: getProduct)
        #expect(breaker.state == .closed)
        #expect(transport.callCount == 4)
    }

    @Test func callerCancellationIsIgnored() async {
        let transport = FakeTransport(always: { Responses.failure(.cancelled, "the call was cancelled") })
        let breaker = CircuitBreaker(name: "cancelled", configuration: breakerConfiguration(windowSize: 2, minimumCalls: 2))
        let client = RPCClient(transport: transport, interceptors: [CircuitBreakerInterceptor(breaker: breaker)])
        for _ in 0..<5 { _ = await Self.unary(client) }
        #expect(breaker.metrics.ignoredCalls == 5)
        #expect(breaker.metrics.callsInWindow == 0)
    }

    @Test func aCustomClassifier() async {
        let transport = FakeTransport(always: { Responses.failure(.notFound) })
        let breaker = CircuitBreaker(name: "custom", configuration: breakerConfiguration(windowSize: 2, minimumCalls: 2))
        let interceptor = CircuitBreakerInterceptor(breaker: breaker, classifier: .failing(on: [.notFound]))
        let client = RPCClient(transport: transport, interceptors: [interceptor])
        for _ in 0..<2 { _ = await Self.unary(client) }
        #expect(breaker.state == .open)
    }

    @Test func anotherBreakersRejectionIsNotCountedAsAFailure() async {
        let inner = CircuitBreaker(name: "inner", configuration: breakerConfiguration())
        inner.forceOpen()
        let outer = CircuitBreaker(name: "outer", configuration: breakerConfiguration(windowSize: 2, minimumCalls: 2))
        let transport = FakeTransport(always: { Responses.ok() })
        let client = RPCClient(transport: transport, interceptors: [
            CircuitBreakerInterceptor(breaker: outer), CircuitBreakerInterceptor(breaker: inner),
        ])
        for _ in 0..<5 { _ = await Self.unary(client) }
        #expect(outer.state == .closed)
        #expect(outer.metrics.ignoredCalls == 5)
        #expect(transport.callCount == 0)
    }

    @Test func exactlyThePermittedProbesReachTheTransportAmongAThousandConcurrentCalls() async throws {
        let clock = ManualClock()
        let transport = FakeTransport(always: { Responses.failure(.unavailable) })
        let breaker = CircuitBreaker(name: "herd", configuration: breakerConfiguration(permittedCallsInHalfOpen: 3), clock: clock)
        let client = RPCClient(transport: transport, interceptors: [CircuitBreakerInterceptor(breaker: breaker)])
        for _ in 0..<10 { _ = await Self.unary(client) }
        #expect(breaker.state == .open)
        clock.advance(by: .seconds(5))

        let gate = Gate()
        let probesArrived = Tally()
        transport.respond { _, _ in
            probesArrived.increment()
            await gate.wait()   // probes hang until every caller has been answered
            return Responses.ok()
        }
        let rejected = Tally()
        let results = await withTaskGroup(of: Result<ClientResponse<[UInt8]>, RPCError>.self) { group in
            for _ in 0..<1_000 {
                group.addTask {
                    let result = await Self.unary(client)
                    if case .failure = result { rejected.increment() }
                    return result
                }
            }
            group.addTask {
                await rejected.wait(until: 997)
                await probesArrived.wait(until: 3)
                gate.open()
                return .failure(RPCError(code: .ok, message: "marker"))
            }
            var results: [Result<ClientResponse<[UInt8]>, RPCError>] = []
            for await result in group { results.append(result) }
            return results
        }
        #expect(transport.callCount == 10 + 3)
        let successes = results.filter { if case .success = $0 { true } else { false } }
        #expect(successes.count == 3)
        let rejections = results.compactMap { result -> CircuitBreakerOpenError? in
            guard case .failure(let error) = result else { return nil }
            return CircuitBreakerOpenError.find(in: error)
        }
        #expect(rejections.count == 997)
        #expect(rejections.allSatisfy { $0.state == .halfOpen })
        #expect(breaker.state == .closed)
    }

    @Test func aHangingProbeDoesNotWedgeTheCircuit() async throws {
        let clock = ManualClock()
        let transport = FakeTransport(always: { Responses.failure(.unavailable) })
        let breaker = CircuitBreaker(
            name: "hang", configuration: breakerConfiguration(windowSize: 2, minimumCalls: 2, permittedCallsInHalfOpen: 1), clock: clock
        )
        let client = RPCClient(transport: transport, interceptors: [CircuitBreakerInterceptor(breaker: breaker)])
        for _ in 0..<2 { _ = await Self.unary(client) }
        clock.advance(by: .seconds(5))

        let gate = Gate()
        let arrived = Tally()
        transport.respond { _, _ in
            arrived.increment()
            await gate.wait()
            return Responses.failure(.unavailable)   // the hanging probe, when it finally ends, fails
        }
        let hanging = Task { await Self.unary(client) }
        await arrived.wait(until: 1)
        guard case .failure(let error) = await Self.unary(client) else { Issue.record("second probe admitted"); return }
        #expect(CircuitBreakerOpenError.find(in: error)?.state == .halfOpen)
        #expect(error.message.contains("next probe in 5.0 s at the latest"))

        clock.advance(by: .seconds(5))
        transport.respond { _, _ in Responses.ok() }
        _ = try await client.unary(request: ClientRequest(message: [1]), descriptor: getProduct)
        #expect(breaker.state == .closed)

        gate.open()   // the old probe fails now: from an earlier generation, so it changes nothing
        _ = await hanging.value
        #expect(breaker.state == .closed)
        #expect(breaker.metrics.staleOutcomes == 1)
    }
}

import RPCCore
import Resilience
import ResilienceTestKit
import Synchronization
import Testing

@Suite struct RetryHedgingTests {
    static func hedging(maxAttempts: Int = 3, delay: Duration = .milliseconds(50), nonFatal: Set<Status.Code> = [.unavailable]) -> HedgingPolicy {
        try! HedgingPolicy(maxAttempts: maxAttempts, hedgingDelay: delay, nonFatalStatusCodes: nonFatal)
    }

    @Test func anInvalidHedgingPolicyListsEveryBadField() {
        #expect(throws: ConfigurationError.self) { try HedgingPolicy(maxAttempts: 9, hedgingDelay: .seconds(-1)) }
        do {
            _ = try HedgingPolicy(maxAttempts: 1, hedgingDelay: .seconds(-1), nonFatalStatusCodes: [.ok], replayBufferLimit: -1)
        } catch {
            #expect(error.fields == ["maxAttempts", "hedgingDelay", "nonFatalStatusCodes", "replayBufferLimit"])
        }
    }

    @Test func copiesGoOutADelayApartAndTheFirstAnswerWinsWhileTheLosersAreCancelled() async throws {
        let clock = ManualClock()
        let cancelled = Tally()
        let transport = ScriptedAttempts { n in
            if n == 1 { return Responses.ok([UInt8(n)]) }
            // The others hang until cancelled.
            try? await Task.sleep(for: .seconds(60))
            if Task.isCancelled { cancelled.increment() }
            return failure(.cancelled, "cancelled")
        }
        let client = RPCClient(transport: transport, interceptors: [RetryInterceptor(hedging: Self.hedging(), clock: clock)])
        let call = Task { try await client.unary(request: ClientRequest(message: [5]), descriptor: getProduct) }
        await clock.waitForSleepers(count: 1)
        #expect(transport.count == 1)
        clock.advance(by: .milliseconds(49))
        #expect(transport.count == 1)
        clock.advance(by: .milliseconds(1))
        let response = try await call.value
        #expect(response.message == [1])
        #expect(transport.count == 2)            // the third copy was never sent
        await cancelled.wait(until: 1)           // the first copy was cancelled
        #expect(transport.attempts.map { $0.metadata.firstString(forKey: "grpc-previous-rpc-attempts") } == [nil, "1"])
        #expect(transport.attempts.allSatisfy { $0.messages == [[5]] })
    }

    @Test func aNonFatalFailureSendsTheNextCopyAtOnce() async throws {
        let transport = ScriptedAttempts { n in n < 2 ? failure(.unavailable, "copy \(n + 1) down") : Responses.ok([7]) }
        let client = RPCClient(transport: transport, interceptors: [RetryInterceptor(hedging: Self.hedging(delay: .seconds(3600)), clock: ManualClock())])
        let response = try await client.unary(request: ClientRequest(message: [5]), descriptor: getProduct)
        #expect(response.message == [7])
        #expect(transport.count == 3)
    }

    @Test func aFatalFailureWinsAndAllCopiesFailingIsExplained() async {
        let fatal = ScriptedAttempts { _ in failure(.notFound, "gone") }
        let client = RPCClient(transport: fatal, interceptors: [RetryInterceptor(hedging: Self.hedging(delay: .seconds(3600)), clock: ManualClock())])
        let response = await client.streaming(request: StreamingClientRequest(message: [1]), descriptor: getProduct)
        guard case .failure(let error) = response.accepted else { Issue.record("expected a failure"); return }
        #expect(error.code == .notFound)
        #expect(fatal.count == 1)

        let down = ScriptedAttempts { n in failure(.unavailable, "down \(n + 1)") }
        let client2 = RPCClient(transport: down, interceptors: [RetryInterceptor(hedging: Self.hedging(), clock: ManualClock())])
        let response2 = await client2.streaming(request: StreamingClientRequest(message: [1]), descriptor: getProduct)
        guard case .failure(let error2) = response2.accepted else { Issue.record("expected a failure"); return }
        #expect(down.count == 3)
        #expect(error2.code == .unavailable)
        #expect(error2.message.contains("all 3 copies failed"))
        #expect(error2.message.contains("attempt 3: UNAVAILABLE: down 3"))
    }

    @Test func pushbackStopsFurtherCopies() async {
        let transport = ScriptedAttempts { _ in failure(.unavailable, "busy", pushback: "-1") }
        let client = RPCClient(transport: transport, interceptors: [RetryInterceptor(hedging: Self.hedging(), clock: ManualClock())])
        let response = await client.streaming(request: StreamingClientRequest(message: [1]), descriptor: getProduct)
        guard case .failure(let error) = response.accepted else { Issue.record("expected a failure"); return }
        #expect(transport.count == 1)
        #expect(error.message.contains("not to send more copies"))
    }

    @Test func pushbackDelaysTheNextCopyExactly() async throws {
        let clock = ManualClock()
        let transport = ScriptedAttempts { n in n == 0 ? failure(.unavailable, pushback: "300") : Responses.ok([2]) }
        let client = RPCClient(transport: transport, interceptors: [RetryInterceptor(hedging: Self.hedging(delay: .seconds(3600)), clock: clock)])
        let call = Task { try await client.unary(request: ClientRequest(message: [1]), descriptor: getProduct) }
        await eventually("first copy failed") { transport.count == 1 && clock.sleeperCount == 2 }
        clock.advance(by: .milliseconds(299))
        #expect(transport.count == 1)
        clock.advance(by: .milliseconds(1))
        #expect(try await call.value.message == [2])
        #expect(transport.count == 2)
    }
}

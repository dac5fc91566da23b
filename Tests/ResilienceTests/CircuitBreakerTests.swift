import RPCCore
import Resilience
import ResilienceTestKit
import Synchronization
import Testing

/// The breaker engine, without RPC.
@Suite struct CircuitBreakerTests {
    static func trip(_ breaker: CircuitBreaker, failures: Int = 10) throws {
        for _ in 0..<failures { try breaker.acquirePermission().record(.failure) }
        #expect(breaker.state == .open)
    }

    @Test func rejectsWhenOpenWithAnErrorThatSaysWhatToDo() throws {
        let clock = ManualClock()
        let breaker = CircuitBreaker(name: "catalog.v1.Catalog/GetProduct", configuration: breakerConfiguration(), clock: clock)
        for _ in 0..<4 { try breaker.acquirePermission().record(.success) }
        try Self.trip(breaker, failures: 6)
        clock.advance(by: .milliseconds(800))

        let error = try #require(throws: CircuitBreakerOpenError.self) { try breaker.acquirePermission() }
        #expect(error.breakerName == "catalog.v1.Catalog/GetProduct")
        #expect(error.state == .open)
        #expect(error.retryAfter == .milliseconds(4200))
        #expect(error.message == "circuit 'catalog.v1.Catalog/GetProduct' is open after 6 failures in 10 calls; next probe in 4.2 s. Retry after that or use a fallback.")

        let rpcError = RPCError(from: error)
        #expect(rpcError.code == .unavailable)
        #expect(rpcError.message == error.message)
        #expect(rpcError.metadata.firstString(forKey: CircuitBreakerOpenError.retryAfterMetadataKey) == "4200")
        #expect(CircuitBreakerOpenError.find(in: rpcError) == error)
        #expect(breaker.metrics.rejectedCalls == 1)
    }

    @Test func retryAfterUnderASecondIsShownInMilliseconds() throws {
        let clock = ManualClock()
        let breaker = CircuitBreaker(name: "fast", configuration: breakerConfiguration(openDuration: .seconds(1)), clock: clock)
        try Self.trip(breaker)
        clock.advance(by: .milliseconds(650))
        let error = try #require(throws: CircuitBreakerOpenError.self) { try breaker.acquirePermission() }
        #expect(error.message.contains("next probe in 350 ms"))
        #expect(RPCError(from: error).metadata.firstString(forKey: "x-breaker-retry-after-ms") == "350")
        #expect(breaker.metrics.nextProbeIn == .milliseconds(350))
    }

    @Test func exactlyThePermittedProbesAmongAThousandConcurrentCallers() async throws {
        let clock = ManualClock()
        let breaker = CircuitBreaker(name: "probes", configuration: breakerConfiguration(permittedCallsInHalfOpen: 3), clock: clock)
        try Self.trip(breaker)
        clock.advance(by: .seconds(5))

        let permits = await withTaskGroup(of: CircuitBreaker.Permit?.self) { group in
            for _ in 0..<1_000 {
                group.addTask { try? breaker.acquirePermission() }
            }
            var permits: [CircuitBreaker.Permit] = []
            for await permit in group { if let permit { permits.append(permit) } }
            return permits
        }
        #expect(permits.count == 3)
        #expect(permits.allSatisfy { $0.isProbe })
        #expect(breaker.state == .halfOpen)
        #expect(breaker.metrics.rejectedCalls == 997)
        #expect(breaker.metrics.probesInFlight == 3)

        for permit in permits { permit.record(.success) }
        #expect(breaker.state == .closed)
    }

    @Test func aPermitDroppedUnrecordedReleasesItsProbeSlot() throws {
        let clock = ManualClock()
        let breaker = CircuitBreaker(name: "dropped", configuration: breakerConfiguration(permittedCallsInHalfOpen: 1), clock: clock)
        try Self.trip(breaker)
        clock.advance(by: .seconds(5))
        do {
            let probe = try breaker.acquirePermission()
            #expect(probe.isProbe)
            #expect(throws: CircuitBreakerOpenError.self) { try breaker.acquirePermission() }
        }
        // The probe permit is gone without an outcome: released, so a new probe may go.
        let next = try breaker.acquirePermission()
        #expect(next.isProbe)
        #expect(breaker.metrics.ignoredCalls == 1)
        #expect(breaker.state == .halfOpen)
    }

    @Test func aPermitRecordsOnlyOnce() throws {
        let breaker = CircuitBreaker(name: "once", configuration: breakerConfiguration())
        let permit = try breaker.acquirePermission()
        #expect(permit.record(.failure))
        #expect(!breaker.record(.failure, for: permit))
        #expect(permit.isRecorded)
        #expect(breaker.metrics.failedCalls == 1)
    }

    @Test func cancellingAHalfOpenProbeReleasesIt() async throws {
        let clock = ManualClock()
        let breaker = CircuitBreaker(name: "cancel", configuration: breakerConfiguration(permittedCallsInHalfOpen: 1), clock: clock)
        try Self.trip(breaker)
        clock.advance(by: .seconds(5))
        let started = Gate()
        let probe = Task {
            try await breaker.run {
                started.open()
                try await clock.sleep(for: .seconds(3600))   // a probe that would hang
            }
        }
        await started.wait()
        #expect(throws: CircuitBreakerOpenError.self) { try breaker.acquirePermission() }
        probe.cancel()
        await #expect(throws: CancellationError.self) { try await probe.value }
        #expect(breaker.metrics.ignoredCalls == 1)
        #expect(breaker.state == .halfOpen)
        #expect(try breaker.acquirePermission().isProbe)
    }

    @Test func runRecordsSuccessesFailuresAndSkipsTheOperationWhenOpen() async throws {
        let clock = ManualClock()
        let breaker = CircuitBreaker(name: "run", configuration: breakerConfiguration(), clock: clock)
        let invocations = Tally()
        #expect(try await breaker.run { invocations.increment(); return 7 } == 7)
        for _ in 0..<9 {
            await #expect(throws: TestError.self) {
                try await breaker.run { invocations.increment(); throw TestError(reason: "down") }
            }
        }
        #expect(breaker.state == .open)   // 9 failures in 10 calls
        #expect(invocations.count == 10)
        await #expect(throws: CircuitBreakerOpenError.self) {
            try await breaker.run { invocations.increment() }
        }
        #expect(invocations.count == 10)   // not run while open
    }

    @Test func runUsesTheClassifier() async throws {
        let breaker = CircuitBreaker(name: "classify", configuration: breakerConfiguration())
        for _ in 0..<20 {
            _ = try? await breaker.run(classify: { _ in .success }) { throw TestError(reason: "not found") }
        }
        #expect(breaker.state == .closed)
        #expect(breaker.metrics.successfulCalls == 20)
        _ = try? await breaker.run { throw CancellationError() }
        #expect(breaker.metrics.ignoredCalls == 1)
    }

    @Test func forceOpenDisableAndReset() throws {
        let breaker = CircuitBreaker(name: "manual", configuration: breakerConfiguration())
        breaker.forceOpen()
        let error = try #require(throws: CircuitBreakerOpenError.self) { try breaker.acquirePermission() }
        #expect(error.state == .forcedOpen)
        #expect(error.retryAfter == nil)
        #expect(error.message.contains("forced open"))
        #expect(RPCError(from: error).metadata.isEmpty)

        breaker.disable()
        for _ in 0..<50 { try breaker.acquirePermission().record(.failure) }
        #expect(breaker.state == .disabled)

        breaker.reset()
        #expect(breaker.state == .closed)
        #expect(breaker.metrics.callsInWindow == 0)
        try Self.trip(breaker)
        breaker.reset()
        #expect(breaker.state == .closed)
    }

    @Test func stateChangesArriveInOrderOnStreamsAndCallbacks() async throws {
        let clock = ManualClock()
        let seen = Recorder<CircuitBreaker.StateChange>()
        let breaker = CircuitBreaker(
            name: "events", configuration: breakerConfiguration(permittedCallsInHalfOpen: 1), clock: clock,
            onStateChange: { seen.append($0) }
        )
        let stream = breaker.stateChanges()

        try Self.trip(breaker)                                   // closed -> open
        clock.advance(by: .seconds(5))
        try breaker.acquirePermission().record(.failure)        // open -> half-open -> open
        clock.advance(by: .seconds(5))
        let hanging = try breaker.acquirePermission()           // open -> half-open
        clock.advance(by: .seconds(5))
        try breaker.acquirePermission().record(.success)        // half-open -> half-open -> closed
        hanging.record(.failure)                                 // stale: nothing
        breaker.forceOpen()
        breaker.disable()
        breaker.reset()

        typealias Step = (CircuitBreaker.State, CircuitBreaker.State, CircuitBreaker.StateChange.Reason)
        let expected: [Step] = [
            (.closed, .open, .failureRateExceeded(failures: 10, calls: 10)),
            (.open, .halfOpen, .openDurationElapsed),
            (.halfOpen, .open, .probeFailed),
            (.open, .halfOpen, .openDurationElapsed),
            (.halfOpen, .halfOpen, .probesTimedOut),
            (.halfOpen, .closed, .probesSucceeded(1)),
            (.closed, .forcedOpen, .forcedOpen),
            (.forcedOpen, .disabled, .disabled),
            (.disabled, .closed, .reset),
        ]
        var streamed: [CircuitBreaker.StateChange] = []
        for await change in stream {
            streamed.append(change)
            if streamed.count == expected.count { break }
        }
        #expect(streamed == seen.values)
        #expect(streamed.count == expected.count)
        for (change, step) in zip(streamed, expected) {
            #expect(change.from == step.0 && change.to == step.1 && change.reason == step.2, "\(change)")
            #expect(change.breakerName == "events")
        }
        #expect(streamed.map(\.generation) == Array(1...UInt64(expected.count)))
        #expect(streamed[0].description == "circuit 'events' closed -> open: 10 failures in 10 calls")
    }

    @Test func eventsStayOrderedUnderConcurrentTransitions() async throws {
        let clock = ManualClock()
        let seen = Recorder<CircuitBreaker.StateChange>()
        let breaker = CircuitBreaker(
            name: "busy", configuration: breakerConfiguration(windowSize: 4, minimumCalls: 2, permittedCallsInHalfOpen: 1),
            clock: clock, onStateChange: { seen.append($0) }
        )
        await withTaskGroup(of: Void.self) { group in
            for worker in 0..<8 {
                group.addTask {
                    for step in 0..<500 {
                        if step % 97 == 0 { breaker.reset() }
                        if step % 13 == 0 { clock.advance(by: .seconds(5)) }
                        if let permit = try? breaker.acquirePermission() {
                            permit.record((step + worker) % 3 == 0 ? .success : .failure)
                        }
                    }
                }
            }
        }
        let events = seen.values
        #expect(events.count > 10)
        for (previous, next) in zip(events, events.dropFirst()) {
            #expect(next.generation == previous.generation + 1)
            #expect(next.from == previous.to)
        }
    }

    @Test func aCallbackMayCallBackIntoTheBreaker() throws {
        let seen = Recorder<CircuitBreaker.State>()
        let box = Mutex<CircuitBreaker?>(nil)
        let breaker = CircuitBreaker(name: "reentrant", configuration: breakerConfiguration()) { change in
            seen.append(change.to)
            // Reading and changing the breaker from its own callback neither deadlocks nor reorders.
            if change.to == .open, let breaker = box.withLock({ $0 }) {
                _ = breaker.metrics
                breaker.reset()
            }
        }
        box.withLock { $0 = breaker }
        for _ in 0..<10 { try breaker.acquirePermission().record(.failure) }
        #expect(seen.values == [.open, .closed])
        #expect(breaker.state == .closed)
        box.withLock { $0 = nil }
    }

    @Test func streamsEndWhenTheBreakerGoesAway() async {
        var breaker: CircuitBreaker? = CircuitBreaker(name: "gone")
        let stream = breaker!.stateChanges()
        breaker = nil
        var count = 0
        for await _ in stream { count += 1 }
        #expect(count == 0)
    }
}

import RPCCore
@testable import Resilience
import ResilienceTestKit
import Synchronization
import Testing

@Suite struct BulkheadTests {
    @Test func admitsUpToTheLimitThenFailsFastWithAClearError() async throws {
        let bulkhead = Bulkhead(name: "catalog", configuration: bulkheadConfiguration(limit: 2, maxWait: .zero))
        let first = try await bulkhead.acquire()
        let second = try await bulkhead.acquire()
        expectBalanced(bulkhead, inUse: 2)
        do {
            _ = try await bulkhead.acquire()
            Issue.record("a third call was admitted")
        } catch let error as BulkheadFullError {
            #expect(error.bulkheadName == "catalog")
            #expect(error.limit == 2)
            #expect(error.reason == .full(queued: 0, maxQueueLength: 0))
            #expect(error.message.contains("bulkhead 'catalog'"))
            #expect(error.message.contains("all 2 permits are in use"))
            #expect(error.message.contains("does not queue"))
            #expect(RPCError(from: error).code == .resourceExhausted)
        }
        first.release()
        second.release()
        expectBalanced(bulkhead, inUse: 0)
        #expect(bulkhead.metrics.rejectedQueueFull == 1)
        #expect(bulkhead.metrics.admittedCalls == 2)
    }

    @Test func tryAcquireNeverWaits() throws {
        let bulkhead = Bulkhead(name: "b", configuration: bulkheadConfiguration(limit: 1))
        let permit = try #require(bulkhead.tryAcquire())
        #expect(bulkhead.tryAcquire() == nil)
        permit.release()
        expectBalanced(bulkhead, inUse: 0)
    }

    @Test func theConfigurationListsEveryBadField() {
        #expect(throws: ConfigurationError.self) { try Bulkhead.Configuration(maxConcurrentCalls: 0, maxQueueLength: -1, maxWait: .seconds(-1)) }
        do {
            _ = try Bulkhead.Configuration(maxConcurrentCalls: 0, maxQueueLength: -1, maxWait: .seconds(-1))
        } catch {
            #expect(error.fields == ["limit", "maxQueueLength", "maxWait"])
            #expect(error.description.contains("invalid Bulkhead.Configuration (3 problems)"))
        }
        do {
            _ = try Bulkhead.Configuration(limit: .gradient(initial: 500, minimum: 0, maximum: 100, smoothing: 0, queueAllowance: -1, backoffRatio: 1))
        } catch {
            #expect(error.fields == ["limit.minimum", "limit.initial", "limit.backoffRatio", "limit.smoothing", "limit.queueAllowance"])
        }
        do {
            _ = try Bulkhead.Configuration(limit: .aimd(initial: 1, minimum: 2, maximum: 1, latencyTarget: .zero))
        } catch {
            #expect(error.fields == ["limit.maximum", "limit.initial", "limit.latencyTarget"])
        }
        #expect(Bulkhead.Configuration.default == (try? Bulkhead.Configuration()))
    }

    @Test func runReleasesOnSuccessAndOnError() async throws {
        let bulkhead = Bulkhead(name: "b", configuration: bulkheadConfiguration(limit: 1))
        let value = try await bulkhead.run { 42 }
        #expect(value == 42)
        expectBalanced(bulkhead, inUse: 0)
        await #expect(throws: TestError.self) {
            try await bulkhead.run { throw TestError(reason: "boom") }
        }
        expectBalanced(bulkhead, inUse: 0)
    }

    @Test func queuedCallersAreAdmittedInArrivalOrder() async throws {
        let bulkhead = Bulkhead(name: "b", configuration: bulkheadConfiguration(limit: 1, maxQueueLength: 10), clock: ManualClock())
        let holder = try await bulkhead.acquire()
        let order = Recorder<Int>()
        var tasks: [Task<Void, any Error>] = []
        for index in 0..<6 {
            tasks.append(Task {
                try await bulkhead.run { order.append(index) }
            })
            await eventually("caller \(index) to queue") { bulkhead.metrics.queued == index + 1 }
        }
        #expect(order.values.isEmpty)
        holder.release()
        for task in tasks { try await task.value }
        #expect(order.values == [0, 1, 2, 3, 4, 5])
        expectBalanced(bulkhead, inUse: 0)
    }

    @Test func aFullQueueRejectsAtOnce() async throws {
        let bulkhead = Bulkhead(name: "b", configuration: bulkheadConfiguration(limit: 1, maxQueueLength: 1), clock: ManualClock())
        let holder = try await bulkhead.acquire()
        let waiter = Task { try await bulkhead.run { } }
        await eventually { bulkhead.metrics.queued == 1 }
        do {
            _ = try await bulkhead.acquire()
            Issue.record("admitted past a full queue")
        } catch let error as BulkheadFullError {
            #expect(error.reason == .full(queued: 1, maxQueueLength: 1))
            #expect(error.message.contains("its wait queue is full (1 waiting)"))
        }
        holder.release()
        try await waiter.value
        expectBalanced(bulkhead, inUse: 0)
    }

    @Test func aQueuedCallerTimesOutAfterMaxWait() async throws {
        let clock = ManualClock()
        let bulkhead = Bulkhead(name: "b", configuration: bulkheadConfiguration(limit: 1, maxWait: .milliseconds(50)), clock: clock)
        let holder = try await bulkhead.acquire()
        let waiter = Task { try await bulkhead.acquire() }
        await clock.waitForSleepers(count: 1)
        clock.advance(by: .milliseconds(49))
        #expect(bulkhead.metrics.queued == 1)
        clock.advance(by: .milliseconds(1))
        do {
            _ = try await waiter.value
            Issue.record("the waiter got a permit")
        } catch let error as BulkheadFullError {
            #expect(error.reason == .waitedTooLong(maxWait: .milliseconds(50)))
            #expect(error.message.contains("after it waited 50 ms (maxWait)"))
        }
        #expect(bulkhead.metrics.rejectedTimedOut == 1)
        #expect(bulkhead.metrics.queued == 0)
        expectBalanced(bulkhead, inUse: 1)
        holder.release()
        expectBalanced(bulkhead, inUse: 0)
    }

    @Test func aGrantStopsTheWaitersTimer() async throws {
        let clock = ManualClock()
        let bulkhead = Bulkhead(name: "b", configuration: bulkheadConfiguration(limit: 1, maxWait: .milliseconds(50)), clock: clock)
        let holder = try await bulkhead.acquire()
        let waiter = Task { try await bulkhead.acquire() }
        await clock.waitForSleepers(count: 1)
        holder.release()
        let permit = try await waiter.value
        await eventually("the timer to stop") { clock.sleeperCount == 0 }
        clock.advance(by: .seconds(1))
        expectBalanced(bulkhead, inUse: 1)
        permit.release()
        expectBalanced(bulkhead, inUse: 0)
        #expect(bulkhead.metrics.rejectedTimedOut == 0)
    }

    @Test func cancellationWhileQueuedLeavesTheQueueWithoutAPermit() async throws {
        let clock = ManualClock()
        let bulkhead = Bulkhead(name: "b", configuration: bulkheadConfiguration(limit: 1), clock: clock)
        let holder = try await bulkhead.acquire()
        let waiter = Task { try await bulkhead.acquire() }
        await eventually { bulkhead.metrics.queued == 1 }
        waiter.cancel()
        await #expect(throws: CancellationError.self) { _ = try await waiter.value }
        #expect(bulkhead.metrics.queued == 0)
        #expect(bulkhead.metrics.cancelledWhileQueued == 1)
        expectBalanced(bulkhead, inUse: 1)
        holder.release()
        expectBalanced(bulkhead, inUse: 0)
    }

    @Test func cancellationWhileRunningReleases() async throws {
        let bulkhead = Bulkhead(name: "b", configuration: bulkheadConfiguration(limit: 1))
        let started = Tally()
        let task = Task {
            try await bulkhead.run {
                started.increment()
                try await Task.sleep(for: .seconds(3600))
            }
        }
        await started.wait(until: 1)
        expectBalanced(bulkhead, inUse: 1)
        task.cancel()
        await #expect(throws: CancellationError.self) { try await task.value }
        expectBalanced(bulkhead, inUse: 0)
    }

    @Test func cancellationRacingCompletionReleasesExactlyOnce() async throws {
        let bulkhead = Bulkhead(name: "b", configuration: bulkheadConfiguration(limit: 1))
        for _ in 0..<300 {
            let finish = Gate()
            let running = Tally()
            let task = Task {
                try await bulkhead.run {
                    running.increment()
                    await finish.wait()
                    try Task.checkCancellation()
                }
            }
            await running.wait(until: 1)
            async let complete: Void = finish.open()
            async let cancel: Void = task.cancel()
            _ = await (complete, cancel)
            _ = try? await task.value
            expectBalanced(bulkhead, inUse: 0)
        }
    }

    @Test func cancellationRacingAGrantNeverLosesAPermit() async throws {
        let bulkhead = Bulkhead(name: "b", configuration: bulkheadConfiguration(limit: 1), clock: ManualClock())
        var granted = 0, cancelled = 0
        for _ in 0..<300 {
            let holder = try await bulkhead.acquire()
            let waiter = Task { try await bulkhead.run { } }
            await eventually { bulkhead.metrics.queued == 1 }
            async let release: Void = holder.release()
            async let cancel: Void = waiter.cancel()
            _ = await (release, cancel)
            do {
                try await waiter.value
                granted += 1
            } catch is CancellationError {
                cancelled += 1
            }
            expectBalanced(bulkhead, inUse: 0)
            #expect(bulkhead.metrics.queued == 0)
        }
        #expect(granted + cancelled == 300)
    }

    @Test func aTimeoutRacingAGrantNeverLosesAPermit() async throws {
        let clock = ManualClock()
        let bulkhead = Bulkhead(name: "b", configuration: bulkheadConfiguration(limit: 1, maxWait: .milliseconds(10)), clock: clock)
        var granted = 0, timedOut = 0
        for _ in 0..<300 {
            let holder = try await bulkhead.acquire()
            let waiter = Task { try await bulkhead.run { } }
            await clock.waitForSleepers(count: 1)
            async let release: Void = holder.release()
            async let expire: Void = clock.advance(by: .milliseconds(10))
            _ = await (release, expire)
            do {
                try await waiter.value
                granted += 1
            } catch is BulkheadFullError {
                timedOut += 1
            }
            expectBalanced(bulkhead, inUse: 0)
            #expect(bulkhead.metrics.queued == 0)
        }
        #expect(granted + timedOut == 300)
        #expect(bulkhead.metrics.rejectedTimedOut == timedOut)
    }
}

import RPCCore
import Resilience
import ResilienceTestKit
import Synchronization
import Testing

@Suite struct BulkheadLeakTests {
    /// 10,000 calls against a limit of 8 with seeded random latencies (scheduler yields at the
    /// server), random caller cancellations and random queue timeouts (a ticker advancing the
    /// bulkhead's manual clock past maxWait now and then). Every admission must be released
    /// exactly once, and the server must never see more than 8 calls at once.
    @Test func tenThousandRandomCallsLeakNoPermit() async throws {
        let clock = ManualClock()
        let bulkhead = Bulkhead(
            name: "leak", configuration: try .init(maxConcurrentCalls: 8, maxQueueLength: 16, maxWait: .milliseconds(1)),
            clock: clock
        )
        let transport = CountingTransport()
        let client = RPCClient(transport: transport, interceptors: [BulkheadInterceptor(bulkhead: bulkhead)])
        var random = SeededGenerator(seed: 0x5EED_B01C)
        let outcomes = Recorder<String>()
        let calls = 10_000, wave = 64
        let ticking = Flag()

        let ticker = Task {
            var tickRandom = SeededGenerator(seed: 7)
            while ticking.isSet {
                for _ in 0..<Int.random(in: 1...40, using: &tickRandom) { await Task.yield() }
                clock.advance(by: .milliseconds(1))
            }
        }

        for start in stride(from: 0, to: calls, by: wave) {
            var tasks: [Task<Void, Never>] = []
            for _ in start..<min(start + wave, calls) {
                let latency = UInt8.random(in: 0...30, using: &random)
                let cancelAfter: Int? = Int.random(in: 0..<10, using: &random) == 0 ? Int.random(in: 0...20, using: &random) : nil
                let task = Task {
                    let kind: String
                    do {
                        _ = try await client.unary(request: ClientRequest(message: [latency]), descriptor: getProduct)
                        kind = "ok"
                    } catch let error as RPCError {
                        kind = error.code == .resourceExhausted
                            ? (BulkheadFullError.find(in: error).map { "\($0.reason)".hasPrefix("waited") ? "timed out" : "full" } ?? "?")
                            : "\(error.code)"
                    } catch {
                        kind = "\(type(of: error))"
                    }
                    outcomes.append(kind)
                }
                if let cancelAfter {
                    Task {
                        for _ in 0..<cancelAfter { await Task.yield() }
                        task.cancel()
                    }
                }
                tasks.append(task)
            }
            for task in tasks { await task.value }
        }
        ticking.clear()
        await ticker.value

        let metrics = bulkhead.metrics
        let counted = Dictionary(outcomes.values.map { ($0, 1) }, uniquingKeysWith: +)
        #expect(counted.values.reduce(0, +) == calls)
        #expect(metrics.inUse == 0, "\(metrics)")
        #expect(metrics.available == 8, "\(metrics)")
        #expect(metrics.queued == 0, "\(metrics)")
        #expect(transport.runningCount == 0)
        #expect(transport.maxRunningCount <= 8, "the server saw \(transport.maxRunningCount) calls at once")
        #expect(transport.maxRunningCount == 8, "the test never filled the bulkhead")
        // Every path was taken: successes, cancellations, full-queue and timed-out rejections.
        #expect((counted["ok"] ?? 0) > 0, "\(counted)")
        #expect((counted["CANCELLED"] ?? 0) > 0, "\(counted)")
        #expect((counted["full"] ?? 0) > 0, "\(counted)")
        #expect((counted["timed out"] ?? 0) > 0, "\(counted)")
        // A grant that raced its caller's cancellation is handed back without reaching the server.
        #expect(metrics.admittedCalls >= transport.startedCount, "\(metrics)")
    }
}

/// A flag shared between tasks.
final class Flag: Sendable {
    private let value = Atomic<Bool>(true)
    var isSet: Bool { value.load(ordering: .relaxed) }
    func clear() { value.store(false, ordering: .relaxed) }
}

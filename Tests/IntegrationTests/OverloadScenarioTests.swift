import Foundation
import HTTP2Transport
import RPCCore
import Resilience
import Testing

/// Overload: a client bulkhead of N means the server never sees more than N of its calls at once.
@Suite("integration: overload and the bulkhead")
struct OverloadScenarioTests {
    static func fire(_ caller: EchoCaller, calls: Int) async -> Int {
        await withTaskGroup(of: Bool.self) { group in
            for index in 0..<calls {
                group.addTask {
                    let (result, _) = await caller.timedGet("load \(index)", timeout: .seconds(60))
                    if case .success(let response) = result { return response.message.text == "load \(index)" }
                    return false
                }
            }
            var succeeded = 0
            for await ok in group where ok { succeeded += 1 }
            return succeeded
        }
    }

    @Test("64 concurrent calls through a bulkhead of 4: the server sees at most 4 at once (and 64 without it)")
    func bulkheadCapsConcurrencyAtTheServer() async throws {
        let calls = 64
        // Control: no bulkhead. Each call takes 200 ms at the server, so they overlap.
        let unprotected = try await FlakyServerProcess.start(["--quiet", "--latency-ms", "200"])
        let bare = try EchoCaller(port: unprotected.port, interceptors: [])
        #expect(await Self.fire(bare, calls: calls) == calls)
        await bare.close()
        let bareCounters = try await unprotected.stop()
        #expect(bareCounters.maxConcurrentCalls > 4, "without a bulkhead the server must see more than 4 at once: \(bareCounters)")

        let server = try await FlakyServerProcess.start(["--quiet", "--latency-ms", "20"])
        let bulkhead = Bulkhead(name: "echo", configuration: try .init(maxConcurrentCalls: 4, maxQueueLength: calls, maxWait: .seconds(60)))
        let caller = try EchoCaller(port: server.port, interceptors: [BulkheadInterceptor(bulkhead: bulkhead)])
        #expect(await Self.fire(caller, calls: calls) == calls)
        await caller.close()
        let counters = try await server.stop()
        #expect(counters.calls == calls, "\(counters)")
        #expect(counters.maxConcurrentCalls <= 4, "\(counters)")
        #expect(counters.maxConcurrentCalls >= 2, "the bulkhead should still let calls overlap: \(counters)")
        #expect(bulkhead.metrics.inUse == 0)
    }
}

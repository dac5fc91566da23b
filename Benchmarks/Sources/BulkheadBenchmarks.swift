import Resilience
import Synchronization

/// The bulkhead's fast path: an uncontended permit, taken and given back. Goal: <= 100 ns and no
/// heap allocation per acquire + release (docs/BENCHMARKS.md).
enum BulkheadBenchmarks: BenchmarkSuite {
    static let name = "bulkhead"

    @inline(never)
    static func noOperation() async throws -> Int { 42 }

    static func run() async throws -> [BenchmarkResult] {
        let fixed = Bulkhead(name: "bench", configuration: try .init(maxConcurrentCalls: 8, maxQueueLength: 8, maxWait: .zero))
        let adaptive = Bulkhead(name: "bench-aimd", configuration: try .init(limit: .aimd(initial: 8), maxWait: .zero))
        var results: [BenchmarkResult] = []
        // The floor of this design: the engine takes its lock once to acquire and once to release.
        let mutex = Mutex<Int>(0)
        results.append(Harness.measure("floor: 2 x Mutex lock/unlock (no bulkhead)") {
            mutex.withLock { $0 += 1 }
            mutex.withLock { $0 -= 1 }
        })
        results.append(Harness.measure("tryAcquire + release (fixed limit)") {
            let permit = fixed.tryAcquire()
            permit?.release()
        })
        results.append(try await Harness.measure("acquire + release (fixed limit, async)") {
            let permit = try await fixed.acquire()
            permit.release()
        })
        results.append(try await Harness.measure("run { no-op } (fixed limit)") {
            blackHole(try await fixed.run { try await noOperation() })
        })
        results.append(try await Harness.measure("acquire + release (adaptive AIMD limit)") {
            let permit = try await adaptive.acquire()
            permit.release()
        })
        return results
    }
}

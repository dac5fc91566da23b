/// The bare operation the policies wrap, for comparison.
enum BaselineBenchmarks: BenchmarkSuite {
    static let name = "baseline"

    @inline(never)
    static func noOperation() async throws -> Int { 42 }

    static func run() async throws -> [BenchmarkResult] {
        var results: [BenchmarkResult] = []
        results.append(try await Harness.measure("bare async no-op operation") { blackHole(try await noOperation()) })
        results.append(Harness.measure("one heap allocation (harness check)", iterations: 100_000) {
            blackHole(Array(repeating: UInt8(1), count: 64))
        })
        return results
    }
}

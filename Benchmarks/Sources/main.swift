// Breakwater's benchmarks: run with `make bench` (release build). Prints ns/call (median of
// several runs, with the spread) and heap allocations/call. Figures go to docs/BENCHMARKS.md.
//
//   benchmarks [suite ...]     run only the named suites

let suites: [any BenchmarkSuite.Type] = [
    BaselineBenchmarks.self,
    BulkheadBenchmarks.self,
    CircuitBreakerBenchmarks.self,
]

let wanted = Set(CommandLine.arguments.dropFirst())
print("Breakwater benchmarks (release build expected; debug figures mean nothing)")
for suite in suites where wanted.isEmpty || wanted.contains(suite.name) {
    print("== \(suite.name)")
    for result in try await suite.run() {
        print(result)
    }
}

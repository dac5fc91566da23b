// Breakwater's benchmarks: run with `make bench` (release build). Figures go to docs/BENCHMARKS.md.
//
//   benchmarks [part ...]      run only the named parts (default: all, in this order):
//     baseline, bulkhead, breaker   engines alone: ns/call and heap allocations/call
//     interceptors                  part 1: each policy as an interceptor, and the full chain
//     rpc                           part 2: unary Echo over loopback, Swift client -> Swift server
//     h2load                        part 3: the Swift server, nghttpd and grpcio under h2load
//     interop                       part 4: Swift and grpcio clients against Swift and grpcio servers
//     scale                         part 5: 10,000 streams on one connection; 1,000 idle connections
//     failfast                      part 6: an open breaker's rejection against the timeout it replaces
//
// Modes the benchmarks start as separate processes:
//   benchmarks serve-echo [--port 0] [--max-streams N]
//   benchmarks scale-client streams|idle --port P --count N

import Foundation
import Glibc

/// A part that prints its own table.
struct Part {
    var name: String
    var run: () async throws -> Void
}

/// The part that runs a suite of in-process benchmarks and prints a table: median ns/call with the
/// spread over the runs, heap allocations/call, and any note (such as the delta over the bare call).
func suitePart(_ suite: any BenchmarkSuite.Type) -> Part {
    Part(name: suite.name) {
        let results = try await suite.run()
        let notes = results.contains { !$0.note.isEmpty }
        var table = notes
            ? Table("Benchmark", "median ns/call", "spread (ns)", "allocs/call", "over the bare call")
            : Table("Benchmark", "median ns/call", "spread (ns)", "allocs/call")
        for result in results {
            var cells = [result.name, BenchmarkResult.format(result.medianNanoseconds), result.spread, BenchmarkResult.format(result.medianAllocations)]
            if notes { cells.append(result.note) }
            table.rows.append(cells)
        }
        if let first = results.first {
            print("\(first.nanosecondsPerCall.count) runs of \(first.iterations) calls each (after a warm-up); allocations counted by the interposed malloc")
        }
        table.print()
    }
}

let parts: [Part] = [
    suitePart(BaselineBenchmarks.self),
    suitePart(BulkheadBenchmarks.self),
    suitePart(CircuitBreakerBenchmarks.self),
    suitePart(InterceptorBenchmarks.self),
    Part(name: "rpc", run: RPCBenchmarks.run),
    Part(name: "h2load", run: H2LoadBenchmarks.run),
    Part(name: "interop", run: InteropBenchmarks.run),
    Part(name: "scale", run: ScaleBenchmarks.run),
    Part(name: "failfast", run: FailFastBenchmarks.run),
]

let arguments = Array(CommandLine.arguments.dropFirst())
do {
    switch arguments.first {
    case "serve-echo":
        try await ServeMode.run(Array(arguments.dropFirst()))
    case "scale-client":
        try await ScaleClientMode.run(Array(arguments.dropFirst()))
    default:
        let unknown = Set(arguments).subtracting(parts.map(\.name))
        guard unknown.isEmpty else {
            throw BenchmarkFailure("unknown part(s) \(unknown.sorted().joined(separator: ", ")); parts: \(parts.map(\.name).joined(separator: " "))")
        }
        raiseOpenFileLimit()
        signal(SIGPIPE, SIG_IGN)
        let wanted = Set(arguments)
        let started = ContinuousClock.now
        print("Breakwater benchmarks (release build expected; debug figures mean nothing)")
        print("date: \(Date()) UTC; cores: \(ProcessInfo.processInfo.activeProcessorCount); load average at start: \(loadAverage())")
        for part in parts where wanted.isEmpty || wanted.contains(part.name) {
            print("\n== \(part.name)")
            let partStart = ContinuousClock.now
            try await part.run()
            print("(\(part.name): \(partStart.duration(to: .now).formatted(.units(allowed: [.seconds], fractionalPart: .show(length: 1)))); load average now \(loadAverage()))")
        }
        print("\nall done in \(started.duration(to: .now).formatted(.units(allowed: [.seconds], fractionalPart: .show(length: 0))))")
    }
} catch {
    FileHandle.standardError.write(Data("benchmarks: \(error)\n".utf8))
    exit(1)
}

/// The 1, 5 and 15-minute load averages, from /proc/loadavg.
func loadAverage() -> String {
    guard let text = try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8) else { return "n/a" }
    return text.split(separator: " ").prefix(3).joined(separator: " ")
}

import CAllocationCounter

/// One benchmark's figures: the median over runs, and the spread (min...max) of ns/call.
struct BenchmarkResult {
    var name: String
    var iterations: Int
    var nanosecondsPerCall: [Double]
    var allocationsPerCall: [Double]
    /// Its table's last column, e.g. the delta over a baseline.
    var note: String = ""

    var medianNanoseconds: Double { Self.median(nanosecondsPerCall) }
    var medianAllocations: Double { Self.median(allocationsPerCall) }

    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        return sorted.isEmpty ? .nan : sorted[sorted.count / 2]
    }

    /// `41.2...44.0`: the fastest and the slowest run's ns/call.
    var spread: String {
        "\(Self.format(nanosecondsPerCall.min() ?? .nan))...\(Self.format(nanosecondsPerCall.max() ?? .nan))"
    }

    static func format(_ value: Double) -> String {
        guard value.isFinite else { return "n/a" }
        let rounded = (value * 10).rounded() / 10
        return String(rounded)
    }
}

/// Runs benchmarks: each body is called `iterations` times per run, `runs` times after a warm-up.
enum Harness {
    /// Measures a synchronous body.
    static func measure(_ name: String, iterations: Int = 1_000_000, runs: Int = 7, _ body: () throws -> Void) rethrows -> BenchmarkResult {
        for _ in 0..<min(iterations, 10_000) { try body() }
        var samples = Samples(name: name, iterations: iterations)
        for _ in 0..<runs {
            let run = samples.begin()
            for _ in 0..<iterations { try body() }
            samples.end(run)
        }
        return samples.result
    }

    /// Measures an async body.
    static func measure(_ name: String, iterations: Int = 1_000_000, runs: Int = 7, _ body: () async throws -> Void) async rethrows -> BenchmarkResult {
        for _ in 0..<min(iterations, 10_000) { try await body() }
        var samples = Samples(name: name, iterations: iterations)
        for _ in 0..<runs {
            let run = samples.begin()
            for _ in 0..<iterations { try await body() }
            samples.end(run)
        }
        return samples.result
    }

    /// The figures of each run: time and allocations read around the timed loop only.
    private struct Samples {
        let name: String
        let iterations: Int
        var nanos: [Double] = []
        var allocations: [Double] = []

        init(name: String, iterations: Int) {
            self.name = name
            self.iterations = iterations
        }

        func begin() -> (allocations: Int64, start: ContinuousClock.Instant) {
            let allocations = Int64(breakwater_allocation_count())
            return (allocations, ContinuousClock.now)
        }

        mutating func end(_ run: (allocations: Int64, start: ContinuousClock.Instant)) {
            let elapsed = run.start.duration(to: ContinuousClock.now)
            let allocationsAfter = Int64(breakwater_allocation_count())
            nanos.append(Harness.nanoseconds(elapsed) / Double(iterations))
            allocations.append(Double(allocationsAfter - run.allocations) / Double(iterations))
        }

        var result: BenchmarkResult {
            BenchmarkResult(name: name, iterations: iterations, nanosecondsPerCall: nanos, allocationsPerCall: allocations)
        }
    }

    static func nanoseconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) * 1e9 + Double(duration.components.attoseconds) / 1e9
    }
}

/// A group of benchmarks, listed in main.swift.
protocol BenchmarkSuite {
    static var name: String { get }
    static func run() async throws -> [BenchmarkResult]
}

/// A benchmark that saw a wrong answer: the run stops rather than report a figure for it.
struct BenchmarkFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Keeps the optimizer from deleting a computed value.
@inline(never)
func blackHole<T>(_ value: T) {
    withExtendedLifetime(value) {}
}

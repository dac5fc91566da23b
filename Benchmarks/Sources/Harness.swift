import CAllocationCounter

/// One benchmark's figures: the median over runs, and the spread (min...max) of ns/call.
struct BenchmarkResult: CustomStringConvertible {
    var name: String
    var iterations: Int
    var nanosecondsPerCall: [Double]
    var allocationsPerCall: [Double]

    var medianNanoseconds: Double { Self.median(nanosecondsPerCall) }
    var medianAllocations: Double { Self.median(allocationsPerCall) }

    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        return sorted.isEmpty ? .nan : sorted[sorted.count / 2]
    }

    var description: String {
        let spread = "\(Self.format(nanosecondsPerCall.min() ?? .nan))...\(Self.format(nanosecondsPerCall.max() ?? .nan))"
        return "\(name.rightPad(48)) \(Self.format(medianNanoseconds).leftPad(9)) ns/call  "
            + "(\(spread) ns, \(nanosecondsPerCall.count) runs x \(iterations))  \(Self.format(medianAllocations).leftPad(6)) allocs/call"
    }

    static func format(_ value: Double) -> String {
        guard value.isFinite else { return "n/a" }
        let rounded = (value * 10).rounded() / 10
        return String(rounded)
    }
}

extension String {
    func leftPad(_ width: Int) -> String { String(repeating: " ", count: max(0, width - count)) + self }
    func rightPad(_ width: Int) -> String { self + String(repeating: " ", count: max(0, width - count)) }
}

/// Runs benchmarks: each body is called `iterations` times per run, `runs` times after a warm-up.
enum Harness {
    /// Measures a synchronous body.
    static func measure(_ name: String, iterations: Int = 1_000_000, runs: Int = 7, _ body: () throws -> Void) rethrows -> BenchmarkResult {
        for _ in 0..<min(iterations, 10_000) { try body() }
        var nanos: [Double] = []
        var allocations: [Double] = []
        let clock = ContinuousClock()
        for _ in 0..<runs {
            let allocationsBefore = breakwater_allocation_count()
            let start = clock.now
            for _ in 0..<iterations { try body() }
            let elapsed = start.duration(to: clock.now)
            let allocationsAfter = breakwater_allocation_count()
            nanos.append(Self.nanoseconds(elapsed) / Double(iterations))
            allocations.append(Double(allocationsAfter - allocationsBefore) / Double(iterations))
        }
        return BenchmarkResult(name: name, iterations: iterations, nanosecondsPerCall: nanos, allocationsPerCall: allocations)
    }

    /// Measures an async body.
    static func measure(_ name: String, iterations: Int = 1_000_000, runs: Int = 7, _ body: () async throws -> Void) async rethrows -> BenchmarkResult {
        for _ in 0..<min(iterations, 10_000) { try await body() }
        var nanos: [Double] = []
        var allocations: [Double] = []
        let clock = ContinuousClock()
        for _ in 0..<runs {
            let allocationsBefore = breakwater_allocation_count()
            let start = clock.now
            for _ in 0..<iterations { try await body() }
            let elapsed = start.duration(to: clock.now)
            let allocationsAfter = breakwater_allocation_count()
            nanos.append(Self.nanoseconds(elapsed) / Double(iterations))
            allocations.append(Double(allocationsAfter - allocationsBefore) / Double(iterations))
        }
        return BenchmarkResult(name: name, iterations: iterations, nanosecondsPerCall: nanos, allocationsPerCall: allocations)
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

/// Keeps the optimizer from deleting a computed value.
@inline(never)
func blackHole<T>(_ value: T) {
    withExtendedLifetime(value) {}
}

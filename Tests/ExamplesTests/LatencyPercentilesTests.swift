import ExampleServices
import Testing

@Suite("LatencyPercentiles")
struct LatencyPercentilesTests {
    static func ms(_ values: [Int]) -> LatencyPercentiles {
        LatencyPercentiles(values.map { Duration.milliseconds($0) })
    }

    @Test("nothing recorded: no percentile, printed as a dash")
    func empty() {
        let latencies = LatencyPercentiles()
        #expect(latencies.isEmpty)
        #expect(latencies.percentile(50) == nil)
        #expect(latencies.percentiles([50, 99]) == [nil, nil])
        #expect(LatencyPercentiles.format(latencies.percentile(99)) == "-")
    }

    @Test("nearest rank over 1...100 ms: p50 is 50 ms, p99 is 99 ms, p100 the slowest, p0 the fastest")
    func nearestRankOfAHundred() {
        // Recorded out of order: the percentile must not depend on the order of recording.
        let latencies = Self.ms(Array((1...100).reversed()))
        #expect(latencies.count == 100)
        #expect(latencies.percentile(50) == .milliseconds(50))
        #expect(latencies.percentile(99) == .milliseconds(99))
        #expect(latencies.percentile(99.5) == .milliseconds(100))
        #expect(latencies.percentile(100) == .milliseconds(100))
        #expect(latencies.percentile(0) == .milliseconds(1))
        #expect(latencies.percentile(1) == .milliseconds(1))
        #expect(latencies.percentiles([50, 99, 25]) == [.milliseconds(50), .milliseconds(99), .milliseconds(25)])
    }

    @Test("few calls: p99 is the slowest call, p50 the rank rounded up")
    func fewCalls() {
        let latencies = Self.ms([30, 10, 20])
        #expect(latencies.percentile(50) == .milliseconds(20))   // ceil(1.5) = 2nd
        #expect(latencies.percentile(99) == .milliseconds(30))
        #expect(latencies.percentile(33) == .milliseconds(10))   // ceil(0.99) = 1st
        #expect(latencies.percentile(34) == .milliseconds(20))   // ceil(1.02) = 2nd
        let one = Self.ms([7])
        #expect(one.percentile(0) == .milliseconds(7))
        #expect(one.percentile(99) == .milliseconds(7))
    }

    @Test("a tail shows in p99 but not in p50")
    func tail() {
        var latencies = Self.ms(Array(repeating: 2, count: 95))
        for _ in 0..<5 { latencies.record(.milliseconds(400)) }
        #expect(latencies.percentile(50) == .milliseconds(2))
        #expect(latencies.percentile(95) == .milliseconds(2))
        #expect(latencies.percentile(96) == .milliseconds(400))
        #expect(latencies.percentile(99) == .milliseconds(400))
    }

    @Test("out-of-range and NaN percentiles: clamped, or nil for NaN")
    func badPercentiles() {
        let latencies = Self.ms([1, 2, 3])
        #expect(latencies.percentile(-5) == .milliseconds(1))
        #expect(latencies.percentile(250) == .milliseconds(3))
        #expect(latencies.percentile(.nan) == nil)
        #expect(latencies.percentile(.infinity) == .milliseconds(3))
    }

    @Test("merging a second's latencies into the run's gives the percentiles of all of them")
    func merge() {
        var run = Self.ms([1, 2, 3, 4])
        run.merge(Self.ms([5, 6, 7, 8, 9, 10]))
        #expect(run.count == 10)
        #expect(run.percentile(50) == .milliseconds(5))
        #expect(run.percentile(90) == .milliseconds(9))
        #expect(run.percentile(99) == .milliseconds(10))
    }

    @Test("printed with one decimal below 100 ms, whole milliseconds from there")
    func format() {
        #expect(LatencyPercentiles.format(.microseconds(1_840)) == "1.8 ms")
        #expect(LatencyPercentiles.format(.microseconds(12_449)) == "12.4 ms")
        #expect(LatencyPercentiles.format(.microseconds(250)) == "0.3 ms")
        #expect(LatencyPercentiles.format(.zero) == "0.0 ms")
        #expect(LatencyPercentiles.format(.microseconds(99_940)) == "99.9 ms")
        #expect(LatencyPercentiles.format(.microseconds(99_960)) == "100 ms")
        #expect(LatencyPercentiles.format(.microseconds(212_400)) == "212 ms")
        #expect(LatencyPercentiles.format(.seconds(2)) == "2000 ms")
    }
}

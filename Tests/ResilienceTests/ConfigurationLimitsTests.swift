import RPCCore
import Resilience
import ResilienceTestKit
import Testing

/// Values that used to be accepted and then crashed (allocation, Duration/Int conversions) are
/// now rejected up front with a ConfigurationError naming the field.
@Suite struct ConfigurationLimitsTests {
    static func problemFields(_ body: () throws -> Void) -> [String] {
        do {
            try body()
            return []
        } catch let error as ConfigurationError {
            return error.problems.map(\.field)
        } catch {
            return ["unexpected \(error)"]
        }
    }

    @Test func hugeBreakerWindowsAndDurationsAreRejected() {
        #expect(Self.problemFields { _ = try CircuitBreaker.Configuration(windowSize: .max, minimumCalls: 1) } == ["windowSize"])
        #expect(Self.problemFields {
            _ = try CircuitBreaker.Configuration(slidingWindow: .time(.seconds(1_000_000_000), buckets: 1_000_000_000))
        } == ["slidingWindow"])
        #expect(Self.problemFields { _ = try CircuitBreaker.Configuration(openDuration: .seconds(10_000_000_000_000_000)) } == ["openDuration"])
        #expect(Self.problemFields { _ = try CircuitBreaker.Configuration(openDuration: .seconds(Int64.max)) } == ["openDuration"])
        #expect(Self.problemFields {
            _ = try CircuitBreaker.Configuration(openDuration: .seconds(1), maxOpenDuration: .seconds(Int64.max))
        } == ["maxOpenDuration"])
        #expect(Self.problemFields { _ = try CircuitBreaker.Configuration(slowCallDuration: .seconds(Int64.max)) } == ["slowCallDuration"])
        // The largest accepted values work.
        #expect(Self.problemFields {
            _ = try CircuitBreaker.Configuration(windowSize: 1_000_000, minimumCalls: 1, openDuration: .seconds(365 * 24 * 3600))
        } == [])
    }

    @Test func hugeBulkheadLimitsAndWaitsAreRejected() {
        #expect(Self.problemFields { _ = try Bulkhead.Configuration(limit: .aimd(initial: .max, maximum: .max)) } == ["limit.maximum"])
        #expect(Self.problemFields { _ = try Bulkhead.Configuration(limit: .gradient(initial: .max, maximum: .max)) } == ["limit.maximum"])
        #expect(Self.problemFields { _ = try Bulkhead.Configuration(maxConcurrentCalls: 4, maxWait: .seconds(Int64.max)) } == ["maxWait"])
    }

    @Test func aRandomSourceReturningNaNDoesNotCrashTheTrip() throws {
        let clock = ManualClock()
        let breaker = CircuitBreaker(
            name: "nan",
            configuration: try .init(windowSize: 2, minimumCalls: 2, openDuration: .seconds(4), openDurationJitter: 0.5),
            clock: clock,
            random: { .nan }
        )
        for _ in 0..<2 {
            let permit = try breaker.acquirePermission()
            _ = permit.record(.failure)
        }
        #expect(breaker.state == .open)
        // NaN counts as no jitter: the full open duration.
        #expect(breaker.metrics.nextProbeIn == .seconds(4))
    }
}

import Resilience
import Testing

@Suite struct CircuitBreakerConfigurationTests {
    @Test func defaults() throws {
        let configuration = try CircuitBreaker.Configuration()
        #expect(configuration == .default)
        #expect(configuration.windowSize == 100)
        #expect(configuration.minimumCalls == 20)
        #expect(configuration.failureRateThreshold == 0.5)
        #expect(configuration.openDuration == .seconds(5))
        #expect(configuration.permittedCallsInHalfOpen == 3)
        #expect(configuration.slidingWindow == .count(100))
        #expect(configuration.slowCallDuration == nil)
        #expect(configuration.slowCallRateThreshold == 1.0)
        #expect(configuration.consecutiveFailureThreshold == nil)
        #expect(configuration.openDurationMultiplier == 1)
        #expect(configuration.maxOpenDuration == nil)
        #expect(configuration.openDurationJitter == 0)
    }

    @Test func windowSizeIsShorthandForACountWindow() throws {
        let short = try CircuitBreaker.Configuration(windowSize: 50, minimumCalls: 10)
        let long = try CircuitBreaker.Configuration(slidingWindow: .count(50), minimumCalls: 10)
        #expect(short == long)
        #expect(short.windowSize == 50)
        let timed = try CircuitBreaker.Configuration(slidingWindow: .time(.seconds(60), buckets: 10), minimumCalls: 500)
        #expect(timed.windowSize == nil)   // minimumCalls is not bounded by a time window
    }

    @Test func reportsEveryInvalidNewFieldAtOnce() {
        do {
            _ = try CircuitBreaker.Configuration(
                slidingWindow: .time(.zero, buckets: 0), minimumCalls: 0, slowCallDuration: .zero,
                slowCallRateThreshold: 0, consecutiveFailureThreshold: 0, openDuration: .seconds(10),
                openDurationMultiplier: 0.5, maxOpenDuration: .seconds(9), openDurationJitter: 1
            )
            Issue.record("an invalid configuration was accepted")
        } catch {
            #expect(error.fields == [
                "slidingWindow", "minimumCalls", "slowCallDuration", "slowCallRateThreshold",
                "consecutiveFailureThreshold", "openDurationMultiplier", "maxOpenDuration", "openDurationJitter",
            ])
            let text = error.description
            #expect(text.hasPrefix("invalid CircuitBreaker.Configuration (8 problems): slidingWindow is .time(0.0 seconds, buckets: 0) but must be a positive length of at most 365 days with 1...100000 buckets, each at least 1 ns; "))
            #expect(text.contains("minimumCalls is 0 but must be at least 1; "))
            #expect(text.contains("consecutiveFailureThreshold is 0 but must be at least 1, or nil to turn the rule off; "))
            #expect(text.contains("openDurationMultiplier is 0.5 but must be at least 1 (1: no growth); "))
            #expect(text.contains("maxOpenDuration is 9.0 seconds but must be at least openDuration (10.0 seconds) and at most 365 days, or nil for no cap; "))
            #expect(text.hasSuffix("openDurationJitter is 1.0 but must be in 0 <= x < 1. Fix these values."))
        }
    }

    @Test func aCountWindowOfZeroIsNamedAsTheSlidingWindow() {
        do {
            _ = try CircuitBreaker.Configuration(slidingWindow: .count(0), minimumCalls: 1)
            Issue.record("an invalid configuration was accepted")
        } catch {
            #expect(error.fields == ["slidingWindow"])
            #expect(error.description == "invalid CircuitBreaker.Configuration (1 problem): slidingWindow is .count(0) but must be a count in 1...1000000. Fix this value.")
        }
        do {
            _ = try CircuitBreaker.Configuration(slidingWindow: .count(5), minimumCalls: 6)
            Issue.record("an invalid configuration was accepted")
        } catch {
            #expect(error.description == "invalid CircuitBreaker.Configuration (1 problem): minimumCalls is 6 but must be in 1...the window size (5), or the breaker could never trip. Fix this value.")
        }
    }

    @Test func aTimeWindowNeedsBucketsOfAtLeastANanosecond() {
        #expect(throws: ConfigurationError.self) {
            try CircuitBreaker.Configuration(slidingWindow: .time(.nanoseconds(9), buckets: 10))
        }
        #expect(throws: Never.self) {
            try CircuitBreaker.Configuration(slidingWindow: .time(.nanoseconds(10), buckets: 10))
        }
    }

    @Test func describesOnlyTheOptionalRulesInUse() throws {
        #expect(CircuitBreaker.Configuration.default.description == "CircuitBreaker.Configuration(slidingWindow: .count(100), minimumCalls: 20, failureRateThreshold: 0.5, openDuration: 5.0 seconds, permittedCallsInHalfOpen: 3)")
        let configuration = try CircuitBreaker.Configuration(
            slidingWindow: .time(.seconds(60), buckets: 6), slowCallDuration: .seconds(60), consecutiveFailureThreshold: 4,
            openDurationMultiplier: 2, maxOpenDuration: .seconds(60), openDurationJitter: 0.1
        )
        #expect(configuration.description == "CircuitBreaker.Configuration(slidingWindow: .time(60.0 seconds, buckets: 6), minimumCalls: 20, failureRateThreshold: 0.5, slowCallDuration: 60.0 seconds, slowCallRateThreshold: 1.0, consecutiveFailureThreshold: 4, openDuration: 5.0 seconds, openDurationMultiplier: 2.0, maxOpenDuration: 60.0 seconds, openDurationJitter: 0.1, permittedCallsInHalfOpen: 3)")
    }

    @Test func reportsEveryInvalidFieldAtOnce() {
        do {
            _ = try CircuitBreaker.Configuration(
                windowSize: 0, minimumCalls: 0, failureRateThreshold: 1.5,
                openDuration: .seconds(-1), permittedCallsInHalfOpen: 0
            )
            Issue.record("an invalid configuration was accepted")
        } catch {
            #expect(error.configuration == "CircuitBreaker.Configuration")
            #expect(error.fields == ["windowSize", "minimumCalls", "failureRateThreshold", "openDuration", "permittedCallsInHalfOpen"])
            let text = error.description
            #expect(text.contains("windowSize is 0 but must be in 1...1000000"))
            #expect(text.contains("failureRateThreshold is 1.5 but must be in 0 < x <= 1"))
            #expect(text.contains("openDuration is -1.0 seconds but must be positive"))
            #expect(text.hasPrefix("invalid CircuitBreaker.Configuration (5 problems): windowSize is 0 but must be in 1...1000000; "))
            #expect(text.hasSuffix("permittedCallsInHalfOpen is 0 but must be at least 1. Fix these values."))
        }
    }

    @Test func minimumCallsAboveTheWindowCouldNeverTrip() {
        #expect(throws: ConfigurationError.self) {
            try CircuitBreaker.Configuration(windowSize: 10, minimumCalls: 11)
        }
        do {
            _ = try CircuitBreaker.Configuration(windowSize: 10, minimumCalls: 11)
        } catch {
            #expect(error.fields == ["minimumCalls"])
            #expect(error.description.contains("minimumCalls is 11 but must be in 1...windowSize (10)"))
        }
    }

    @Test(arguments: [0.0, -0.1, 1.01, Double.nan, Double.infinity])
    func rejectsThresholdsOutsideZeroToOne(threshold: Double) {
        #expect(throws: ConfigurationError.self) {
            try CircuitBreaker.Configuration(failureRateThreshold: threshold)
        }
    }

    @Test func acceptsTheBoundaries() throws {
        let configuration = try CircuitBreaker.Configuration(
            windowSize: 1, minimumCalls: 1, failureRateThreshold: 1, openDuration: .nanoseconds(1), permittedCallsInHalfOpen: 1
        )
        #expect(configuration.windowSize == 1)
    }
}

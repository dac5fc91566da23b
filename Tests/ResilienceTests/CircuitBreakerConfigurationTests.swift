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
            #expect(text.contains("windowSize is 0 but must be at least 1"))
            #expect(text.contains("failureRateThreshold is 1.5 but must be in 0 < x <= 1"))
            #expect(text.contains("openDuration is -1.0 seconds but must be positive"))
            #expect(text.hasPrefix("invalid CircuitBreaker.Configuration (5 problems): windowSize is 0 but must be at least 1; "))
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

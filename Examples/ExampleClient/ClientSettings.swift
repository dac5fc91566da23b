import ExampleServices
import Resilience

/// The example client's flags, validated.
struct ClientSettings: Sendable {
    static let flagNames: Set<String> = [
        "host", "port", "duration-s", "interval-ms", "timeout-ms", "window", "min-calls",
        "failure-rate", "open-s", "probes", "seed", "cache-max-age-s",
    ]

    var host: String
    var port: Int
    var duration: Duration
    var interval: Duration
    var timeout: Duration
    var breaker: CircuitBreaker.Configuration
    var seed: UInt64
    var cacheMaxAge: Duration

    init(flags: CommandLineFlags) throws {
        host = flags.string("host", default: "127.0.0.1")
        port = try flags.int("port", default: 50051)
        let durationSeconds = try flags.double("duration-s", default: 20)
        let intervalMs = try flags.int("interval-ms", default: 200)
        let timeoutMs = try flags.int("timeout-ms", default: 500)
        let cacheSeconds = try flags.double("cache-max-age-s", default: 5)
        var problems: [String] = []
        if !(1...65535).contains(port) { problems.append("--port must be within 1...65535, got \(port)") }
        if durationSeconds <= 0 { problems.append("--duration-s must be > 0, got \(durationSeconds)") }
        if intervalMs < 1 { problems.append("--interval-ms must be >= 1, got \(intervalMs)") }
        if timeoutMs < 1 { problems.append("--timeout-ms must be >= 1, got \(timeoutMs)") }
        if cacheSeconds <= 0 { problems.append("--cache-max-age-s must be > 0, got \(cacheSeconds)") }
        if !problems.isEmpty { throw CommandLineFlags.Error(description: problems.joined(separator: "\n")) }
        duration = .milliseconds(Int64(durationSeconds * 1000))
        interval = .milliseconds(intervalMs)
        timeout = .milliseconds(timeoutMs)
        cacheMaxAge = .milliseconds(Int64(cacheSeconds * 1000))
        breaker = try CircuitBreaker.Configuration(
            windowSize: try flags.int("window", default: 10),
            minimumCalls: try flags.int("min-calls", default: 5),
            failureRateThreshold: try flags.double("failure-rate", default: 0.5),
            openDuration: .milliseconds(Int64(try flags.double("open-s", default: 2) * 1000)),
            permittedCallsInHalfOpen: try flags.int("probes", default: 2)
        )
        seed = UInt64(truncatingIfNeeded: try flags.int("seed", default: 1))
    }
}

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
        duration = try flags.seconds("duration-s", default: 20, in: 0.001...86_400)
        let intervalMs = try flags.int("interval-ms", default: 200)
        let timeoutMs = try flags.int("timeout-ms", default: 500)
        cacheMaxAge = try flags.seconds("cache-max-age-s", default: 5, in: 0.001...86_400)
        var problems: [String] = []
        if !(1...65535).contains(port) { problems.append("--port must be within 1...65535, got \(port)") }
        if !(1...3_600_000).contains(intervalMs) { problems.append("--interval-ms must be within 1...3600000, got \(intervalMs)") }
        if !(1...3_600_000).contains(timeoutMs) { problems.append("--timeout-ms must be within 1...3600000, got \(timeoutMs)") }
        if !problems.isEmpty { throw CommandLineFlags.Error(description: problems.joined(separator: "\n")) }
        interval = .milliseconds(intervalMs)
        timeout = .milliseconds(timeoutMs)
        breaker = try CircuitBreaker.Configuration(
            windowSize: try flags.int("window", default: 10),
            minimumCalls: try flags.int("min-calls", default: 5),
            failureRateThreshold: try flags.double("failure-rate", default: 0.5),
            openDuration: try flags.seconds("open-s", default: 2, in: 0.001...86_400),
            permittedCallsInHalfOpen: try flags.int("probes", default: 2)
        )
        seed = UInt64(truncatingIfNeeded: try flags.int("seed", default: 1))
    }
}

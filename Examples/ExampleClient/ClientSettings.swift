import ExampleServices
import Resilience

/// The example client's flags, validated: every bad flag is reported at once.
struct ClientSettings: Sendable {
    static let flagNames: Set<String> = [
        "host", "port", "duration-s", "concurrency", "interval-ms", "timeout-ms", "attempt-timeout-ms",
        "max-attempts", "window", "min-calls", "failure-rate", "open-s", "probes", "seed", "cache-max-age-s",
    ]
    static let switchNames: Set<String> = ["help", "verbose"]

    /// The flags of the library configurations, by their field names, to name the flag in errors.
    private static let flagForField = [
        "windowSize": "--window", "minimumCalls": "--min-calls", "failureRateThreshold": "--failure-rate",
        "openDuration": "--open-s", "permittedCallsInHalfOpen": "--probes",
        "maxAttempts": "--max-attempts", "perAttemptTimeout": "--attempt-timeout-ms",
    ]

    var host: String = "127.0.0.1"
    var port: Int = 50051
    var duration: Duration = .seconds(20)
    /// Callers running at once, each making one call per `interval`.
    var concurrency: Int = 4
    var interval: Duration = .milliseconds(100)
    /// The overall timeout of a call, retries included.
    var timeout: Duration = .seconds(1)
    /// The retry policy (its per-attempt timeout bounds each attempt until response headers).
    var retry: RetryPolicy = .default
    var breaker: CircuitBreaker.Configuration = .default
    var seed: UInt64 = 1
    var cacheMaxAge: Duration = .seconds(5)
    /// Print a line per call, not only the per-second lines.
    var verbose = false

    /// Reads and validates the flags; throws naming every bad one (unknown and repeated flags
    /// first), each message starting with its flag.
    init(flags: CommandLineFlags) throws {
        var problems: [String] = []
        // Reads one flag; a malformed value is noted and the default kept, so every bad flag is reported.
        func read<T>(_ value: () throws -> T, else fallback: T) -> T {
            do { return try value() } catch { problems.append("\(error)"); return fallback }
        }

        host = read({ try flags.host(default: "127.0.0.1") }, else: "127.0.0.1")
        port = read({ try flags.int("port", default: 50051, in: 1...65535) }, else: 50051)
        duration = read({ try flags.seconds("duration-s", default: 20, in: 0.001...86_400) }, else: .seconds(20))
        concurrency = read({ try flags.int("concurrency", default: 4, in: 1...64) }, else: 4)
        let intervalMs = read({ try flags.int("interval-ms", default: 100, in: 1...3_600_000) }, else: 100)
        interval = .milliseconds(intervalMs)
        let timeoutMs = read({ try flags.int("timeout-ms", default: 1000, in: 1...3_600_000) }, else: 1000)
        timeout = .milliseconds(timeoutMs)
        // 0: no per-attempt timeout.
        let attemptTimeoutMs = read({ try flags.int("attempt-timeout-ms", default: 250, in: 0...3_600_000) }, else: 250)
        let maxAttempts = read({ try flags.int("max-attempts", default: 3) }, else: 3)
        cacheMaxAge = read({ try flags.seconds("cache-max-age-s", default: 5, in: 0.001...86_400) }, else: .seconds(5))
        seed = read({ try flags.seed(default: 1) }, else: 1)
        verbose = flags.has("verbose")

        let windowSize = read({ try flags.int("window", default: 20) }, else: 20)
        let minimumCalls = read({ try flags.int("min-calls", default: 10) }, else: 10)
        let failureRate = read({ try flags.double("failure-rate", default: 0.5) }, else: 0.5)
        let openDuration = read({ try flags.seconds("open-s", default: 2, in: 0.001...86_400) }, else: .seconds(2))
        let probes = read({ try flags.int("probes", default: 2) }, else: 2)
        do {
            breaker = try CircuitBreaker.Configuration(
                windowSize: windowSize, minimumCalls: minimumCalls, failureRateThreshold: failureRate,
                openDuration: openDuration, permittedCallsInHalfOpen: probes
            )
        } catch {
            problems += Self.flagProblems(error)
        }
        do {
            retry = try RetryPolicy(
                maxAttempts: maxAttempts,
                perAttemptTimeout: attemptTimeoutMs > 0 ? .milliseconds(attemptTimeoutMs) : nil
            )
        } catch {
            problems += Self.flagProblems(error)
        }
        // The parse problems (unknown, repeated flags) first, then the values'.
        try flags.finish(problems)
    }

    /// A library configuration's problems in the flags' style, each naming the flag that set the
    /// field first (`--max-attempts must be in 2...5 (...), got 9`), fields in the requirement
    /// named by their flags too.
    static func flagProblems(_ error: ConfigurationError) -> [String] {
        error.problems.map { problem in
            var requirement = problem.requirement
            for (field, flag) in flagForField { requirement = requirement.replacing(field, with: flag) }
            let subject = flagForField[problem.field] ?? "\(error.configuration).\(problem.field)"
            return "\(subject) must be \(requirement), got \(problem.value)"
        }
    }

    /// The chain, outermost first, for the start-up line.
    var chainDescription: String {
        let perAttempt = retry.perAttemptTimeout.map { ", \($0.readable) per attempt" } ?? ""
        return "fallback (cache up to \(cacheMaxAge.readable) old, else default) -> timeout \(timeout.readable) "
            + "-> retry (\(retry.maxAttempts) attempts\(perAttempt)) "
            + "-> breaker (window \(breaker.windowDescription), trips at \(Int(breaker.failureRateThreshold * 100))% failed after "
            + "\(breaker.minimumCalls) calls, open \(breaker.openDuration.readable), \(breaker.permittedCallsInHalfOpen) probes)"
    }
}

extension CircuitBreaker.Configuration {
    /// `20 calls` for a count-based window, `10 s` for a time-based one.
    var windowDescription: String {
        switch slidingWindow {
        case .count(let calls): "\(calls) calls"
        case .time(let length, _): length.readable
        }
    }
}

extension Duration {
    /// `250 ms`, `1.5 s`: for the client's lines.
    var readable: String {
        let milliseconds = Double(components.seconds) * 1000 + Double(components.attoseconds) / 1e15
        if milliseconds < 1000 { return "\(Int(milliseconds.rounded())) ms" }
        let tenths = Int((milliseconds / 100).rounded())
        return tenths % 10 == 0 ? "\(tenths / 10) s" : "\(tenths / 10).\(tenths % 10) s"
    }
}

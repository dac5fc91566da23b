import RPCCore

/// How a ``RetryInterceptor`` hedges calls, as gRFC A6's `hedgingPolicy`: it sends up to
/// ``maxAttempts`` copies of a call, ``hedgingDelay`` apart, takes the first response that is
/// not a non-fatal failure and cancels the others at once. Validated when made: an invalid
/// policy throws a ``ConfigurationError`` listing every bad field.
///
/// Hedge only idempotent methods: every copy may reach the server.
///
/// ```swift
/// // A second copy if the first has not answered within 30 ms, a third 30 ms later:
/// let hedging = try HedgingPolicy(maxAttempts: 3, hedgingDelay: .milliseconds(30))
/// let interceptor = RetryInterceptor(hedging: hedging)
/// ```
public struct HedgingPolicy: Sendable, Hashable, CustomStringConvertible {
    /// The most copies sent, the first included. Default 2. Must be 2...5 (A6's cap).
    public let maxAttempts: Int
    /// The wait before each further copy while no copy has answered. Default 50 ms: about a
    /// slow-but-healthy call's latency, so copies go out only for the tail. Must be >= 0.
    public let hedgingDelay: Duration
    /// Failures after which the other copies keep going (and the next copy is sent at once).
    /// Any other status ends the call. Default UNAVAILABLE. Must not hold OK.
    public let nonFatalStatusCodes: Set<Status.Code>
    /// The most request bytes kept to replay the request on later copies. Default 64 KiB; a
    /// larger request is not hedged further. Must be at least 0.
    public let replayBufferLimit: Int

    /// Creates a validated policy.
    public init(
        maxAttempts: Int = 2,
        hedgingDelay: Duration = .milliseconds(50),
        nonFatalStatusCodes: Set<Status.Code> = [.unavailable],
        replayBufferLimit: Int = 64 * 1024
    ) throws(ConfigurationError) {
        var validator = ConfigurationValidator("HedgingPolicy")
        validator.check((2...5).contains(maxAttempts), "maxAttempts", maxAttempts, "in 2...5 (it counts the first copy; gRFC A6 caps it at 5)")
        validator.check(hedgingDelay >= .zero, "hedgingDelay", hedgingDelay, "at least zero")
        validator.check(!nonFatalStatusCodes.contains(.ok), "nonFatalStatusCodes", nonFatalStatusCodes.map(\.description).sorted(), "without OK")
        validator.check(replayBufferLimit >= 0, "replayBufferLimit", replayBufferLimit, "at least 0")
        try validator.finish()
        self.maxAttempts = maxAttempts
        self.hedgingDelay = hedgingDelay
        self.nonFatalStatusCodes = nonFatalStatusCodes
        self.replayBufferLimit = replayBufferLimit
    }

    public var description: String {
        "HedgingPolicy(maxAttempts: \(maxAttempts), hedgingDelay: \(hedgingDelay), "
            + "nonFatalStatusCodes: \(nonFatalStatusCodes.map(\.description).sorted()), replayBufferLimit: \(replayBufferLimit))"
    }
}

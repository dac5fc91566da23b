import RPCCore

/// How a ``RetryInterceptor`` retries failed calls, as gRFC A6's `retryPolicy`. Validated when
/// made: an invalid policy throws a ``ConfigurationError`` listing every bad field.
///
/// The backoff before retry *n* (1 for the first retry) is drawn with full jitter from
/// `0 ..< min(initialBackoff * backoffMultiplier^(n-1), maxBackoff)`.
///
/// ```swift
/// // Up to 4 attempts in all, UNAVAILABLE only, 100 ms then 200 ms then 400 ms at most:
/// let policy = try RetryPolicy(maxAttempts: 4, initialBackoff: .milliseconds(100), backoffMultiplier: 2)
/// let retry = RetryInterceptor(policy: policy)
/// ```
public struct RetryPolicy: Sendable, Hashable, CustomStringConvertible {
    /// The most attempts a call makes, the first included. Default 3 (one call, two retries).
    /// Must be 2...5: gRFC A6 caps it at 5 so that retries cannot multiply load without bound.
    public let maxAttempts: Int
    /// The upper bound of the first retry's backoff. Default 100 ms: long enough for a refused
    /// or restarting backend to recover a little, short against a typical deadline. Must be > 0.
    public let initialBackoff: Duration
    /// The largest upper bound of any backoff. Default 1 s. Must be >= ``initialBackoff``.
    public let maxBackoff: Duration
    /// How much each backoff bound grows. Default 2 (doubling). Must be > 0 and finite.
    public let backoffMultiplier: Double
    /// The statuses that are retried. Default UNAVAILABLE only: the status a server sends when it
    /// did not act on the call. Must not be empty or hold OK.
    public let retryableStatusCodes: Set<Status.Code>
    /// The most request bytes kept to replay the request on later attempts. Default 64 KiB. A
    /// request larger than this commits the call to its first attempt: it is not retried. Must be
    /// at least 0.
    public let replayBufferLimit: Int
    /// How long each attempt may wait for its response headers: the attempt's deadline is the
    /// earlier of this (from when the attempt starts) and the call's deadline, and it covers the
    /// attempt only until the call commits. Once headers arrive (or the attempt fails) the
    /// timeout no longer applies: an established stream runs on, bounded by the call's deadline
    /// alone. An attempt still without headers at its deadline is cancelled (its stream reset)
    /// and fails with DEADLINE_EXCEEDED, which is retried while the call has time left. The call's
    /// deadline is what `grpc-timeout` carries; this timeout is enforced by the
    /// ``RetryInterceptor`` on its clock. Default `nil`: attempts have only the call's deadline.
    /// Must be > 0 when set.
    public let perAttemptTimeout: Duration?

    /// Creates a validated policy.
    public init(
        maxAttempts: Int = 3,
        initialBackoff: Duration = .milliseconds(100),
        maxBackoff: Duration = .seconds(1),
        backoffMultiplier: Double = 2,
        retryableStatusCodes: Set<Status.Code> = [.unavailable],
        replayBufferLimit: Int = 64 * 1024,
        perAttemptTimeout: Duration? = nil
    ) throws(ConfigurationError) {
        var validator = ConfigurationValidator("RetryPolicy")
        validator.check((2...5).contains(maxAttempts), "maxAttempts", maxAttempts, "in 2...5 (it counts the first call; gRFC A6 caps it at 5)")
        validator.check(initialBackoff > .zero, "initialBackoff", initialBackoff, "greater than zero")
        validator.check(maxBackoff > .zero && maxBackoff >= initialBackoff, "maxBackoff", maxBackoff, "greater than zero and at least initialBackoff (\(initialBackoff))")
        validator.check(backoffMultiplier > 0 && backoffMultiplier.isFinite, "backoffMultiplier", backoffMultiplier, "greater than 0 and finite")
        validator.check(
            !retryableStatusCodes.isEmpty && !retryableStatusCodes.contains(.ok), "retryableStatusCodes",
            retryableStatusCodes.map(\.description).sorted(), "non-empty and without OK"
        )
        validator.check(replayBufferLimit >= 0, "replayBufferLimit", replayBufferLimit, "at least 0")
        if let perAttemptTimeout {
            validator.check(perAttemptTimeout > .zero, "perAttemptTimeout", perAttemptTimeout, "greater than zero, or nil")
        }
        try validator.finish()
        self.maxAttempts = maxAttempts
        self.initialBackoff = initialBackoff
        self.maxBackoff = maxBackoff
        self.backoffMultiplier = backoffMultiplier
        self.retryableStatusCodes = retryableStatusCodes
        self.replayBufferLimit = replayBufferLimit
        self.perAttemptTimeout = perAttemptTimeout
    }

    /// The defaults: 3 attempts, backoff 100 ms doubling up to 1 s, UNAVAILABLE, 64 KiB replay
    /// buffer, no per-attempt timeout.
    public static let `default` = try! RetryPolicy()

    /// The upper bound of the backoff before retry `retry` (1 for the first retry):
    /// `min(initialBackoff * backoffMultiplier^(retry-1), maxBackoff)`.
    public func backoffBound(beforeRetry retry: Int) -> Duration {
        var scaled = initialBackoff.seconds
        var step = 1
        while step < retry, scaled < maxBackoff.seconds {
            scaled *= backoffMultiplier
            step += 1
        }
        guard scaled.isFinite, scaled < maxBackoff.seconds else { return maxBackoff }
        return .nanoseconds(Int64((scaled * 1e9).rounded(.down)))
    }

    /// The backoff before retry `retry` with full jitter: `bound * random`, where `random` is in
    /// `0 ..< 1` (values outside are clamped).
    public func backoff(beforeRetry retry: Int, random: Double) -> Duration {
        let fraction = min(max(random, 0), 1)
        let bound = backoffBound(beforeRetry: retry)
        return .nanoseconds(Int64((bound.seconds * fraction * 1e9).rounded(.down)))
    }

    public var description: String {
        "RetryPolicy(maxAttempts: \(maxAttempts), initialBackoff: \(initialBackoff), maxBackoff: \(maxBackoff), "
            + "backoffMultiplier: \(backoffMultiplier), retryableStatusCodes: \(retryableStatusCodes.map(\.description).sorted()), "
            + "replayBufferLimit: \(replayBufferLimit), perAttemptTimeout: \(perAttemptTimeout.map { "\($0)" } ?? "nil"))"
    }
}

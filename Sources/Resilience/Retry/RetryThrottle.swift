import Synchronization

/// gRFC A6 retry throttling for one target (server): a token bucket shared by every call to it,
/// so that retries stop adding load when most calls to the target fail.
///
/// Tokens start at ``maxTokens``. Each retryable failure takes one token, each success gives
/// back ``tokenRatio`` (never above `maxTokens`); while tokens are at most `maxTokens / 2`, failed
/// calls are not retried. Thread-safe; share one throttle among the ``RetryInterceptor``s of
/// calls to the same target.
///
/// ```swift
/// let throttle = try RetryThrottle(maxTokens: 10, tokenRatio: 0.1)
/// let retry = RetryInterceptor(policy: .default, throttle: throttle)
/// ```
public final class RetryThrottle: Sendable {
    /// The bucket's size and starting level. Must be in 0 < x <= 1000 (A6's bound).
    public let maxTokens: Double
    /// Tokens given back per successful call. Must be > 0. A6 suggests 0.1: one retried failure
    /// costs ten successes.
    public let tokenRatio: Double
    private let tokens: Mutex<Double>

    /// Creates a full bucket. Throws ``ConfigurationError`` listing every bad field.
    public init(maxTokens: Double = 10, tokenRatio: Double = 0.1) throws(ConfigurationError) {
        var validator = ConfigurationValidator("RetryThrottle")
        validator.check(maxTokens > 0 && maxTokens <= 1000, "maxTokens", maxTokens, "in 0 < x <= 1000")
        validator.check(tokenRatio > 0 && tokenRatio.isFinite, "tokenRatio", tokenRatio, "greater than 0 and finite")
        try validator.finish()
        self.maxTokens = maxTokens
        self.tokenRatio = tokenRatio
        self.tokens = Mutex(maxTokens)
    }

    /// The tokens in the bucket now.
    public var tokenCount: Double { tokens.withLock { $0 } }

    /// Whether a failed call may be retried now: tokens > maxTokens / 2.
    public var allowsRetry: Bool { tokens.withLock { $0 > maxTokens / 2 } }

    /// Records a call that failed with a retryable status: takes one token (not below zero).
    public func recordRetryableFailure() {
        tokens.withLock { $0 = max(0, $0 - 1) }
    }

    /// Records a successful call: gives back ``tokenRatio`` tokens (not above ``maxTokens``).
    public func recordSuccess() {
        tokens.withLock { $0 = min(maxTokens, $0 + tokenRatio) }
    }
}

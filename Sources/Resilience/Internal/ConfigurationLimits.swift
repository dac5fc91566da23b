/// Upper bounds every configuration is validated against, so that no accepted value can crash
/// (a window array that cannot be allocated, a duration that overflows when converted).
enum ConfigurationLimits {
    /// The longest duration any setting accepts: 365 days.
    static let maxDuration: Duration = .seconds(365 * 24 * 3600)
    /// The largest count-based window: its outcomes are stored one per call.
    static let maxWindowCalls = 1_000_000
    /// The most buckets a time-based window may have: each holds its own counters.
    static let maxBuckets = 100_000
    /// The largest adaptive concurrency limit.
    static let maxConcurrency = 1_000_000
}

extension CircuitBreaker {
    /// Which recent calls the breaker's rates are computed over.
    ///
    /// ```swift
    /// let byCount = try CircuitBreaker.Configuration(slidingWindow: .count(100))
    /// let byTime = try CircuitBreaker.Configuration(slidingWindow: .time(.seconds(60), buckets: 10))
    /// ```
    public enum SlidingWindow: Sendable, Hashable, CustomStringConvertible {
        /// The last `size` calls (at least 1). Suits steady traffic: the rate always rests on the
        /// same number of calls, however fast or slow they come.
        case count(Int)
        /// The calls of the last `length`, kept in `buckets` equal buckets of `length / buckets`
        /// each (at least 1 bucket, each at least 1 ns). The window slides a bucket at a time, so
        /// it holds between `length - length / buckets` and `length` of history; more buckets
        /// slide more smoothly at the cost of `buckets` counters. Suits bursty traffic: old
        /// failures age out even when no calls come.
        case time(Duration, buckets: Int)

        public var description: String {
            switch self {
            case .count(let size): ".count(\(size))"
            case .time(let length, let buckets): ".time(\(length), buckets: \(buckets))"
            }
        }
    }
}

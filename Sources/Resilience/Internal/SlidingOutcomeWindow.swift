/// The breaker's sliding window, count-based or time-based by configuration, behind one
/// interface. Both representations live inline (the unused one is minimal) so that mutating the
/// window never copies an array.
package struct SlidingOutcomeWindow: Sendable, Hashable {
    /// Whether outcomes are kept by time (and `record` needs the time).
    package let isTimeBased: Bool
    private var byCount: CountBasedWindow
    private var byTime: TimeBasedWindow

    package init(_ kind: CircuitBreaker.SlidingWindow) {
        switch kind {
        case .count(let size):
            isTimeBased = false
            byCount = CountBasedWindow(capacity: size)
            byTime = TimeBasedWindow(length: .nanoseconds(1), buckets: 1)
        case .time(let length, let buckets):
            isTimeBased = true
            byCount = CountBasedWindow(capacity: 1)
            byTime = TimeBasedWindow(length: length, buckets: buckets)
        }
    }

    /// Moves a time-based window to `now`; a count-based window does not move with time.
    package mutating func advance(to now: Duration) {
        if isTimeBased { byTime.advance(to: now) }
    }

    /// Adds an outcome recorded at `now`.
    package mutating func record(failure: Bool, slow: Bool, at now: Duration) {
        if isTimeBased {
            byTime.record(failure: failure, slow: slow, at: now)
        } else {
            byCount.record(failure: failure, slow: slow)
        }
    }

    /// Forgets every outcome.
    package mutating func reset() {
        if isTimeBased { byTime.reset() } else { byCount.reset() }
    }

    /// Calls held (as of the last `advance` or `record` for a time-based window).
    package var count: Int { isTimeBased ? byTime.count : byCount.count }
    /// Failures among them.
    package var failures: Int { isTimeBased ? byTime.failures : byCount.failures }
    /// Slow calls among them.
    package var slowCalls: Int { isTimeBased ? byTime.slowCalls : byCount.slowCalls }
    /// `failures / count`, or 0 when empty.
    package var failureRate: Double { count == 0 ? 0 : Double(failures) / Double(count) }
    /// `slowCalls / count`, or 0 when empty.
    package var slowCallRate: Double { count == 0 ? 0 : Double(slowCalls) / Double(count) }
}

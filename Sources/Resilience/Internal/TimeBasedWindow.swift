/// The call outcomes of the last `length` of time, in `buckets` equal buckets in a ring, with
/// running totals: recording and reading the rates are O(1) amortised; moving to a later time
/// evicts the buckets that fell out, at most `buckets` of them however long the idle gap (a gap of
/// a whole window or more clears the ring in O(buckets), never O(gap)).
///
/// Time is the breaker's elapsed time (a `Duration` from its start). Bucket `e` covers
/// `[e * span, (e + 1) * span)` with `span = length / buckets` (in whole nanoseconds); the window
/// holds the current bucket and the `buckets - 1` before it.
package struct TimeBasedWindow: Sendable, Hashable {
    private struct Bucket: Sendable, Hashable {
        var calls = 0
        var failures = 0
        var slowCalls = 0
    }

    private var ring: [Bucket]
    /// Nanoseconds per bucket.
    package let bucketSpan: Int64
    /// The bucket number (`now / span`) of the newest bucket.
    package private(set) var currentBucket: Int64 = 0
    /// Calls held.
    package private(set) var count = 0
    /// Failures among them.
    package private(set) var failures = 0
    /// Slow calls among them (whatever their outcome).
    package private(set) var slowCalls = 0

    package init(length: Duration, buckets: Int) {
        precondition(buckets >= 1, "a time-based window has at least one bucket")
        let span = Self.nanoseconds(length) / Int64(buckets)
        precondition(span >= 1, "each bucket spans at least 1 ns")
        ring = Array(repeating: Bucket(), count: buckets)
        bucketSpan = span
    }

    package var bucketCount: Int { ring.count }

    /// Moves the window to `now`, evicting buckets older than the window. Time never goes back;
    /// an earlier `now` changes nothing.
    package mutating func advance(to now: Duration) {
        let target = Self.nanoseconds(now) / bucketSpan
        guard target > currentBucket else { return }
        let gap = target - currentBucket
        if gap >= Int64(ring.count) {
            clear()
        } else {
            var bucket = currentBucket
            while bucket < target {
                bucket += 1
                let index = Int(bucket % Int64(ring.count))
                count -= ring[index].calls
                failures -= ring[index].failures
                slowCalls -= ring[index].slowCalls
                ring[index] = Bucket()
            }
        }
        currentBucket = target
    }

    /// Adds an outcome at `now` (moving the window there first).
    package mutating func record(failure: Bool, slow: Bool = false, at now: Duration) {
        advance(to: now)
        let index = Int(currentBucket % Int64(ring.count))
        ring[index].calls += 1
        count += 1
        if failure {
            ring[index].failures += 1
            failures += 1
        }
        if slow {
            ring[index].slowCalls += 1
            slowCalls += 1
        }
    }

    /// Forgets every outcome (the current bucket stays where it is).
    package mutating func reset() {
        clear()
    }

    private mutating func clear() {
        for index in ring.indices { ring[index] = Bucket() }
        count = 0
        failures = 0
        slowCalls = 0
    }

    /// `failures / count`, or 0 when empty.
    package var failureRate: Double { count == 0 ? 0 : Double(failures) / Double(count) }

    /// `slowCalls / count`, or 0 when empty.
    package var slowCallRate: Double { count == 0 ? 0 : Double(slowCalls) / Double(count) }

    /// Whole nanoseconds, saturating at `Int64.max`; negative durations count as zero.
    static func nanoseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        guard seconds >= 0 else { return 0 }
        let (whole, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        guard !overflow else { return .max }
        let (total, overflow2) = whole.addingReportingOverflow(attoseconds / 1_000_000_000)
        return overflow2 ? .max : total
    }
}

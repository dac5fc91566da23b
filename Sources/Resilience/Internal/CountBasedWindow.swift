/// The last `capacity` call outcomes in a ring, with running totals: recording and reading the
/// failure rate are O(1).
package struct CountBasedWindow: Sendable, Hashable {
    private var ring: [Bool]   // true: a failure
    private var next = 0
    /// Outcomes held, at most `capacity`.
    package private(set) var count = 0
    /// Failures among them.
    package private(set) var failures = 0

    package init(capacity: Int) {
        precondition(capacity >= 1, "a window holds at least one call")
        ring = Array(repeating: false, count: capacity)
    }

    package var capacity: Int { ring.count }

    /// Adds an outcome, evicting the oldest when full.
    package mutating func record(failure: Bool) {
        if count == ring.count {
            if ring[next] { failures -= 1 }
        } else {
            count += 1
        }
        ring[next] = failure
        if failure { failures += 1 }
        next = next + 1 == ring.count ? 0 : next + 1
    }

    /// Forgets every outcome.
    package mutating func reset() {
        // Only the totals and the cursor matter: slots are overwritten before they are read.
        next = 0
        count = 0
        failures = 0
    }

    /// `failures / count`, or 0 when empty.
    package var failureRate: Double { count == 0 ? 0 : Double(failures) / Double(count) }
}

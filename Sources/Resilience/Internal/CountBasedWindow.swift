/// The last `capacity` call outcomes in a ring, with running totals: recording and reading the
/// failure and slow-call rates are O(1).
package struct CountBasedWindow: Sendable, Hashable {
    private static let failureFlag: UInt8 = 1
    private static let slowFlag: UInt8 = 2

    private var ring: [UInt8]   // failureFlag | slowFlag
    private var next = 0
    /// Outcomes held, at most `capacity`.
    package private(set) var count = 0
    /// Failures among them.
    package private(set) var failures = 0
    /// Slow calls among them (whatever their outcome).
    package private(set) var slowCalls = 0

    package init(capacity: Int) {
        precondition(capacity >= 1, "a window holds at least one call")
        ring = Array(repeating: 0, count: capacity)
    }

    package var capacity: Int { ring.count }

    /// Adds an outcome, evicting the oldest when full.
    package mutating func record(failure: Bool, slow: Bool = false) {
        if count == ring.count {
            let evicted = ring[next]
            if evicted & Self.failureFlag != 0 { failures -= 1 }
            if evicted & Self.slowFlag != 0 { slowCalls -= 1 }
        } else {
            count += 1
        }
        ring[next] = (failure ? Self.failureFlag : 0) | (slow ? Self.slowFlag : 0)
        if failure { failures += 1 }
        if slow { slowCalls += 1 }
        next = next + 1 == ring.count ? 0 : next + 1
    }

    /// Forgets every outcome.
    package mutating func reset() {
        // Only the totals and the cursor matter: slots are overwritten before they are read.
        next = 0
        count = 0
        failures = 0
        slowCalls = 0
    }

    /// `failures / count`, or 0 when empty.
    package var failureRate: Double { count == 0 ? 0 : Double(failures) / Double(count) }

    /// `slowCalls / count`, or 0 when empty.
    package var slowCallRate: Double { count == 0 ? 0 : Double(slowCalls) / Double(count) }
}

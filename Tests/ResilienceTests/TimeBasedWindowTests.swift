import Resilience
import Testing

@Suite struct TimeBasedWindowTests {
    /// 10 s in 10 buckets of 1 s.
    static func window() -> TimeBasedWindow { TimeBasedWindow(length: .seconds(10), buckets: 10) }

    @Test func keepsRunningTotalsAcrossBuckets() {
        var window = Self.window()
        window.record(failure: true, at: .zero)
        window.record(failure: false, slow: true, at: .milliseconds(1500))
        window.record(failure: true, slow: true, at: .milliseconds(9999))
        #expect(window.bucketSpan == 1_000_000_000)
        #expect(window.count == 3)
        #expect(window.failures == 2)
        #expect(window.slowCalls == 2)
        #expect(window.failureRate == 2.0 / 3.0)
        #expect(window.slowCallRate == 2.0 / 3.0)
    }

    @Test func evictsABucketOnceItIsAWholeWindowOld() {
        var window = Self.window()
        window.record(failure: true, at: .milliseconds(500))    // bucket 0
        window.record(failure: false, at: .milliseconds(1200))  // bucket 1
        window.advance(to: .milliseconds(9999))                 // bucket 9: buckets 0...9 held
        #expect(window.count == 2)
        window.advance(to: .seconds(10))                        // bucket 10 replaces bucket 0
        #expect(window.count == 1)
        #expect(window.failures == 0)
        window.advance(to: .seconds(11))                        // and bucket 11 replaces bucket 1
        #expect(window.count == 0)
    }

    @Test func aGapOfAWholeWindowOrMoreClearsIt() {
        var window = Self.window()
        for second in 0..<10 { window.record(failure: true, slow: true, at: .seconds(second)) }
        #expect(window.count == 10)
        window.advance(to: .seconds(19))   // 10 buckets later: nothing left
        #expect(window.count == 0)
        #expect(window.failures == 0)
        #expect(window.slowCalls == 0)
        window.record(failure: false, at: .seconds(19))
        #expect(window.count == 1)
        #expect(window.failures == 0)
    }

    @Test func aVeryLongIdleGapCostsOnlyTheBuckets() {
        // 1 ns buckets: an O(gap) roll-over would walk 10^18 buckets here and never finish.
        var window = TimeBasedWindow(length: .nanoseconds(4), buckets: 4)
        window.record(failure: true, at: .zero)
        window.record(failure: true, at: .nanoseconds(3))
        #expect(window.count == 2)
        window.advance(to: .seconds(1_000_000_000))
        #expect(window.count == 0)
        #expect(window.currentBucket == 1_000_000_000 * 1_000_000_000)
        window.record(failure: true, at: .seconds(1_000_000_000) + .nanoseconds(2))
        #expect(window.count == 1)
        #expect(window.failures == 1)
    }

    @Test func aGapShorterThanTheWindowEvictsOnlyTheBucketsItPassed() {
        var window = Self.window()
        window.record(failure: true, at: .seconds(0))
        window.record(failure: true, at: .seconds(3))
        window.record(failure: false, at: .seconds(6))
        window.advance(to: .seconds(13))    // buckets 4...13 held: bucket 6 only
        #expect(window.count == 1)
        #expect(window.failures == 0)
    }

    @Test func timeGoingBackChangesNothing() {
        var window = Self.window()
        window.record(failure: true, at: .seconds(5))
        window.advance(to: .seconds(2))
        window.record(failure: false, at: .seconds(2))   // counted in the current bucket (5)
        #expect(window.currentBucket == 5)
        #expect(window.count == 2)
        window.advance(to: .seconds(15))
        #expect(window.count == 0)
    }

    @Test func wrapsAroundTheRingManyTimes() {
        var window = TimeBasedWindow(length: .seconds(3), buckets: 3)
        for second in 0..<1_000 { window.record(failure: second % 2 == 0, at: .seconds(second)) }
        // seconds 997, 998, 999 held: 998 is a failure.
        #expect(window.count == 3)
        #expect(window.failures == 1)
    }

    @Test func resetForgetsEverything() {
        var window = Self.window()
        window.record(failure: true, slow: true, at: .seconds(1))
        window.reset()
        #expect(window.count == 0)
        #expect(window.failures == 0)
        #expect(window.slowCalls == 0)
        #expect(window.failureRate == 0)
        #expect(window.slowCallRate == 0)
    }

    @Test func unevenLengthsUseWholeNanosecondBuckets() {
        let window = TimeBasedWindow(length: .nanoseconds(10), buckets: 3)
        #expect(window.bucketSpan == 3)
        #expect(window.bucketCount == 3)
    }
}

import Resilience
import Testing

@Suite struct CountBasedWindowTests {
    @Test func keepsRunningTotals() {
        var window = CountBasedWindow(capacity: 4)
        window.record(failure: true)
        window.record(failure: false)
        #expect(window.count == 2)
        #expect(window.failures == 1)
        #expect(window.failureRate == 0.5)
    }

    @Test func evictsTheOldestOutcomeWhenFull() {
        var window = CountBasedWindow(capacity: 3)
        window.record(failure: true)
        window.record(failure: true)
        window.record(failure: false)
        #expect(window.failures == 2)
        window.record(failure: false)   // evicts the first failure
        #expect(window.count == 3)
        #expect(window.failures == 1)
        window.record(failure: false)   // evicts the second
        #expect(window.failures == 0)
        window.record(failure: true)    // evicts a success
        #expect(window.failures == 1)
        #expect(window.count == 3)
    }

    @Test func wrapsAroundManyTimes() {
        var window = CountBasedWindow(capacity: 5)
        for index in 0..<1_003 { window.record(failure: index % 5 == 0) }
        #expect(window.count == 5)
        #expect(window.failures == 1)
    }

    @Test func resetForgetsEverything() {
        var window = CountBasedWindow(capacity: 3)
        window.record(failure: true)
        window.reset()
        #expect(window.count == 0)
        #expect(window.failures == 0)
        #expect(window.failureRate == 0)
        window.record(failure: false)
        #expect(window.failures == 0)
    }

    @Test func countsSlowCallsAndEvictsThem() {
        var window = CountBasedWindow(capacity: 3)
        window.record(failure: false, slow: true)
        window.record(failure: true, slow: true)
        window.record(failure: true, slow: false)
        #expect(window.slowCalls == 2)
        #expect(window.failures == 2)
        #expect(window.slowCallRate == 2.0 / 3.0)
        window.record(failure: false)   // evicts a slow success
        #expect(window.slowCalls == 1)
        #expect(window.failures == 2)
        window.record(failure: false)   // evicts a slow failure
        #expect(window.slowCalls == 0)
        #expect(window.failures == 1)
        window.reset()
        #expect(window.slowCalls == 0)
        #expect(window.slowCallRate == 0)
    }
}

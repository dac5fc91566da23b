import ResilienceTestKit
import Testing

@Suite struct ManualClockTests {
    @Test func nowMovesOnlyWhenAdvanced() {
        let clock = ManualClock()
        let start = clock.now
        #expect(clock.now == start)
        clock.advance(by: .seconds(2))
        #expect(start.duration(to: clock.now) == .seconds(2))
        clock.advance(to: start.advanced(by: .seconds(1)))   // earlier: ignored
        #expect(start.duration(to: clock.now) == .seconds(2))
    }

    @Test func sleepResumesOnlyOnceAdvancedToTheDeadline() async throws {
        let clock = ManualClock()
        let woke = Tally()
        let sleeper = Task {
            try await clock.sleep(for: .seconds(5))
            woke.increment()
        }
        await clock.waitForSleepers(count: 1)
        clock.advance(by: .seconds(4))
        #expect(clock.sleeperCount == 1)
        #expect(woke.count == 0)
        clock.advance(by: .seconds(1))
        try await sleeper.value
        #expect(woke.count == 1)
        #expect(clock.sleeperCount == 0)
    }

    @Test func sleepUntilAPastDeadlineReturnsAtOnce() async throws {
        let clock = ManualClock()
        clock.advance(by: .seconds(3))
        try await clock.sleep(until: .zero.advanced(by: .seconds(1)))
        #expect(clock.sleeperCount == 0)
    }

    @Test func cancellationEndsASleep() async {
        let clock = ManualClock()
        let sleeper = Task { try await clock.sleep(for: .seconds(60)) }
        await clock.waitForSleepers(count: 1)
        sleeper.cancel()
        await #expect(throws: CancellationError.self) { try await sleeper.value }
        #expect(clock.sleeperCount == 0)
    }

    @Test func advancingWakesEveryDueSleeperAndOnlyThose() async throws {
        let clock = ManualClock()
        let woke = Recorder<Int>()
        let sleepers = (1...3).map { seconds in
            Task {
                try await clock.sleep(for: .seconds(seconds))
                woke.append(seconds)
            }
        }
        await clock.waitForSleepers(count: 3)
        clock.advance(by: .seconds(2))
        try await sleepers[0].value
        try await sleepers[1].value
        #expect(Set(woke.values) == [1, 2])
        #expect(clock.sleeperCount == 1)
        clock.advance(by: .seconds(1))
        try await sleepers[2].value
        #expect(Set(woke.values) == [1, 2, 3])
    }

    @Test func worksAsAnyClock() async throws {
        let manual = ManualClock()
        let clock: any Clock<Duration> = manual
        let sleeper = Task { try await clock.sleep(for: .milliseconds(10), tolerance: nil) }
        await manual.waitForSleepers(count: 1)
        manual.advance(by: .milliseconds(10))
        try await sleeper.value
    }
}

/// Reads an injected clock as the time elapsed since this source was made, so that pure state
/// machines can work in plain `Duration`s whatever the clock's instant type is.
struct ElapsedTime: Sendable {
    private let read: @Sendable () -> Duration

    init(_ clock: any Clock<Duration>) {
        if clock is ContinuousClock {
            // The default clock, read without generic dispatch: half the cost of `reader`.
            let start = ContinuousClock.Instant.now
            read = { start.duration(to: .now) }
        } else {
            read = Self.reader(clock)
        }
    }

    private static func reader<C: Clock<Duration>>(_ clock: C) -> @Sendable () -> Duration {
        let start = clock.now
        return { start.duration(to: clock.now) }
    }

    /// The time elapsed since this source was made.
    func now() -> Duration { read() }
}

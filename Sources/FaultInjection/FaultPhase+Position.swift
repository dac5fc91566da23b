extension FaultPhase {
    /// Where a schedule of phases is at a moment.
    public struct Position: Sendable, Hashable, CustomStringConvertible {
        /// The current phase's index, from 0.
        public var index: Int
        /// The number of phases.
        public var count: Int
        /// The current phase.
        public var phase: FaultPhase
        /// Time since the phase began.
        public var elapsedInPhase: Duration
        /// Time until the next phase; `nil` in the last phase, which lasts for ever.
        public var remaining: Duration?

        /// `phase 2/4 flaky for 10 s: 30% UNAVAILABLE` (the last phase says `from now on`
        /// instead of its duration).
        public var description: String {
            let length = remaining == nil ? "from now on" : "for \(Text.duration(phase.duration))"
            return "phase \(index + 1)/\(count) \(phase.name) \(length): \(phase.faultsDescription)"
        }

        /// The position of `phases` at `elapsed` since the schedule started; `nil` without phases.
        public static func of(_ phases: [FaultPhase], at elapsed: Duration) -> Position? {
            guard !phases.isEmpty else { return nil }
            var begin = Duration.zero
            for (index, phase) in phases.enumerated() {
                let isLast = index == phases.count - 1
                if isLast || elapsed < begin + phase.duration {
                    let inPhase = max(.zero, elapsed - begin)
                    return Position(
                        index: index, count: phases.count, phase: phase, elapsedInPhase: inPhase,
                        remaining: isLast ? nil : phase.duration - inPhase
                    )
                }
                begin += phase.duration
            }
            return nil
        }
    }
}

import Synchronization

/// The calls of the current second and of the run so far, shared by the callers (who record)
/// and the reporter (who takes a second's tally each second).
final class LiveStats: Sendable {
    private let tallies = Mutex((second: CallTally(), total: CallTally()))

    func record(_ call: CallTally.Call) {
        tallies.withLock { $0.second.record(call) }
    }

    /// The calls recorded since the last take; they move into the run's total.
    func takeSecond() -> CallTally {
        tallies.withLock { tallies in
            let second = tallies.second
            tallies.total.merge(second)
            tallies.second = CallTally()
            return second
        }
    }

    /// Every call taken so far (take the last second first).
    var total: CallTally { tallies.withLock { $0.total } }
}

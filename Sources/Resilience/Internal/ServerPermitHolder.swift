import Synchronization

/// Releases a server call's permit once: when the producer ends, or when the response is dropped
/// without its producer having run to the end.
final class ServerPermitHolder: Sendable {
    private let permit: Bulkhead.Permit
    private let released = Atomic<Bool>(false)

    init(_ permit: Bulkhead.Permit) { self.permit = permit }

    func release(_ outcome: Bulkhead.Outcome) {
        if released.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing).exchanged {
            permit.release(outcome)
        }
    }

    deinit { release(.ignored) }
}

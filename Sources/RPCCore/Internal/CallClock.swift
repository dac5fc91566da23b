/// `ContinuousClock` read as `Duration` since a fixed instant: how client calls keep deadlines
/// (``ClientContext/deadlineOffset``) in a type of fixed layout. Not in an async function's frame,
/// a `ContinuousClock.Instant` costs a task allocation and value-witness calls.
@usableFromInline
package enum CallClock {
    /// The instant offsets count from (the first use in the process).
    package static let epoch = ContinuousClock.now

    /// Now, as time since ``epoch``.
    @usableFromInline @inline(never)
    package static func now() -> Duration {
        epoch.duration(to: .now)
    }
}

extension ManualClock {
    /// A point in a ``ManualClock``'s time: a `Duration` since the clock's zero.
    ///
    /// ```swift
    /// let start = clock.now
    /// clock.advance(by: .seconds(2))
    /// start.duration(to: clock.now)   // 2 seconds
    /// ```
    public struct Instant: InstantProtocol, CustomStringConvertible {
        /// The time since the clock's zero.
        public var offset: Duration

        /// Creates the instant `offset` after the clock's zero.
        public init(offset: Duration) {
            self.offset = offset
        }

        /// The clock's zero.
        public static let zero = Instant(offset: .zero)

        public func advanced(by duration: Duration) -> Instant {
            Instant(offset: offset + duration)
        }

        public func duration(to other: Instant) -> Duration {
            other.offset - offset
        }

        public static func < (lhs: Instant, rhs: Instant) -> Bool {
            lhs.offset < rhs.offset
        }

        public var description: String { "ManualClock.Instant(\(offset))" }
    }
}

/// When a server is down: from ``start`` for ``length``, repeating every ``period`` if set.
/// During an outage every call fails UNAVAILABLE with a message saying when it is back.
///
/// Times count from the interceptor's creation, or, in a ``FaultPhase``, from the phase's start.
/// A window covers `start + k * period ..< start + k * period + length` (k = 0, 1, ...): down
/// exactly at its start, up again exactly at its end.
///
/// ```swift
/// OutageWindow(start: .seconds(5), length: .seconds(3), period: .seconds(20))
/// // down 5..<8 s, 25..<28 s, 45..<48 s, ...
/// ```
public struct OutageWindow: Sendable, Hashable, CustomStringConvertible {
    /// When the first outage starts. Default zero.
    public var start: Duration
    /// How long each outage lasts; `nil`: for ever (or, in a phase, until the phase ends).
    public var length: Duration?
    /// The time from one outage's start to the next; `nil` (the default): just one outage.
    /// Must be longer than ``length``.
    public var period: Duration?

    /// A window; ``FaultInjectionInterceptor/Configuration`` validates it.
    public init(start: Duration = .zero, length: Duration?, period: Duration? = nil) {
        self.start = start
        self.length = length
        self.period = period
    }

    /// Down from `start` for ever.
    public static let always = OutageWindow(start: .zero, length: nil)

    /// If `elapsed` falls in an outage, the time until it ends (`nil` inside a never-ending
    /// one); `.none` when the server is up.
    func remaining(at elapsed: Duration) -> Duration?? {
        guard elapsed >= start else { return .none }
        guard let length else { return .some(nil) }
        var offset = elapsed - start
        if let period, period > .zero {
            // Integer arithmetic, so that boundaries at exact multiples of the period are exact.
            offset = .nanoseconds(Text.nanoseconds(offset) % Text.nanoseconds(period))
        }
        return offset < length ? .some(length - offset) : .none
    }

    /// `outage from 5 s for 3 s every 20 s`, `outage` (always).
    public var description: String {
        var text = "outage"
        if start > .zero { text += " from \(Text.duration(start))" }
        if let length { text += " for \(Text.duration(length))" }
        if let period { text += " every \(Text.duration(period))" }
        return text
    }
}

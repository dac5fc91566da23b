/// The kinds of fault ``FaultInjectionInterceptor`` injects; each has its own counter.
public enum FaultKind: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// The call failed with a chosen status.
    case error
    /// The call was delayed before it was handled.
    case latency
    /// The call got no response until its deadline or the client gave up.
    case hang
    /// The call's HTTP/2 stream was reset.
    case reset
    /// The connection was sent GOAWAY excluding the call.
    case goAway = "goaway"
    /// The connection was dropped.
    case drop
    /// The call arrived during an outage window and failed UNAVAILABLE.
    case outage

    /// The lowercase name used in printed lines: `error`, `latency`, `hang`, `reset`, `goaway`,
    /// `drop`, `outage`.
    public var description: String { rawValue }
}

import RPCCore

/// What ``FaultPlanner`` decided for one call: a delay, then what to do.
public struct FaultDecision: Sendable, Equatable, CustomStringConvertible {
    /// What happens after the delay.
    public enum Action: Sendable, Equatable {
        /// Handle the call normally.
        case proceed
        /// End the call with this status and trailers (an injected error, an outage, or bad
        /// fault metadata).
        case fail(Status, trailers: Metadata)
        /// Never answer: wait until the deadline passes or the client cancels.
        case hang
        /// Ask the transport to reset the stream, send GOAWAY or drop the connection; `Status`
        /// is what transports that cannot do it send instead.
        case transport(TransportFault, Status)
    }

    /// Sleep this long first (on the interceptor's clock). Zero: no delay.
    public var delay: Duration
    /// Then do this.
    public var action: Action
    /// The faults injected, each counted once: `.latency` first when there is a delay, then
    /// the action's kind. Empty when nothing was injected (a bad-metadata failure included).
    public var faults: [FaultKind]
    /// Whether the call's `x-fault-*` metadata decided (not the configured rules).
    public var fromMetadata: Bool
    /// Whether the call's `x-fault-*` metadata was invalid (the action is INVALID_ARGUMENT).
    public var invalidMetadata: Bool
    /// The current phase's name, when the configuration has phases.
    public var phase: String?

    /// Creates a decision; every field defaults to "no fault".
    public init(
        delay: Duration = .zero, action: Action = .proceed, faults: [FaultKind] = [],
        fromMetadata: Bool = false, invalidMetadata: Bool = false, phase: String? = nil
    ) {
        self.delay = delay
        self.action = action
        self.faults = faults
        self.fromMetadata = fromMetadata
        self.invalidMetadata = invalidMetadata
        self.phase = phase
    }

    /// No fault.
    public static let proceed = FaultDecision()

    /// `proceed`, `12 ms then fail UNAVAILABLE: ...`, `hang`, `reset the stream (INTERNAL_ERROR)`.
    public var description: String {
        let what: String = switch action {
        case .proceed: "proceed"
        case .fail(let status, _): "fail \(status)"
        case .hang: "hang"
        case .transport(let fault, _): "\(fault)"
        }
        return delay > .zero ? "\(Text.duration(delay)) then \(what)" : what
    }
}

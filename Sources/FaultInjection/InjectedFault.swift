import RPCCore

/// One fault ``FaultInjectionInterceptor`` injected, as delivered to its event callback.
public struct InjectedFault: Sendable, Hashable, CustomStringConvertible {
    /// The kind of fault.
    public var kind: FaultKind
    /// The method of the call.
    public var method: MethodDescriptor
    /// What exactly: `12 ms`, `UNAVAILABLE`, `RST_STREAM INTERNAL_ERROR`, `back in 2.5 s`.
    public var detail: String
    /// Whether the call's `x-fault-*` metadata asked for it.
    public var fromMetadata: Bool
    /// The phase it happened in, when the configuration has phases.
    public var phase: String?

    /// Describes one injected fault.
    public init(kind: FaultKind, method: MethodDescriptor, detail: String, fromMetadata: Bool = false, phase: String? = nil) {
        self.kind = kind
        self.method = method
        self.detail = detail
        self.fromMetadata = fromMetadata
        self.phase = phase
    }

    /// `reset /echo.v1.Echo/Get: RST_STREAM INTERNAL_ERROR` (plus ` [metadata]` or ` [phase flaky]`).
    public var description: String {
        var text = "\(kind) \(method.path): \(detail)"
        if fromMetadata { text += " [metadata]" }
        if let phase { text += " [phase \(phase)]" }
        return text
    }
}

import RPCCore

/// Faults to inject into the calls a ``Scope`` matches: an error rate, latency, hangs, stream
/// resets, GOAWAY, dropped connections and outage windows. Every field defaults to "no fault",
/// so a rule names only what it injects.
///
/// For each call, faults are decided in this order, the first one drawn winning: outage, drop,
/// goaway, reset, hang, error. Latency is added before any of them (and before the handler).
///
/// ```swift
/// var rule = FaultRule(scope: .method(getProduct), errorRate: 0.3)
/// rule.latency = .uniform(.milliseconds(2) ... .milliseconds(20))
/// rule.pushbackMilliseconds = 500
/// ```
public struct FaultRule: Sendable, Hashable, CustomStringConvertible {
    /// The calls the rule applies to. Default ``Scope/all``.
    public var scope: Scope
    /// The fraction of calls (0...1) that fail with ``errorCode``. Default 0.
    public var errorRate: Double
    /// The status of injected errors; not OK. Default UNAVAILABLE.
    public var errorCode: Status.Code
    /// The message of injected errors; `nil` (the default) says who injected what into which method.
    public var errorMessage: String?
    /// Delay added to calls before they are handled; `nil` (the default): none.
    public var latency: LatencyDistribution?
    /// The fraction of calls (0...1) that get no response until their deadline passes or the
    /// client cancels. Default 0.
    public var hangRate: Double
    /// The fraction of calls (0...1) whose HTTP/2 stream is reset with ``resetCode``. Default 0.
    public var resetRate: Double
    /// The RST_STREAM code of injected resets. Default INTERNAL_ERROR (the client sees INTERNAL).
    public var resetCode: TransportFault.ResetCode
    /// The fraction of calls (0...1) answered by GOAWAY excluding them (see
    /// ``TransportFault/goAway``). Default 0.
    public var goAwayRate: Double
    /// The fraction of calls (0...1) whose connection is dropped. Default 0.
    public var dropRate: Double
    /// When the server is down for the calls the rule matches; `nil` (the default): never.
    public var outage: OutageWindow?
    /// Sent as `grpc-retry-pushback-ms` with injected errors and outage failures, telling a
    /// retrying client when to try again; `nil` (the default): not sent. 0...2147483647.
    public var pushbackMilliseconds: Int?

    /// Creates a rule; ``FaultInjectionInterceptor/Configuration`` validates it.
    public init(
        scope: Scope = .all,
        errorRate: Double = 0,
        errorCode: Status.Code = .unavailable,
        errorMessage: String? = nil,
        latency: LatencyDistribution? = nil,
        hangRate: Double = 0,
        resetRate: Double = 0,
        resetCode: TransportFault.ResetCode = .internalError,
        goAwayRate: Double = 0,
        dropRate: Double = 0,
        outage: OutageWindow? = nil,
        pushbackMilliseconds: Int? = nil
    ) {
        self.scope = scope
        self.errorRate = errorRate
        self.errorCode = errorCode
        self.errorMessage = errorMessage
        self.latency = latency
        self.hangRate = hangRate
        self.resetRate = resetRate
        self.resetCode = resetCode
        self.goAwayRate = goAwayRate
        self.dropRate = dropRate
        self.outage = outage
        self.pushbackMilliseconds = pushbackMilliseconds
    }

    /// Whether the rule injects nothing.
    public var isEmpty: Bool {
        errorRate == 0 && latency == nil && hangRate == 0 && resetRate == 0 && goAwayRate == 0
            && dropRate == 0 && outage == nil
    }

    /// What the rule injects, e.g. `30% UNAVAILABLE, 2-20 ms latency`; `no faults` when empty.
    /// A scope other than ``Scope/all`` is appended: `... (for /catalog.v1.Catalog/GetProduct)`.
    public var description: String {
        var parts: [String] = []
        if let outage { parts.append(outage == .always ? "every call fails UNAVAILABLE (outage)" : "\(outage)") }
        if errorRate > 0 { parts.append("\(Text.percent(errorRate)) \(errorCode)") }
        if let latency { parts.append("\(latency)") }
        if hangRate > 0 { parts.append("\(Text.percent(hangRate)) hangs") }
        if resetRate > 0 { parts.append("\(Text.percent(resetRate)) resets (\(resetCode))") }
        if goAwayRate > 0 { parts.append("\(Text.percent(goAwayRate)) GOAWAY") }
        if dropRate > 0 { parts.append("\(Text.percent(dropRate)) dropped connections") }
        if let pushbackMilliseconds, errorRate > 0 || outage != nil { parts.append("pushback \(pushbackMilliseconds) ms") }
        var text = parts.isEmpty ? "no faults" : parts.joined(separator: ", ")
        if scope != .all { text += " (for \(scope))" }
        return text
    }
}

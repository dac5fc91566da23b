import RPCCore

/// A call rejected by a circuit breaker without being attempted: the breaker is open, forced
/// open, or half-open with all its probes in flight.
///
/// As an ``RPCErrorConvertible`` it maps to UNAVAILABLE, with the retry-after in milliseconds in
/// the metadata key ``retryAfterMetadataKey``. The ``CircuitBreakerInterceptor`` keeps it as the
/// `cause` of the `RPCError`, so that outer interceptors (``FallbackInterceptor``) can tell a
/// rejection from a real UNAVAILABLE with ``find(in:)``.
///
/// ```swift
/// do {
///     let permit = try breaker.acquirePermission()
///     ...
/// } catch {
///     print(error.message)
///     // circuit 'catalog.v1.Catalog/GetProduct' is open after 12 failures in 20 calls;
///     // next probe in 4.2 s. Retry after that or use a fallback.
/// }
/// ```
public struct CircuitBreakerOpenError: Error, RPCErrorConvertible, Sendable, Hashable, CustomStringConvertible {
    /// The metadata key holding the retry-after in whole milliseconds (absent when forced open).
    public static let retryAfterMetadataKey = "x-breaker-retry-after-ms"

    /// The breaker's name, e.g. `catalog.v1.Catalog/GetProduct`.
    public var breakerName: String
    /// The state that rejected the call: `.open`, `.halfOpen` (all probes in flight) or `.forcedOpen`.
    public var state: CircuitBreaker.State
    /// Failed calls that opened the breaker (in the window, or the failed probe).
    public var failures: Int
    /// Calls they were counted among.
    public var calls: Int
    /// Whether a half-open probe failing opened it (rather than the closed window's failure rate).
    public var trippedByProbe: Bool
    /// Slow calls among ``calls`` (for a slow-call trip).
    public var slowCalls: Int
    /// The rule that opened the breaker; `nil` when forced open or not known (then
    /// ``trippedByProbe`` tells a probe failure from a failure-rate trip).
    public var rule: CircuitBreaker.TripRule?
    /// How long until the breaker lets a probe through; `nil` when forced open.
    public var retryAfter: Duration?
    /// Half-open probes in flight when the call was rejected.
    public var probesInFlight: Int

    public init(
        breakerName: String, state: CircuitBreaker.State, failures: Int = 0, calls: Int = 0,
        trippedByProbe: Bool = false, slowCalls: Int = 0, rule: CircuitBreaker.TripRule? = nil,
        retryAfter: Duration?, probesInFlight: Int = 0
    ) {
        self.breakerName = breakerName
        self.state = state
        self.failures = failures
        self.calls = calls
        self.trippedByProbe = trippedByProbe || rule == .probeFailure || rule == .slowProbes
        self.slowCalls = slowCalls
        self.rule = rule
        self.retryAfter = retryAfter
        self.probesInFlight = probesInFlight
    }

    /// What happened, to which breaker, and what to do.
    public var message: String {
        let name = "circuit '\(breakerName)'"
        let retry = retryAfter.map { "next probe in \($0.readable)" } ?? ""
        let advice = "Retry after that or use a fallback."
        let callCount = "\(calls) \(trippedByProbe ? "half-open probe " : "")call\(calls == 1 ? "" : "s")"
        let failed = switch rule ?? (trippedByProbe ? .probeFailure : .failureRate) {
        case .failureRate, .probeFailure: "\(failures) failure\(failures == 1 ? "" : "s") in \(callCount)"
        case .slowCallRate, .slowProbes: "\(slowCalls) slow call\(slowCalls == 1 ? "" : "s") in \(callCount)"
        case .consecutiveFailures: "\(failures) consecutive failure\(failures == 1 ? "" : "s")"
        }
        switch state {
        case .forcedOpen:
            return "\(name) is forced open, so every call is rejected until the breaker is reset or disabled."
        case .halfOpen:
            let probes = "\(probesInFlight) probe call\(probesInFlight == 1 ? " is" : "s are")"
            return "\(name) is half-open and its \(probes) still in flight (it opened after \(failed)); \(retry) at the latest. \(advice)"
        default:
            return "\(name) is open after \(failed); \(retry). \(advice)"
        }
    }

    public var description: String { message }

    public var rpcErrorCode: Status.Code { .unavailable }
    public var rpcErrorMessage: String { message }
    public var rpcErrorMetadata: Metadata {
        var metadata: Metadata = [:]
        if let retryAfter {
            metadata.addString(String(retryAfter.millisecondsRoundedUp), forKey: Self.retryAfterMetadataKey)
        }
        return metadata
    }

    /// The rejection in `error` or in its chain of `RPCError` causes, if any: tells a breaker's
    /// rejection apart from an UNAVAILABLE sent by a server.
    public static func find(in error: any Error) -> CircuitBreakerOpenError? {
        var current: (any Error)? = error
        var depth = 0
        while let error = current, depth < 16 {
            if let rejection = error as? CircuitBreakerOpenError { return rejection }
            current = (error as? RPCError)?.cause
            depth += 1
        }
        return nil
    }
}

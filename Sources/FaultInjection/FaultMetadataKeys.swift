/// The request metadata keys that ask ``FaultInjectionInterceptor`` for faults, honoured only
/// when ``FaultInjectionInterceptor/Configuration/allowsMetadataFaults`` is on (off by default:
/// never in production). A call carrying any of them gets exactly the faults it asks for; the
/// configured rules and phases do not apply to it. A bad value fails the call with
/// INVALID_ARGUMENT naming the key and the value.
///
/// Precedence when several are given: drop, goaway, reset, hang, then status / fail-first-n.
/// The delay comes first in every case.
///
/// ```swift
/// var metadata: Metadata = [FaultMetadataKeys.failFirstN: "2", FaultMetadataKeys.key: "test-42"]
/// // the first two calls carrying key test-42 fail UNAVAILABLE, the rest pass
/// ```
public enum FaultMetadataKeys {
    /// `x-fault-status`: fail with this status: a name (`UNAVAILABLE`, case-insensitive) or a
    /// number (1...16). With ``failFirstN``: the status of the failing calls.
    public static let status = "x-fault-status"
    /// `x-fault-message`: the message of the injected status.
    public static let message = "x-fault-message"
    /// `x-fault-delay-ms`: delay the call by this many milliseconds (0...3600000) first.
    public static let delayMilliseconds = "x-fault-delay-ms"
    /// `x-fault-fail-first-n`: the first N calls (0...1000000) carrying the same ``key`` fail
    /// with ``status`` (default UNAVAILABLE); later ones pass.
    public static let failFirstN = "x-fault-fail-first-n"
    /// `x-fault-key`: the counter ``failFirstN`` uses; default: the method's path.
    public static let key = "x-fault-key"
    /// `x-fault-hang`: `true`/`1`/`yes` (or empty): never answer.
    public static let hang = "x-fault-hang"
    /// `x-fault-reset`: reset the stream; `true`/`yes` (or empty) for INTERNAL_ERROR, or a code
    /// name such as `REFUSED_STREAM` or a number such as `8` (so `1` is PROTOCOL_ERROR).
    public static let reset = "x-fault-reset"
    /// `x-fault-goaway`: `true`/`1`/`yes` (or empty): GOAWAY excluding this call.
    public static let goAway = "x-fault-goaway"
    /// `x-fault-drop`: `true`/`1`/`yes` (or empty): drop the connection.
    public static let drop = "x-fault-drop"
    /// `x-fault-pushback-ms`: send `grpc-retry-pushback-ms` with this value (0...2147483647)
    /// with the injected status.
    public static let pushbackMilliseconds = "x-fault-pushback-ms"

    /// The prefix every key shares.
    public static let prefix = "x-fault-"

    /// Every key above.
    public static let all = [status, message, delayMilliseconds, failFirstN, key, hang, reset, goAway, drop, pushbackMilliseconds]
}

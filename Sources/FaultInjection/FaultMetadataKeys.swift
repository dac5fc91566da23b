/// The request metadata keys that ask ``FaultInjectionInterceptor`` for faults, honoured only
/// when ``FaultInjectionInterceptor/Configuration/allowsMetadataFaults`` is on (off by default:
/// never in production). A call carrying any `x-fault-*` key gets exactly the faults it asks
/// for; the configured rules and phases do not apply to it.
///
/// A call gets one fault: an error (``status`` and/or ``failFirstN``), ``hang``, ``reset``,
/// ``goAway`` or ``drop``; ``delayMilliseconds`` combines with any of them (the delay comes
/// first). The call fails INVALID_ARGUMENT, naming every problem, when its metadata has:
/// - an unknown `x-fault-*` key (a typo such as `x-fault-delay`); the message lists ``all``;
/// - a key given more than once;
/// - a bad value (naming the key and the value);
/// - a key that does nothing alone: ``message`` or ``pushbackMilliseconds`` without ``status``
///   or ``failFirstN``, ``key`` without ``failFirstN``;
/// - two faults that exclude each other, e.g. ``status`` with ``hang`` (naming both keys).
///
/// Booleans (``hang``, ``reset``, ``goAway``, ``drop``): `true`, `1`, `yes`, `on` or empty
/// turn the fault on; `false`, `0`, `no`, `off` leave it off (any case).
///
/// ```swift
/// var metadata: Metadata = [FaultMetadataKeys.failFirstN: "2", FaultMetadataKeys.key: "test-42"]
/// // the first two calls carrying key test-42 fail UNAVAILABLE, the rest pass
/// ```
public enum FaultMetadataKeys {
    /// `x-fault-status`: fail with this status: a name (`UNAVAILABLE`, case-insensitive) or a
    /// number (1...16). With ``failFirstN``: the status of the failing calls.
    public static let status = "x-fault-status"
    /// `x-fault-message`: the message of the injected status; needs ``status`` or ``failFirstN``.
    public static let message = "x-fault-message"
    /// `x-fault-delay-ms`: delay the call by this many milliseconds (0...3600000) first.
    public static let delayMilliseconds = "x-fault-delay-ms"
    /// `x-fault-fail-first-n`: the first N calls (0...1000000) carrying the same ``key`` fail
    /// with ``status`` (default UNAVAILABLE); later ones pass. Without ``key`` the count is per
    /// method: the first N such calls to each method fail.
    public static let failFirstN = "x-fault-fail-first-n"
    /// `x-fault-key`: the counter ``failFirstN`` uses (default: the method's path); needs
    /// ``failFirstN``.
    public static let key = "x-fault-key"
    /// `x-fault-hang`: a boolean; on: never answer (until the deadline or cancellation).
    public static let hang = "x-fault-hang"
    /// `x-fault-reset`: reset the stream. A boolean (on: INTERNAL_ERROR; off: no reset), an
    /// HTTP/2 error code name such as `REFUSED_STREAM`, or a code number in 2...13 such as `8`
    /// (CANCEL); `0` and `1` are booleans, so name NO_ERROR and PROTOCOL_ERROR.
    public static let reset = "x-fault-reset"
    /// `x-fault-goaway`: a boolean; on: GOAWAY excluding this call.
    public static let goAway = "x-fault-goaway"
    /// `x-fault-drop`: a boolean; on: drop the connection.
    public static let drop = "x-fault-drop"
    /// `x-fault-pushback-ms`: send `grpc-retry-pushback-ms` with this value (0...2147483647)
    /// with the injected status; needs ``status`` or ``failFirstN``.
    public static let pushbackMilliseconds = "x-fault-pushback-ms"

    /// The prefix every key shares.
    public static let prefix = "x-fault-"

    /// Every key above.
    public static let all = [status, message, delayMilliseconds, failFirstN, key, hang, reset, goAway, drop, pushbackMilliseconds]
}

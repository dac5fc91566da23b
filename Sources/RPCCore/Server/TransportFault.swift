/// An action a server transport takes instead of sending a status: reset the call's HTTP/2
/// stream, send GOAWAY, or drop the whole connection. Fault injection uses it to make a server
/// misbehave the way real networks and proxies do.
///
/// A handler or server interceptor asks for it by throwing it, or an ``RPCError`` whose
/// ``RPCError/cause`` is one (use ``rpcError(message:)``). A transport that can act on it does
/// so; one that cannot (the in-process transport) sends the error's status, UNAVAILABLE.
///
/// What a client sees over HTTP/2 (Breakwater's client; grpc-go and grpcio behave alike):
/// - ``resetStream(_:)``: RST_STREAM with the code, by default ``ResetCode/internalError``:
///   INTERNAL. ``ResetCode/refusedStream`` gives UNAVAILABLE marked not processed (retried
///   transparently), ``ResetCode/cancel`` CANCELLED, ``ResetCode/enhanceYourCalm``
///   RESOURCE_EXHAUSTED.
/// - ``goAway``: the stream is refused (RST_STREAM REFUSED_STREAM), so the client sees this call
///   as not processed (UNAVAILABLE, safe to retry), and a GOAWAY (NO_ERROR) goes out naming the
///   last stream the server has received, as a server going away does: the other calls already
///   received finish normally, calls the client starts before it reads the GOAWAY are refused
///   (not processed), and new calls go to a new connection. The connection closes once the
///   remaining calls are done.
/// - ``dropConnection``: the socket is closed at once with a TCP reset, no GOAWAY; every call in
///   flight on that connection fails with UNAVAILABLE and their handlers are cancelled.
///
/// ```swift
/// throw TransportFault.goAway.rpcError(message: "injected GOAWAY")
/// ```
public struct TransportFault: Error, Sendable, Hashable, CustomStringConvertible, RPCErrorConvertible {
    /// What the transport does.
    public enum Action: Sendable, Hashable {
        /// Reset the call's stream with this HTTP/2 error code.
        case resetStream(ResetCode)
        /// Refuse the call's stream and send GOAWAY; close once the other calls received end.
        case goAway
        /// Close the connection abruptly (TCP reset), without GOAWAY.
        case dropConnection
    }

    /// The action.
    public var action: Action

    /// Creates a fault for `action`.
    public init(_ action: Action) { self.action = action }

    /// Resets the call's stream with `code` (default INTERNAL_ERROR: the client sees INTERNAL).
    public static func resetStream(_ code: ResetCode = .internalError) -> TransportFault {
        TransportFault(.resetStream(code))
    }

    /// GOAWAY excluding the call's stream: the client sees the call as not processed.
    public static let goAway = TransportFault(.goAway)

    /// Closes the connection abruptly: every call on it fails with UNAVAILABLE.
    public static let dropConnection = TransportFault(.dropConnection)

    /// An UNAVAILABLE error carrying this fault as its cause: what to throw from a handler or
    /// an interceptor. The message is what transports that cannot act on the fault send.
    public func rpcError(message: String? = nil) -> RPCError {
        RPCError(code: .unavailable, message: message ?? rpcErrorMessage, cause: self)
    }

    /// The fault `error` asks for: `error` itself, or the cause of an ``RPCError`` (followed
    /// through nested causes); `nil` when there is none.
    public init?(requestedBy error: any Error) {
        var current: (any Error)? = error
        var depth = 0
        while let candidate = current, depth < 16 {
            if let fault = candidate as? TransportFault {
                self = fault
                return
            }
            current = (candidate as? RPCError)?.cause
            depth += 1
        }
        return nil
    }

    public var rpcErrorCode: Status.Code { .unavailable }

    public var rpcErrorMessage: String {
        "the server asked its transport to \(self), which this transport cannot do"
    }

    public var description: String {
        switch action {
        case .resetStream(let code): "reset the stream (\(code))"
        case .goAway: "send GOAWAY"
        case .dropConnection: "drop the connection"
        }
    }
}

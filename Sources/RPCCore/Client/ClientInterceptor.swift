/// Intercepts client calls: sees and may change the request, the context and the response, may
/// call `next` any number of times (retry, hedging) or not at all (an open circuit, a fallback).
///
/// Interceptors run in array order, the first outermost. An interceptor may fail a call by
/// throwing or by returning a response whose `accepted` is `.failure`; the client treats both
/// alike. A call's outcome is known only when its body ends: use
/// ``StreamingClientResponse/onEnd(_:)`` to observe it.
///
/// ```swift
/// struct RequestID: ClientInterceptor {
///     func intercept(
///         request: StreamingClientRequest, context: ClientContext,
///         next: @Sendable (StreamingClientRequest, ClientContext) async throws -> StreamingClientResponse
///     ) async throws -> StreamingClientResponse {
///         var request = request
///         request.metadata.addString("42", forKey: "x-request-id")
///         return try await next(request, context)
///     }
/// }
/// ```
public protocol ClientInterceptor: Sendable {
    func intercept(
        request: StreamingClientRequest,
        context: ClientContext,
        next: @Sendable (StreamingClientRequest, ClientContext) async throws -> StreamingClientResponse
    ) async throws -> StreamingClientResponse
}

/// Intercepts server calls before their handler: may reject them (return or throw an error),
/// change the request or context, or wrap the response. Runs in array order, the first outermost.
public protocol ServerInterceptor: Sendable {
    func intercept(
        request: StreamingServerRequest,
        context: ServerContext,
        next: @Sendable (StreamingServerRequest, ServerContext) async throws -> StreamingServerResponse
    ) async throws -> StreamingServerResponse
}

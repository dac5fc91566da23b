/// A client interceptor of this package that ``RPCClient`` calls with a ``ClientNext`` value
/// instead of a `next` closure, so each of its layers costs one async frame. Its closure-taking
/// `intercept` (for direct callers) should wrap the closure with ``ClientNext/init(_:)`` and run
/// the same code.
@usableFromInline
package protocol ChainedClientInterceptor: ClientInterceptor {
    func intercept(
        request: StreamingClientRequest,
        context: ClientContext,
        next: ClientNext
    ) async throws -> StreamingClientResponse
}

extension ChainedClientInterceptor {
    /// Runs ``intercept(request:context:next:)-(_,_,ClientNext)`` with a `next` closure.
    @inlinable
    package func interceptWithClosure(
        request: StreamingClientRequest,
        context: ClientContext,
        next: @Sendable (StreamingClientRequest, ClientContext) async throws -> StreamingClientResponse
    ) async throws -> StreamingClientResponse {
        try await withoutActuallyEscaping(next) { next in
            try await intercept(request: request, context: context, next: ClientNext(next))
        }
    }
}

/// The rest of a client call's chain as an interceptor of this package sees it: the layers after
/// it and the transport, or a `next` closure when the interceptor is called directly.
///
/// ``RPCClient`` calls ``ChainedClientInterceptor``s with one of these instead of a closure, and
/// calling it runs the next layer inline: one async frame per layer instead of three (the
/// interceptor, the closure, the client's dispatch).
@usableFromInline
package struct ClientNext: Sendable {
    @usableFromInline
    enum Kind: Sendable {
        case chain(ClientLayers, index: Int)
        case closure(@Sendable (StreamingClientRequest, ClientContext) async throws -> StreamingClientResponse)
    }

    @usableFromInline let kind: Kind

    @inlinable
    init(_ layers: ClientLayers, index: Int) { kind = .chain(layers, index: index) }

    /// Wraps a `next` closure; it must outlive every call (see `withoutActuallyEscaping`).
    @inlinable
    package init(_ next: @escaping @Sendable (StreamingClientRequest, ClientContext) async throws -> StreamingClientResponse) {
        kind = .closure(next)
    }

    /// Runs the rest of the chain.
    @inlinable @inline(__always)
    package func callAsFunction(_ request: StreamingClientRequest, _ context: ClientContext) async throws -> StreamingClientResponse {
        switch kind {
        case .closure(let next):
            return try await next(request, context)
        case .chain(let clientLayers, let index):
            // Inlined into the interceptor calling it, so the next layer runs without a frame
            // in between.
            let layers = clientLayers.layers
            guard index < layers.count else {
                if let deadline = context.deadline, deadline <= .now { return ClientLayers.deadlinePassed(context) }
                return try await clientLayers.transport.call(request: request, context: context)
            }
            switch layers[index] {
            case .chained(let interceptor):
                return try await interceptor.intercept(request: request, context: context, next: ClientNext(clientLayers, index: index + 1))
            case .general(let interceptor):
                return try await interceptor.intercept(request: request, context: context) { request, context in
                    try await clientLayers.run(index + 1, request, context)
                }
            }
        }
    }
}

/// A client's interceptors, prepared once, and its transport.
@usableFromInline
final class ClientLayers: Sendable {
    @usableFromInline
    enum Layer: Sendable {
        case chained(any ChainedClientInterceptor)
        case general(any ClientInterceptor)
    }

    @usableFromInline let layers: [Layer]
    @usableFromInline let transport: any ClientTransport

    init(interceptors: [any ClientInterceptor], transport: any ClientTransport) {
        layers = interceptors.map { interceptor in
            if let chained = interceptor as? any ChainedClientInterceptor { return .chained(chained) }
            return .general(interceptor)
        }
        self.transport = transport
    }

    /// Runs layer `index` (the transport after the last): for the client's first layer, and
    /// the closures given to interceptors outside this package. Not inlinable, so that
    /// ``ClientNext/callAsFunction(_:_:)``, which holds the dispatch, does not call itself.
    @usableFromInline
    func run(_ index: Int, _ request: StreamingClientRequest, _ context: ClientContext) async throws -> StreamingClientResponse {
        try await ClientNext(self, index: index)(request, context)
    }

    @usableFromInline
    static func deadlinePassed(_ context: ClientContext) -> StreamingClientResponse {
        StreamingClientResponse(error: RPCError(
            code: .deadlineExceeded,
            message: "deadline for \(context.descriptor) passed before the call was sent"
        ))
    }
}

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
        /// Layer `index` of the chain, starting with its hook `hook` (see ``ClientLayers/hooks``).
        case chain(ClientLayers, index: Int, hook: Int)
        case closure(@Sendable (StreamingClientRequest, ClientContext) async throws -> StreamingClientResponse)
    }

    @usableFromInline let kind: Kind

    @inlinable
    init(_ layers: ClientLayers, index: Int, hook: Int = 0) { kind = .chain(layers, index: index, hook: hook) }

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
        case .chain(let clientLayers, let index, let firstHook):
            // Inlined into the interceptor calling it, so the next layer runs without a frame
            // in between, and the hooks in front of it (``ClientCallHook``) run synchronously
            // here, without one of their own.
            guard firstHook < clientLayers.hooks[index].count else {
                return try await clientLayers.call(index, request, context)
            }
            var context = context
            var observer: CallEndObserver?
            switch clientLayers.enter(index, from: firstHook, context: &context, observer: &observer) {
            case nil:
                break
            case .reject(let response)?:
                return observer?.observe(response) ?? response
            case .intercept(let hook)?:
                return try await clientLayers.intercept(index, hook: hook, request, context, observer)
            }
            let response: StreamingClientResponse
            do {
                response = try await clientLayers.call(index, request, context)
            } catch {
                observer?.report(.failure(RPCError(from: error)))
                throw error
            }
            return observer?.observe(response) ?? response
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
        case transport
    }

    /// What stopped the hooks before the layer.
    @usableFromInline
    enum Early: Sendable {
        case reject(StreamingClientResponse)
        /// Hook `index` in front of the layer must run its `intercept`.
        case intercept(Int)
    }

    /// The layers: each interceptor that is not a hook, then the transport.
    @usableFromInline let layers: [Layer]
    /// The hooks in front of each layer, outermost first, which run in the frame that calls
    /// the layer.
    @usableFromInline let hooks: [[any ClientCallHook]]
    @usableFromInline let transport: any ClientTransport

    init(interceptors: [any ClientInterceptor], transport: any ClientTransport) {
        var layers: [Layer] = []
        var hooks: [[any ClientCallHook]] = []
        var pending: [any ClientCallHook] = []
        for interceptor in interceptors {
            if let hook = interceptor as? any ClientCallHook {
                pending.append(hook)
                continue
            }
            if let chained = interceptor as? any ChainedClientInterceptor {
                layers.append(.chained(chained))
            } else {
                layers.append(.general(interceptor))
            }
            hooks.append(pending)
            pending = []
        }
        layers.append(.transport)
        hooks.append(pending)
        self.layers = layers
        self.hooks = hooks
        self.transport = transport
    }

    /// Runs layer `index` (the transport after the last): for the closures given to
    /// interceptors outside this package. Not inlinable, so that
    /// ``ClientNext/callAsFunction(_:_:)``, which holds the dispatch, does not call itself.
    @usableFromInline
    func run(_ index: Int, _ request: StreamingClientRequest, _ context: ClientContext) async throws -> StreamingClientResponse {
        try await ClientNext(self, index: index)(request, context)
    }

    /// Calls layer `index` of the chain (not its hooks). Inlined into ``ClientNext/callAsFunction(_:_:)``.
    @inlinable @inline(__always)
    func call(_ index: Int, _ request: StreamingClientRequest, _ context: ClientContext) async throws -> StreamingClientResponse {
        switch layers[index] {
        case .transport:
            if let deadline = context.deadlineOffset, deadline <= CallClock.now() { return ClientLayers.deadlinePassed(context) }
            return try await transport.call(request: request, context: context)
        case .chained(let interceptor):
            return try await interceptor.intercept(request: request, context: context, next: ClientNext(self, index: index + 1))
        case .general(let interceptor):
            return try await interceptor.intercept(request: request, context: context) { request, context in
                try await self.run(index + 1, request, context)
            }
        }
    }

    /// Runs the hooks of layer `layer` from `first` on; their admissions go to one end observer,
    /// made on the first (one allocation for all of them). Returns what stopped them, if anything.
    @usableFromInline
    func enter(
        _ layer: Int, from first: Int, context: inout ClientContext, observer: inout CallEndObserver?
    ) -> Early? {
        let hooks = self.hooks[layer]
        var index = first
        while index < hooks.count {
            let hook = hooks[index]
            index += 1
            switch hook.enter(context: &context) {
            case .proceed(let token?):
                if let observer { observer.admit(token) } else { observer = CallEndObserver(hook: token) }
            case .proceed(nil): continue
            case .reject(let response): return .reject(response)
            case .intercept: return .intercept(index - 1)
            }
        }
        return nil
    }

    /// The slow path of hook `hook` of layer `index` (a bulkhead that must wait): its
    /// `intercept`, the hooks after it and the layer as its `next`, and the end of the call
    /// reported to the hooks in front of it.
    @usableFromInline
    func intercept(
        _ index: Int, hook: Int, _ request: StreamingClientRequest, _ context: ClientContext, _ observer: CallEndObserver?
    ) async throws -> StreamingClientResponse {
        let response: StreamingClientResponse
        do {
            response = try await hooks[index][hook].intercept(
                request: request, context: context, next: ClientNext(self, index: index, hook: hook + 1)
            )
        } catch {
            observer?.report(.failure(RPCError(from: error)))
            throw error
        }
        return observer?.observe(response) ?? response
    }

    @usableFromInline
    static func deadlinePassed(_ context: ClientContext) -> StreamingClientResponse {
        StreamingClientResponse(error: RPCError(
            code: .deadlineExceeded,
            message: "deadline for \(context.descriptor) passed before the call was sent"
        ))
    }
}

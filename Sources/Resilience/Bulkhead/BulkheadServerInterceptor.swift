import RPCCore

/// Lets a server protect itself: each call takes a permit from a bulkhead before its handler
/// runs, or is answered RESOURCE_EXHAUSTED at once (Trailers-Only, with the ``BulkheadFullError``
/// message) without running the handler. The permit is held until the response has been
/// produced: the handler's response producer returned or threw, or the response was dropped
/// unsent (the client went away).
///
/// For an adaptive limit, outcomes are classified as for ``BulkheadInterceptor``: the
/// ``BulkheadInterceptor/overloadCodes`` back the limit off, cancellation says nothing, anything
/// else is a latency sample.
///
/// A server bulkhead usually fails fast (`maxWait: .zero`): a client has its own deadline, and a
/// queue at the server only adds latency to calls that will be retried elsewhere.
///
/// ```swift
/// let server = RPCServer(transport: transport, services: [CatalogService()], interceptors: [
///     BulkheadServerInterceptor(bulkhead: Bulkhead(name: "catalog-server", configuration: try .init(maxConcurrentCalls: 64, maxWait: .zero))),
/// ])
/// ```
public struct BulkheadServerInterceptor: ServerInterceptor {
    private let bulkheads: BulkheadSource

    /// One bulkhead for every call the server handles.
    public init(bulkhead: Bulkhead) {
        bulkheads = .single(bulkhead)
    }

    /// A bulkhead per method (or service) from `registry`.
    public init(registry: BulkheadRegistry) {
        bulkheads = .registry(registry)
    }

    /// The bulkhead that guards calls to `descriptor`.
    public func bulkhead(for descriptor: MethodDescriptor) -> Bulkhead {
        bulkheads.bulkhead(for: descriptor)
    }

    public func intercept(
        request: StreamingServerRequest,
        context: ServerContext,
        next: @Sendable (StreamingServerRequest, ServerContext) async throws -> StreamingServerResponse
    ) async throws -> StreamingServerResponse {
        let permit: Bulkhead.Permit
        do {
            permit = try await bulkhead(for: context.descriptor).acquire()
        } catch {
            return StreamingServerResponse(error: RPCError(from: error))
        }
        let response: StreamingServerResponse
        do {
            response = try await next(request, context)
        } catch {
            permit.release(BulkheadInterceptor.classify(.failure(RPCError(from: error))))
            throw error
        }
        switch response.accepted {
        case .failure(let error):
            permit.release(BulkheadInterceptor.classify(.failure(error)))
            return response
        case .success(let contents):
            let holder = ServerPermitHolder(permit)
            let producer = contents.producer
            return StreamingServerResponse(accepted: .success(.init(metadata: contents.metadata) { writer in
                do {
                    let trailers = try await producer(writer)
                    holder.release(.success)
                    return trailers
                } catch {
                    holder.release(Task.isCancelled ? .ignored : BulkheadInterceptor.classify(.failure(RPCError(from: error))))
                    throw error
                }
            }))
        }
    }
}

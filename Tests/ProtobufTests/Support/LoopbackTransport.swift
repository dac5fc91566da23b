import RPCCore

/// A client transport that hands each call straight to an `RPCRouter`'s handler in the same
/// process: requests are collected first, then the handler runs and its responses are replayed.
/// Enough to drive the typed clients against the example services in tests.
struct LoopbackTransport: ClientTransport {
    let router: RPCRouter

    init(services: [any RegistrableRPCService]) {
        var router = RPCRouter()
        for service in services { service.registerMethods(with: &router) }
        self.router = router
    }

    func call(request: StreamingClientRequest, context: ClientContext) async throws -> StreamingClientResponse {
        guard let handler = router.handler(forPath: context.descriptor.path) else {
            return StreamingClientResponse(error: RPCError(code: .unimplemented, message: "no method \(context.descriptor)"))
        }
        let collector = Collector()
        try await request.producer(RPCWriter { message in await collector.append(message) })
        let messages = await collector.items
        let serverRequest = StreamingServerRequest(metadata: request.metadata, messages: .elements(messages))
        let response: StreamingServerResponse
        do {
            response = try await handler(serverRequest, ServerContext(descriptor: context.descriptor, remotePeer: "loopback"))
        } catch {
            return StreamingClientResponse(error: RPCError(from: error))
        }
        switch response.accepted {
        case .failure(let error):
            return StreamingClientResponse(error: error)
        case .success(let contents):
            let written = Collector()
            let parts: [ResponsePart]
            do {
                let trailers = try await contents.producer(RPCWriter { message in await written.append(message) })
                parts = await written.items.map { ResponsePart.message($0) } + [.trailers(trailers)]
            } catch {
                let sent = await written.items.map { ResponsePart.message($0) }
                let failure = RPCError(from: error)
                return StreamingClientResponse(accepted: .success(.init(
                    metadata: contents.metadata,
                    bodyParts: RPCAsyncSequence(makeNext: {
                        var index = 0
                        return {
                            defer { index += 1 }
                            if index < sent.count { return sent[index] }
                            throw failure
                        }
                    })
                )))
            }
            return StreamingClientResponse(accepted: .success(.init(metadata: contents.metadata, bodyParts: .elements(parts))))
        }
    }

    func close() async {}
}

/// Collects written elements.
actor Collector {
    private(set) var items: [[UInt8]] = []
    func append(_ item: [UInt8]) { items.append(item) }
}

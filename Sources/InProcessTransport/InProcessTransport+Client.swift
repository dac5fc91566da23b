import RPCCore

extension InProcessTransport {
    /// The client end of an ``InProcessTransport``.
    ///
    /// A call returns once the server handler has produced its response headers, or with
    /// `accepted == .failure` when the call ended before them (the handler failed, the deadline
    /// passed, the task was cancelled, the server is shutting down or has stopped). Dropping a
    /// response body before its end cancels the call. Response messages larger than
    /// ``CallOptions/maxResponseMessageBytes`` and request messages larger than
    /// ``CallOptions/maxRequestMessageBytes`` fail the call with RESOURCE_EXHAUSTED.
    public struct Client: ClientTransport {
        let hub: InProcessHub

        init(hub: InProcessHub) { self.hub = hub }

        /// Starts a call: see ``ClientTransport/call(request:context:)``.
        public func call(request: StreamingClientRequest, context: ClientContext) async throws -> StreamingClientResponse {
            let descriptor = context.descriptor
            if let deadline = context.deadline, deadline <= .now {
                return StreamingClientResponse(error: RPCError(
                    code: .deadlineExceeded,
                    message: "the deadline of \(descriptor) passed before the call started"
                ))
            }
            if Task.isCancelled {
                return StreamingClientResponse(error: RPCError(code: .cancelled, message: "\(descriptor) was cancelled before it started"))
            }
            let serverContext = ServerContext(descriptor: descriptor, remotePeer: "in-process", deadline: context.deadline)
            let call: InProcessCall
            switch hub.submit(metadata: request.metadata, context: serverContext) {
            case .success(let submitted): call = submitted
            case .failure(let error): return StreamingClientResponse(error: error)
            }
            if let deadline = context.deadline { call.startTimer(deadline: deadline) }
            call.startProducer(request.producer, maxMessageBytes: context.options.maxRequestMessageBytes)

            let first: ResponseEvent?
            do {
                first = try await withTaskCancellationHandler {
                    try await call.responses.next()
                } onCancel: {
                    call.terminate(RPCError(code: .cancelled, message: "\(descriptor) was cancelled"))
                }
            } catch {
                let rpcError = ResponseReader.convert(error, descriptor: descriptor)
                call.terminate(rpcError)
                return StreamingClientResponse(error: rpcError)
            }
            guard case .headers(let metadata) = first else {
                let error = RPCError(code: .internal, message: "\(descriptor) sent no response headers")
                call.terminate(error)
                return StreamingClientResponse(error: error)
            }
            let reader = ResponseReader(call: call, maxMessageBytes: context.options.maxResponseMessageBytes)
            let body = RPCAsyncSequence<ResponsePart>(makeNext: { { try await reader.next() } })
            return StreamingClientResponse(accepted: .success(.init(metadata: metadata, bodyParts: body)))
        }

        /// Refuses new calls and fails those in flight with UNAVAILABLE.
        public func close() async {
            hub.closeClient()
        }
    }
}

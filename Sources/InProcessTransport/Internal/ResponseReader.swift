import RPCCore

/// Reads the response body of one in-process call for the client. Dropping it before the end
/// cancels the call.
final class ResponseReader: Sendable {
    private let call: InProcessCall
    private let maxMessageBytes: Int

    init(call: InProcessCall, maxMessageBytes: Int) {
        self.call = call
        self.maxMessageBytes = maxMessageBytes
    }

    deinit {
        call.terminate(RPCError(code: .cancelled, message: "the response of \(call.context.descriptor) was dropped before it ended"))
    }

    func next() async throws -> ResponsePart? {
        let descriptor = call.context.descriptor
        let call = self.call
        do {
            let event = try await withTaskCancellationHandler {
                try await call.responses.next()
            } onCancel: {
                call.terminate(RPCError(code: .cancelled, message: "\(descriptor) was cancelled"))
            }
            switch event {
            case nil:
                return nil
            case .message(let message):
                guard message.count <= maxMessageBytes else {
                    throw RPCError(
                        code: .resourceExhausted,
                        message: "response message of \(message.count) bytes from \(descriptor) is larger than the limit of \(maxMessageBytes) bytes"
                    )
                }
                return .message(message)
            case .trailers(let trailers):
                return .trailers(trailers)
            case .headers:
                throw RPCError(code: .internal, message: "\(descriptor) sent response headers twice")
            }
        } catch {
            let rpcError = Self.convert(error, descriptor: descriptor)
            call.terminate(rpcError)
            throw rpcError
        }
    }

    /// The error a client sees: cancellation of its own task is CANCELLED.
    static func convert(_ error: any Error, descriptor: MethodDescriptor) -> RPCError {
        if error is CancellationError {
            return RPCError(code: .cancelled, message: "\(descriptor) was cancelled", cause: error)
        }
        return RPCError(from: error)
    }
}

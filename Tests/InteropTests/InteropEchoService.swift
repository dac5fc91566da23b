import ExampleServices
import RPCCore

/// The Echo behaviours both interop peers agree on (see python/interop.py).
struct InteropEchoService: Echo_V1_EchoServiceProtocol {
    static let specialMessage = "\t\ntest with whitespace\r\nand Unicode BMP \u{263A} and non-BMP \u{1F608}\t\n"
    static let trailerBinary: [UInt8] = [0x00, 0x01, 0xFE, 0xFF]

    func get(request: ServerRequest<Echo_V1_EchoRequest>, context: ServerContext) async throws -> ServerResponse<Echo_V1_EchoResponse> {
        switch request.message.text {
        case "error":
            var trailers: Metadata = ["x-trailer": "t-value"]
            trailers.addBinary(Self.trailerBinary, forKey: "x-trailer-bin")
            throw RPCError(code: .failedPrecondition, message: Self.specialMessage, metadata: trailers)
        case "slow":
            // Wait for the transport to cancel the handler at the deadline (at most 10 s).
            try? await Task.sleep(for: .seconds(10))
            return ServerResponse(message: Echo_V1_EchoResponse(text: "too late"))
        case "remaining":
            guard let deadline = context.deadline else { return ServerResponse(message: Echo_V1_EchoResponse(text: "none")) }
            let left = ContinuousClock.now.duration(to: deadline)
            let ms = left.components.seconds * 1000 + left.components.attoseconds / 1_000_000_000_000_000
            return ServerResponse(message: Echo_V1_EchoResponse(text: String(ms)))
        default:
            let custom = request.metadata.firstString(forKey: "x-custom") ?? ""
            return ServerResponse(message: Echo_V1_EchoResponse(text: request.message.text), metadata: ["x-echo-header": .string(custom)])
        }
    }

    func expand(request: ServerRequest<Echo_V1_EchoRequest>, response: RPCWriter<Echo_V1_EchoResponse>, context: ServerContext) async throws -> Metadata {
        try await EchoService().expand(request: request, response: response, context: context)
    }

    func collect(requests: RPCAsyncSequence<Echo_V1_EchoRequest>, metadata: Metadata, context: ServerContext) async throws -> ServerResponse<Echo_V1_EchoResponse> {
        try await EchoService().collect(requests: requests, metadata: metadata, context: context)
    }

    func update(
        requests: RPCAsyncSequence<Echo_V1_EchoRequest>, metadata: Metadata, response: RPCWriter<Echo_V1_EchoResponse>, context: ServerContext
    ) async throws -> Metadata {
        try await EchoService().update(requests: requests, metadata: metadata, response: response, context: context)
    }
}

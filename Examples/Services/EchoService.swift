import RPCCore

/// The example `echo.v1.Echo` service.
///
/// - `Get` returns the request's text.
/// - `Expand` splits the text on spaces and returns one response per word (indexed from 0).
/// - `Collect` joins the texts of all requests with single spaces.
/// - `Update` returns each request's text as it arrives (indexed from 0).
///
/// ```swift
/// let server = RPCServer(transport: transport, services: [EchoService(), CatalogService()])
/// ```
public struct EchoService: Echo_V1_EchoServiceProtocol {
    public init() {}

    public func get(
        request: ServerRequest<Echo_V1_EchoRequest>, context: ServerContext
    ) async throws -> ServerResponse<Echo_V1_EchoResponse> {
        ServerResponse(message: Echo_V1_EchoResponse(text: request.message.text))
    }

    public func expand(
        request: ServerRequest<Echo_V1_EchoRequest>, response: RPCWriter<Echo_V1_EchoResponse>, context: ServerContext
    ) async throws -> Metadata {
        let words = request.message.text.split(separator: " ")
        for (index, word) in words.enumerated() {
            try Task.checkCancellation()
            try await response.write(Echo_V1_EchoResponse(text: String(word), index: Int32(clamping: index)))
        }
        return [:]
    }

    public func collect(
        requests: RPCAsyncSequence<Echo_V1_EchoRequest>, metadata: Metadata, context: ServerContext
    ) async throws -> ServerResponse<Echo_V1_EchoResponse> {
        var texts: [String] = []
        for try await request in requests { texts.append(request.text) }
        return ServerResponse(message: Echo_V1_EchoResponse(text: texts.joined(separator: " ")))
    }

    public func update(
        requests: RPCAsyncSequence<Echo_V1_EchoRequest>, metadata: Metadata,
        response: RPCWriter<Echo_V1_EchoResponse>, context: ServerContext
    ) async throws -> Metadata {
        var index: Int32 = 0
        for try await request in requests {
            try await response.write(Echo_V1_EchoResponse(text: request.text, index: index))
            index &+= 1
        }
        return [:]
    }
}

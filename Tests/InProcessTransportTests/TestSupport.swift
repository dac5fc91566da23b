import InProcessTransport
import RPCCore
import Synchronization
import Testing

/// A one-shot event that tasks can wait for.
final class Signal: Sendable {
    private let state = Mutex<(fired: Bool, waiters: [CheckedContinuation<Void, Never>])>((false, []))

    func fire() {
        let waiters = state.withLock { state in
            state.fired = true
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
    }

    func wait() async {
        await withCheckedContinuation { continuation in
            let fired = state.withLock { state in
                if !state.fired { state.waiters.append(continuation) }
                return state.fired
            }
            if fired { continuation.resume() }
        }
    }
}

/// Records values from any task.
final class Recorder<Value: Sendable>: Sendable {
    private let values = Mutex<[Value]>([])
    func record(_ value: Value) { values.withLock { $0.append(value) } }
    var all: [Value] { values.withLock { $0 } }
}

/// UTF-8 text messages.
struct Text: MessageSerializer, MessageDeserializer {
    func serialize(_ message: String) throws -> [UInt8] { Array(message.utf8) }
    func deserialize(_ bytes: [UInt8]) throws -> String { String(decoding: bytes, as: UTF8.self) }
}

enum Methods {
    static let unary = MethodDescriptor(service: "test.Echo", method: "Get")
    static let serverStreaming = MethodDescriptor(service: "test.Echo", method: "Expand")
    static let clientStreaming = MethodDescriptor(service: "test.Echo", method: "Collect")
    static let bidi = MethodDescriptor(service: "test.Echo", method: "Update")
    static let unknown = MethodDescriptor(service: "test.Echo", method: "Missing")
}

/// Runs `body` with a client whose server serves `router`, then shuts the server down gracefully
/// and checks that `serve()` returned.
func withServer(
    _ router: RPCRouter,
    interceptors: [any ClientInterceptor] = [],
    _ body: (RPCClient<InProcessTransport.Client>, InProcessTransport) async throws -> Void
) async throws {
    let transport = InProcessTransport()
    let server = RPCServer(transport: transport.server, router: router)
    let client = RPCClient(transport: transport.client, interceptors: interceptors)
    let serving = Task { try await server.serve() }
    do {
        try await body(client, transport)
    } catch {
        server.beginGracefulShutdown()
        try await serving.value
        throw error
    }
    server.beginGracefulShutdown()
    try await serving.value
}

/// The echo service of the end-to-end tests.
func echoRouter() -> RPCRouter {
    var router = RPCRouter()
    router.registerUnary(Methods.unary, deserializer: Text(), serializer: Text()) { request, context in
        var metadata: Metadata = ["echo-peer": "\(context.remotePeer)"]
        metadata.add(contentsOf: request.metadata)
        return ServerResponse(message: "echo: \(request.message)", metadata: metadata, trailers: ["x-trailer": "done"])
    }
    router.registerServerStreaming(Methods.serverStreaming, deserializer: Text(), serializer: Text()) { request, writer, _ in
        for word in request.message.split(separator: " ") { try await writer.write(String(word)) }
        return ["count": "\(request.message.split(separator: " ").count)"]
    }
    router.registerStreaming(Methods.clientStreaming, deserializer: Text(), serializer: Text()) { messages, metadata, writer, _ in
        var all: [String] = []
        for try await message in messages { all.append(message) }
        try await writer.write(all.joined(separator: ","))
        return metadata
    }
    router.registerStreaming(Methods.bidi, deserializer: Text(), serializer: Text()) { messages, _, writer, _ in
        var count = 0
        for try await message in messages {
            count += 1
            try await writer.write(message.uppercased())
        }
        return ["count": "\(count)"]
    }
    return router
}

extension ResponsePart {
    var text: String? { if case .message(let bytes) = self { String(decoding: bytes, as: UTF8.self) } else { nil } }
    var trailerMetadata: Metadata? { if case .trailers(let metadata) = self { metadata } else { nil } }
}

extension StreamingClientResponse {
    var error: RPCError? { if case .failure(let error) = accepted { error } else { nil } }
}

/// A request of text messages.
func textRequest(_ messages: [String], metadata: Metadata = [:]) -> StreamingClientRequest {
    StreamingClientRequest(metadata: metadata) { writer in
        for message in messages { try await writer.write(Array(message.utf8)) }
    }
}

/// Reads a whole response body: its messages as text, and its trailers.
func readAll(_ response: StreamingClientResponse) async throws -> (metadata: Metadata, messages: [String], trailers: Metadata?) {
    let contents = try response.accepted.get()
    var messages: [String] = []
    var trailers: Metadata?
    for try await part in contents.bodyParts {
        if let text = part.text { messages.append(text) }
        if let metadata = part.trailerMetadata { trailers = metadata }
    }
    return (contents.metadata, messages, trailers)
}

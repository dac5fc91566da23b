import RPCCore
import Synchronization

/// Records values from any task, for assertions.
final class Recorder<Value: Sendable>: Sendable {
    private let values = Mutex<[Value]>([])

    func record(_ value: Value) { values.withLock { $0.append(value) } }

    var all: [Value] { values.withLock { $0 } }
}

/// A transport that answers every call with a scripted response and records what it saw.
struct ScriptedTransport: ClientTransport {
    let seen = Recorder<(metadata: Metadata, descriptor: MethodDescriptor, deadline: ContinuousClock.Instant?)>()
    let respond: @Sendable (StreamingClientRequest, ClientContext) async throws -> StreamingClientResponse

    func call(request: StreamingClientRequest, context: ClientContext) async throws -> StreamingClientResponse {
        seen.record((request.metadata, context.descriptor, context.deadline))
        return try await respond(request, context)
    }

    func close() async {}
}

/// Collects the messages a producer writes.
func collect(_ producer: @Sendable (RPCWriter<[UInt8]>) async throws -> Void) async throws -> [[UInt8]] {
    let recorder = Recorder<[UInt8]>()
    try await producer(RPCWriter { recorder.record($0) })
    return recorder.all
}

/// Reads all parts of a response body.
func drain(_ parts: RPCAsyncSequence<ResponsePart>) async throws -> [ResponsePart] {
    var out: [ResponsePart] = []
    for try await part in parts { out.append(part) }
    return out
}

extension ResponsePart {
    var messageBytes: [UInt8]? { if case .message(let bytes) = self { bytes } else { nil } }
    var trailerMetadata: Metadata? { if case .trailers(let metadata) = self { metadata } else { nil } }
}

extension CallOutcome {
    /// A comparable summary: "success [k: v]", "failure CODE: message", "abandoned".
    var summary: String {
        switch self {
        case .success(let trailers): "success \(trailers)"
        case .failure(let error): "failure \(error.code): \(error.message)"
        case .abandoned: "abandoned"
        }
    }
}

let echoDescriptor = MethodDescriptor(service: "test.Echo", method: "Get")

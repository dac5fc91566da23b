import HTTP2Transport
import RPCCore
import Testing

/// Streams whose messages outgrow the receive window's hold threshold, and streams whose response
/// ends before their request: both used to wedge (found by a stress review).
private enum LifecycleMethods {
    /// Server streaming: request = count and size (4 bytes little-endian each); writes `count`
    /// messages of `size` bytes, each starting with its index.
    static let flood = MethodDescriptor(service: "test.Lifecycle", method: "Flood")
    /// Client streaming: checks the order of the messages and answers "count total-bytes".
    static let sink = MethodDescriptor(service: "test.Lifecycle", method: "Sink")
    /// Answers at once without reading the request.
    static let answerAtOnce = MethodDescriptor(service: "test.Lifecycle", method: "AnswerAtOnce")
}

private func littleEndian(_ count: Int, _ size: Int) -> [UInt8] {
    (0..<4).map { UInt8(truncatingIfNeeded: count >> (8 * $0)) } + (0..<4).map { UInt8(truncatingIfNeeded: size >> (8 * $0)) }
}

private func index(of message: [UInt8]) -> Int {
    Int(message[0]) | Int(message[1]) << 8 | Int(message[2]) << 16
}

private func stamped(_ payload: inout [UInt8], _ index: Int) {
    payload[0] = UInt8(truncatingIfNeeded: index)
    payload[1] = UInt8(truncatingIfNeeded: index >> 8)
    payload[2] = UInt8(truncatingIfNeeded: index >> 16)
}

private func lifecycleRouter() -> RPCRouter {
    var router = makeRouter()
    let bytes = IdentitySerializer()
    router.registerServerStreaming(LifecycleMethods.flood, deserializer: bytes, serializer: bytes) { request, writer, _ -> Metadata in
        let m = request.message
        let count = (0..<4).reduce(0) { $0 | Int(m[$1]) << (8 * $1) }
        let size = (0..<4).reduce(0) { $0 | Int(m[4 + $1]) << (8 * $1) }
        var payload = [UInt8](repeating: 0, count: size)
        for index in 0..<count {
            stamped(&payload, index)
            try await writer.write(payload)
        }
        return [:]
    }
    router.registerStreaming(LifecycleMethods.sink, deserializer: bytes, serializer: bytes) { messages, _, writer, _ in
        var count = 0
        var total = 0
        for try await message in messages {
            guard index(of: message) == count & 0xFF_FFFF else {
                throw RPCError(code: .dataLoss, message: "message \(index(of: message)) arrived as number \(count)")
            }
            count += 1
            total += message.count
        }
        try await writer.write(Array("\(count) \(total)".utf8))
        return [:]
    }
    router.registerStreaming(LifecycleMethods.answerAtOnce, deserializer: bytes, serializer: bytes) { _, _, writer, _ in
        try await writer.write([42])
        return [:]
    }
    return router
}

@Suite("stream lifecycle over HTTP/2")
struct StreamLifecycleTests {
    static let largeMessages = {
        var options = CallOptions(timeout: .seconds(60))
        options.maxResponseMessageBytes = 4 << 20
        options.maxRequestMessageBytes = 4 << 20
        return options
    }()

    // A reader on its own thread could read a message before the loop had counted it; the
    // count then stayed up for ever and, once over half the high-water mark (messages above
    // 128 KiB), held the stream's window shut: the call hung until its deadline.
    @Test("a fast reader of large server-streamed messages gets them all", arguments: [300_000, 1_000_000])
    func largeServerStreamedMessages(size: Int) async throws {
        try await withServerAndClient(router: lifecycleRouter()) { client, _ in
            let count = 20_000_000 / size
            let response = await client.streaming(
                request: StreamingClientRequest(message: littleEndian(count, size)), descriptor: LifecycleMethods.flood, options: Self.largeMessages
            )
            var received = 0
            for try await part in try response.accepted.get().bodyParts {
                if case .message(let message) = part {
                    #expect(message.count == size && index(of: message) == received & 0xFF_FFFF)
                    received += 1
                }
            }
            #expect(received == count)
        }
    }

    @Test("a fast handler of large client-streamed messages gets them all, in order")
    func largeClientStreamedMessages() async throws {
        try await withServerAndClient(router: lifecycleRouter()) { client, _ in
            let size = 300_000
            let count = 20_000_000 / size
            let request = StreamingClientRequest(producer: { writer in
                var payload = [UInt8](repeating: 0, count: size)
                for index in 0..<count {
                    stamped(&payload, index)
                    try await writer.write(payload)
                }
            })
            let response = await client.streaming(request: request, descriptor: LifecycleMethods.sink, options: Self.largeMessages)
            var reply = ""
            for try await part in try response.accepted.get().bodyParts {
                if case .message(let message) = part { reply = String(decoding: message, as: UTF8.self) }
            }
            #expect(reply == "\(count) \(count * size)")
        }
    }

    // The client neither ended nor reset a request still open when the response ended, so each
    // such stream kept a slot of the server's MAX_CONCURRENT_STREAMS: the 5th call of a server
    // allowing 4 waited for ever.
    @Test("calls whose response ends before their request release their stream")
    func responseBeforeRequestEnds() async throws {
        var serverConfiguration = HTTP2ServerTransport.Configuration.defaults
        serverConfiguration.maxConcurrentStreams = 4
        try await withServerAndClient(router: lifecycleRouter(), serverConfiguration: serverConfiguration) { client, _ in
            for _ in 0..<12 {
                let request = StreamingClientRequest(producer: { writer in
                    try await writer.write([1])
                    try? await Task.sleep(for: .milliseconds(50))   // the request ends after the response
                })
                let response = await client.streaming(request: request, descriptor: LifecycleMethods.answerAtOnce, options: CallOptions(timeout: .seconds(20)))
                var messages: [[UInt8]] = []
                for try await part in try response.accepted.get().bodyParts {
                    if case .message(let message) = part { messages.append(message) }
                }
                #expect(messages == [[42]])
            }
        }
    }
}

import InProcessTransport
import RPCCore
import Testing

@Suite("InProcessTransport concurrency", .timeLimit(.minutes(1)))
struct ConcurrencyTests {
    @Test func thousandConcurrentUnaryCalls() async throws {
        try await withServer(echoRouter()) { client, _ in
            let replies = try await withThrowingTaskGroup(of: (Int, String).self) { group in
                for i in 0..<1_000 {
                    group.addTask {
                        let response = try await client.unary(
                            request: ClientRequest(message: "\(i)", metadata: ["x-i": "\(i)"]),
                            descriptor: Methods.unary, serializer: Text(), deserializer: Text()
                        )
                        #expect(response.metadata[stringValues: "x-i"] == ["\(i)"])
                        return (i, response.message)
                    }
                }
                var replies: [Int: String] = [:]
                for try await (i, message) in group { replies[i] = message }
                return replies
            }
            #expect(replies.count == 1_000)
            #expect((0..<1_000).allSatisfy { replies[$0] == "echo: \($0)" })
        }
    }

    @Test func concurrentBidirectionalStreams() async throws {
        try await withServer(echoRouter()) { client, _ in
            try await withThrowingTaskGroup(of: Void.self) { group in
                for i in 0..<100 {
                    group.addTask {
                        let words = (0..<20).map { "s\(i)m\($0)" }
                        let response = await client.streaming(request: textRequest(words), descriptor: Methods.bidi)
                        let (_, messages, trailers) = try await readAll(response)
                        #expect(messages == words.map { $0.uppercased() })
                        #expect(trailers == ["count": "20"])
                    }
                }
                try await group.waitForAll()
            }
        }
    }
}

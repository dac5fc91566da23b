import ExampleServices
import Foundation
import HTTP2Transport
import RPCCore
import Testing

/// Interop with a real gRPC implementation, grpcio (Python over gRPC's C core), both ways.
@Suite("Interop with grpcio", .serialized)
struct GRPCIOInteropTests {
    @Test("a grpcio client calls the Swift server: success, error with metadata, deadline, unknown method, concurrency")
    func grpcioClientCallsSwiftServer() async throws {
        try PythonPeer.requireGRPCIO()
        let transport = try HTTP2ServerTransport(address: .ipv4(host: "127.0.0.1", port: 0))
        let server = RPCServer(transport: transport, services: [InteropEchoService()])
        let serving = Task { try await server.serve() }
        defer {
            server.beginGracefulShutdown()
            serving.cancel()
        }
        guard case .ipv4(_, let port) = try await transport.listeningAddress() else {
            Issue.record("server did not bind an IPv4 address")
            return
        }

        let peer = try PythonPeer(arguments: ["client", "--port", String(port)])
        let result = await PythonPeer.offPool { peer.finish() }
        #expect(result.status == 0, "grpcio client failed:\n\(result.stderr)")
        let json = try #require(result.stdout.split(separator: "\n").last.map(String.init), "no output; stderr:\n\(result.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: [String: Any]])

        #expect(object["success"]?["text"] as? String == "hello")
        #expect(object["success"]?["x-echo-header"] as? String == "abc")
        #expect(object["success"]?["code"] as? String == "OK")

        #expect(object["error"]?["code"] as? String == "FAILED_PRECONDITION")
        #expect(object["error"]?["details"] as? String == InteropEchoService.specialMessage)
        #expect(object["error"]?["x-trailer"] as? String == "t-value")
        #expect(object["error"]?["x-trailer-bin"] as? String == "0001feff")

        #expect(object["deadline"]?["code"] as? String == "DEADLINE_EXCEEDED")
        let elapsed = try #require(object["deadline"]?["elapsed_ms"] as? Int)
        #expect(elapsed >= 250 && elapsed < 3000, "a 300 ms deadline ended after \(elapsed) ms")

        // grpcio sent grpc-timeout for its 5 s deadline; the handler saw the time left. gRPC core
        // rounds timeouts up to a coarse value (5 s arrives as about 5010m), hence the slack.
        let remaining = try #require(Int(object["remaining"]?["text"] as? String ?? ""), "handler saw no deadline")
        #expect(remaining > 3000 && remaining <= 5100, "handler saw \(remaining) ms left")

        #expect(object["unknown_method"]?["code"] as? String == "UNIMPLEMENTED")
        #expect(object["concurrent"]?["ok"] as? Int == 200)
    }

    @Test("the Swift client calls a grpcio server: success, error with metadata, deadline, grpc-timeout")
    func swiftClientCallsGRPCIOServer() async throws {
        try PythonPeer.requireGRPCIO()
        let peer = try PythonPeer(arguments: ["server"])
        defer { peer.stop() }
        let portLine = await PythonPeer.offPool { peer.readLine(startingWith: "PORT ") }
        let port = try #require(portLine.flatMap { Int($0.dropFirst(5)) }, "grpcio server did not start")

        let transport = try HTTP2ClientTransport(target: .ipv4(host: "127.0.0.1", port: port))
        let client = Echo_V1_EchoClient(wrapping: RPCClient(transport: transport))
        defer { Task { await transport.close() } }

        // Success with custom metadata both ways.
        let response = try await client.get(Echo_V1_EchoRequest(text: "hello"), metadata: ["x-custom": "abc"])
        #expect(response.message.text == "hello")
        #expect(response.metadata.firstString(forKey: "x-echo-header") == "abc")

        // Error status, message (unicode and whitespace) and trailers.
        do {
            _ = try await client.get(Echo_V1_EchoRequest(text: "error"))
            Issue.record("expected FAILED_PRECONDITION")
        } catch let error as RPCError {
            #expect(error.code == .failedPrecondition)
            #expect(error.message == InteropEchoService.specialMessage)
            #expect(error.metadata.firstString(forKey: "x-trailer") == "t-value")
            #expect(error.metadata[binaryValues: "x-trailer-bin"] == [InteropEchoService.trailerBinary])
        }

        // Our deadline: the call ends DEADLINE_EXCEEDED promptly.
        let start = ContinuousClock.now
        do {
            _ = try await client.get(Echo_V1_EchoRequest(text: "slow"), options: CallOptions(timeout: .milliseconds(300)))
            Issue.record("expected DEADLINE_EXCEEDED")
        } catch let error as RPCError {
            #expect(error.code == .deadlineExceeded)
        }
        let took = start.duration(to: .now)
        #expect(took >= .milliseconds(290) && took < .seconds(3), "took \(took)")

        // grpc-timeout reached the grpcio server.
        let remaining = try await client.get(Echo_V1_EchoRequest(text: "remaining"), options: CallOptions(timeout: .seconds(5)))
        let ms = try #require(Int(remaining.message.text), "server saw no deadline: \(remaining.message.text)")
        #expect(ms > 3000 && ms <= 5000)

        // Unknown method on a grpcio server.
        let raw = RPCClient(transport: transport)
        do {
            _ = try await raw.unary(request: ClientRequest(message: []), descriptor: MethodDescriptor(service: "echo.v1.Echo", method: "Nope"))
            Issue.record("expected UNIMPLEMENTED")
        } catch let error as RPCError {
            #expect(error.code == .unimplemented)
        }

        // Many concurrent calls on one connection.
        let texts = try await withThrowingTaskGroup(of: (Int, String).self) { group in
            for i in 0..<200 {
                group.addTask { (i, try await client.get(Echo_V1_EchoRequest(text: "n\(i)")).message.text) }
            }
            var texts: [Int: String] = [:]
            for try await (i, text) in group { texts[i] = text }
            return texts
        }
        #expect(texts.count == 200)
        #expect(texts.allSatisfy { $0.value == "n\($0.key)" })
    }
}

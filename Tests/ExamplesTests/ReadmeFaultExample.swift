// README.md's third Swift block (flaky-server metadata faults), verbatim below this line (ReadmeExamplesTests).
import ExampleServices
import HTTP2Transport
import RPCCore

func showMetadataFault() async throws {
    let client = RPCClient(transport: try HTTP2ClientTransport(target: .ipv4(host: "127.0.0.1", port: 50051)))
    let echo = Echo_V1_EchoClient(wrapping: client)
    let metadata: Metadata = ["x-fault-fail-first-n": "1", "x-fault-key": "demo"]
    do {
        _ = try await echo.get(Echo_V1_EchoRequest(text: "hi"), metadata: metadata)
    } catch let error as RPCError {
        print(error.code)   // UNAVAILABLE: the first call with key "demo" fails
    }
    print(try await echo.get(Echo_V1_EchoRequest(text: "hi"), metadata: metadata).message.text)   // hi
    await client.close()
}

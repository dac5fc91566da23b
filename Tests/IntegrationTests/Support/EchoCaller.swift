import ExampleServices
import Foundation
import HTTP2Transport
import RPCCore

/// A real HTTP/2 client for the flaky server's Echo service, with the interceptors under test.
struct EchoCaller: Sendable {
    let client: RPCClient<HTTP2ClientTransport>
    let echo: Echo_V1_EchoClient<HTTP2ClientTransport>

    init(port: Int, interceptors: [any ClientInterceptor], configuration: HTTP2ClientTransport.Configuration = .defaults) throws {
        let transport = try HTTP2ClientTransport(target: .ipv4(host: "127.0.0.1", port: port), configuration: configuration)
        client = RPCClient(transport: transport, interceptors: interceptors)
        echo = Echo_V1_EchoClient(wrapping: client)
    }

    /// One `echo.v1.Echo/Get`; the answer's text must be the request's.
    func get(_ text: String = "ping", metadata: Metadata = [:], timeout: Duration = .seconds(10)) async throws -> ClientResponse<Echo_V1_EchoResponse> {
        let response = try await echo.get(Echo_V1_EchoRequest(text: text), metadata: metadata, options: CallOptions(timeout: timeout))
        return response
    }

    /// Like ``get(_:metadata:timeout:)`` but returns the outcome and how long it took.
    func timedGet(_ text: String = "ping", metadata: Metadata = [:], timeout: Duration = .seconds(10)) async -> (Result<ClientResponse<Echo_V1_EchoResponse>, RPCError>, Duration) {
        let start = ContinuousClock.now
        do {
            let response = try await get(text, metadata: metadata, timeout: timeout)
            return (.success(response), start.duration(to: .now))
        } catch {
            return (.failure(RPCError(from: error)), start.duration(to: .now))
        }
    }

    func close() async { await client.close() }
}

extension Duration {
    var milliseconds: Double {
        Double(components.seconds) * 1000 + Double(components.attoseconds) / 1e15
    }
}

extension Array where Element == Duration {
    /// The median, or `.zero` for no values.
    var median: Duration {
        guard !isEmpty else { return .zero }
        return sorted()[count / 2]
    }
}

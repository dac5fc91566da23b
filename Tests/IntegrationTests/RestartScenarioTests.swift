import ExampleServices
import Foundation
import HTTP2Transport
import RPCCore
import Testing

/// Server restart on the same port: the same client recovers without being rebuilt.
@Suite("integration: server restart on the same port")
struct RestartScenarioTests {
    @Test("calls fail UNAVAILABLE while the server is down and succeed again once it is back")
    func clientRecoversAfterRestart() async throws {
        let first = try await FlakyServerProcess.start(["--quiet"])
        let port = first.port
        var configuration = HTTP2ClientTransport.Configuration.defaults
        configuration.reconnectBackoffInitial = .milliseconds(10)
        configuration.reconnectBackoffMax = .milliseconds(100)
        let caller = try EchoCaller(port: port, interceptors: [], configuration: configuration)
        #expect(try await caller.get("before").message.text == "before")

        _ = try await first.stop()   // graceful: GOAWAY, then the process exits
        let (down, _) = await caller.timedGet("while down")
        guard case .failure(let error) = down else {
            Issue.record("a call succeeded with no server running")
            return
        }
        #expect(error.code == .unavailable, "\(error)")
        #expect(error.message.contains("127.0.0.1:\(port)"), "the error names the target: \(error.message)")

        let second = try await FlakyServerProcess.start(["--quiet"], port: port)
        // The client may still be in its reconnect backoff (at most 100 ms here): it fails fast
        // with UNAVAILABLE until then. No rebuilt client, no new transport.
        var answer: String?
        var failures: [Status.Code] = []
        let deadline = ContinuousClock.now + .seconds(20)
        while answer == nil && ContinuousClock.now < deadline {
            let (result, _) = await caller.timedGet("after")
            switch result {
            case .success(let response): answer = response.message.text
            case .failure(let error):
                failures.append(error.code)
                try await Task.sleep(for: .milliseconds(20))
            }
        }
        #expect(answer == "after")
        #expect(failures.allSatisfy { $0 == .unavailable }, "\(failures)")
        await caller.close()
        let counters = try await second.stop()
        #expect(counters.calls == 1, "\(counters)")
    }
}

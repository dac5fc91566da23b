import Foundation
import HTTP2Transport
import RPCCore
import Resilience
import Testing

/// GOAWAY and dropped connections: calls in flight fail UNAVAILABLE (or are retried, transparently
/// when the server says it did not process them), and new calls reconnect.
@Suite("integration: GOAWAY and dropped connections")
struct ConnectionFaultScenarioTests {
    struct Tally {
        var succeeded = 0
        var failures: [Status.Code: Int] = [:]
        var notProcessed = 0
        /// Failures the retry layer gave up on ("failed after N attempts").
        var exhaustedRetries = 0
        /// A few failure messages, for the report when an expectation fails.
        var samples: [String] = []
    }

    /// `workers` concurrent callers making `callsEach` calls each on one client.
    static func run(_ caller: EchoCaller, workers: Int = 16, callsEach: Int = 25) async -> Tally {
        await withTaskGroup(of: Tally.self) { group in
            for worker in 0..<workers {
                group.addTask {
                    var tally = Tally()
                    for index in 0..<callsEach {
                        let text = "w\(worker) c\(index)"
                        let (result, _) = await caller.timedGet(text, timeout: .seconds(30))
                        switch result {
                        case .success(let response):
                            if response.message.text == text { tally.succeeded += 1 }
                        case .failure(let error):
                            tally.failures[error.code, default: 0] += 1
                            if error.wasNotProcessed { tally.notProcessed += 1 }
                            if error.message.contains(" failed after ") { tally.exhaustedRetries += 1 }
                            if tally.samples.count < 2 && !error.wasNotProcessed { tally.samples.append("\(error)") }
                        }
                    }
                    return tally
                }
            }
            var total = Tally()
            for await tally in group {
                total.succeeded += tally.succeeded
                total.notProcessed += tally.notProcessed
                total.exhaustedRetries += tally.exhaustedRetries
                total.failures.merge(tally.failures, uniquingKeysWith: +)
                if total.samples.count < 6 { total.samples += tally.samples }
            }
            return total
        }
    }

    static let fastReconnect: HTTP2ClientTransport.Configuration = {
        var configuration = HTTP2ClientTransport.Configuration.defaults
        configuration.reconnectBackoffInitial = .milliseconds(5)
        configuration.reconnectBackoffMax = .milliseconds(50)
        return configuration
    }()

    static func goAwayCount(_ counters: FlakyServerProcess.Counters) -> Int {
        FlakyServerProcess.number(before: " goaways", in: counters.line) ?? -1
    }

    static func dropCount(_ counters: FlakyServerProcess.Counters) -> Int {
        FlakyServerProcess.number(before: " drops", in: counters.line) ?? -1
    }

    @Test("GOAWAY: refused calls fail UNAVAILABLE as not processed; with retry every call succeeds on a new connection")
    func goAway() async throws {
        let server = try await FlakyServerProcess.start(["--quiet", "--goaway-rate", "0.05", "--seed", "4"])

        let bare = try EchoCaller(port: server.port, interceptors: [], configuration: Self.fastReconnect)
        let bareTally = await Self.run(bare)
        await bare.close()
        #expect(bareTally.succeeded > 0)
        #expect(bareTally.failures.keys.allSatisfy { $0 == .unavailable }, "\(bareTally.failures)")
        let bareFailed = bareTally.failures.values.reduce(0, +)
        #expect(bareFailed > 0, "a 5% GOAWAY rate over 400 calls must refuse some")
        #expect(bareTally.notProcessed == bareFailed, "every refused call is marked not processed: \(bareTally)")

        let retrying = try EchoCaller(port: server.port, interceptors: [
            RetryInterceptor(policy: try RetryPolicy(maxAttempts: 3, initialBackoff: .milliseconds(1), maxBackoff: .milliseconds(5))),
        ], configuration: Self.fastReconnect)
        let tally = await Self.run(retrying)
        await retrying.close()
        #expect(tally.succeeded == 400, "\(tally)")

        let counters = try await server.stop()
        #expect(Self.goAwayCount(counters) > 0, "\(counters)")
    }

    @Test("dropped connections: calls in flight fail UNAVAILABLE; retry rescues every call not yet answered; new calls reconnect")
    func droppedConnections() async throws {
        // 5 ms per call so that several calls are in flight on the connection when it drops. One
        // call in 100 drops it, taking the (up to 8) calls in flight with it: about one attempt in
        // 12 fails, so 5 attempts rescue every call. (At 2% with 16 callers, a drop every ~16 ms
        // killed about a third of all attempts, and some calls lost all 5.)
        let server = try await FlakyServerProcess.start(["--quiet", "--drop-rate", "0.01", "--latency-ms", "5", "--seed", "9"])

        let bare = try EchoCaller(port: server.port, interceptors: [], configuration: Self.fastReconnect)
        let bareTally = await Self.run(bare, workers: 8, callsEach: 50)
        // After the storm, a new call on the same client reconnects and succeeds.
        let after = try await bare.get("after the drops")
        #expect(after.message.text == "after the drops")
        await bare.close()
        #expect(bareTally.succeeded > 0)
        #expect(bareTally.failures.keys.allSatisfy { $0 == .unavailable }, "\(bareTally.failures)")
        #expect(bareTally.failures[.unavailable, default: 0] > 0)

        let retrying = try EchoCaller(port: server.port, interceptors: [
            RetryInterceptor(policy: try RetryPolicy(maxAttempts: 5, initialBackoff: .milliseconds(2), maxBackoff: .milliseconds(20))),
        ], configuration: Self.fastReconnect)
        let tally = await Self.run(retrying, workers: 8, callsEach: 50)
        await retrying.close()
        // A call whose response headers had arrived when its connection dropped is committed
        // (gRFC A6): it fails UNAVAILABLE instead of being retried. Every other one is rescued.
        let retriedFailures = tally.failures.values.reduce(0, +)
        let bareFailures = bareTally.failures.values.reduce(0, +)
        #expect(tally.failures.keys.allSatisfy { $0 == .unavailable }, "\(tally)")
        #expect(tally.exhaustedRetries == 0, "a call not yet answered ran out of attempts: \(tally)")
        #expect(retriedFailures < bareFailures, "retry should rescue most calls: \(retriedFailures) failed with retry, \(bareFailures) without")

        let counters = try await server.stop()
        let drops = Self.dropCount(counters)
        #expect(drops > 0, "\(counters)")
        // Each drop takes every call then in flight on that connection with it.
        #expect(bareTally.failures[.unavailable, default: 0] >= 1)
    }
}

import ExampleServices
import HTTP2Transport
import ProtobufRPC
import Resilience
import RPCCore

/// Part 6: fail fast. A callee that hangs makes each call wait for its timeout; once those
/// timeouts trip the circuit breaker, calls are rejected at once. Measured over the real HTTP/2
/// client against a Swift server whose `Sleep` method hangs for 60 s: the latency of the calls that
/// time out (100 ms timeout) against the latency of the calls the open breaker rejects, through
/// the same client and interceptors.
enum FailFastBenchmarks {
    static let runs = 3
    static let timeout = Duration.milliseconds(100)
    static let timedOutCalls = 10
    static let rejectedCalls = 10_000

    static func run() async throws {
        let server = try ChildProcess.benchmarks("swift server", ["serve-echo", "--port", "0"])
        try await server.stopping { try await measure(port: try await server.port()) }
    }

    static func measure(port: Int) async throws {
        var timedOutMedians: [Double] = [], rejectedMedians: [Double] = [], rejectedP99: [Double] = []
        for _ in 0..<runs {
            let transport = try HTTP2ClientTransport(target: .ipv4(host: "127.0.0.1", port: port))
            // Trips after `timedOutCalls` failures in a window of as many calls; stays open for the run.
            let breaker = CircuitBreaker(name: "bench/Sleep", configuration: try .init(
                windowSize: timedOutCalls, minimumCalls: timedOutCalls, failureRateThreshold: 1, openDuration: .seconds(3600)
            ))
            let client = RPCClient(transport: transport, interceptors: [
                TimeoutInterceptor(timeout: timeout), CircuitBreakerInterceptor(breaker: breaker),
            ])
            // One good call first, so the connection exists and the timed calls measure the hang alone.
            _ = try await Echo_V1_EchoClient(wrapping: client).get(Load.request)
            let request = ClientRequest(message: Echo_V1_EchoRequest(text: "60000"))
            func call() async -> (Duration, RPCError?) {
                let start = ContinuousClock.now
                do {
                    _ = try await client.unary(
                        request: request, descriptor: ServeMode.sleep,
                        serializer: ProtobufSerializer<Echo_V1_EchoRequest>(), deserializer: ProtobufDeserializer<Echo_V1_EchoResponse>()
                    )
                    return (start.duration(to: .now), nil)
                } catch {
                    return (start.duration(to: .now), RPCError(from: error))
                }
            }
            var timedOut: [UInt64] = []
            for _ in 0..<timedOutCalls {
                let (elapsed, error) = await call()
                guard error?.code == .deadlineExceeded else {
                    throw BenchmarkFailure("fail-fast: a call to the hanging method ended with \(error.map { "\($0)" } ?? "success"), not DEADLINE_EXCEEDED")
                }
                timedOut.append(elapsed.nanoseconds)
            }
            guard case .open = breaker.state else { throw BenchmarkFailure("fail-fast: the breaker did not trip: \(breaker.state)") }
            var rejected: [UInt64] = []
            rejected.reserveCapacity(rejectedCalls)
            for _ in 0..<rejectedCalls {
                let (elapsed, error) = await call()
                guard let error, error.code == .unavailable, CircuitBreakerOpenError.find(in: error) != nil else {
                    throw BenchmarkFailure("fail-fast: a call through the open breaker ended with \(error.map { "\($0)" } ?? "success"), not its rejection")
                }
                rejected.append(elapsed.nanoseconds)
            }
            await transport.close()
            timedOutMedians.append(Latencies(timedOut).microseconds(atPercentile: 50))
            let rejectedLatencies = Latencies(rejected)
            rejectedMedians.append(rejectedLatencies.microseconds(atPercentile: 50))
            rejectedP99.append(rejectedLatencies.microseconds(atPercentile: 99))
        }
        var table = Table("call", "p50 latency us median (min...max)", "p99 us", "calls per run")
        table.add("times out (\(timeout) timeout, hanging callee)", Repeated(values: timedOutMedians).text(decimals: 0), "", "\(timedOutCalls)")
        table.add("rejected by the open breaker", Repeated(values: rejectedMedians).text(decimals: 2), Repeated(values: rejectedP99).text(decimals: 2), "\(rejectedCalls)")
        print("Fail fast through RPCClient [TimeoutInterceptor, CircuitBreakerInterceptor] over HTTP/2, \(runs) runs; every call's error checked")
        table.print()
        let ratio = Repeated(values: timedOutMedians).median / Repeated(values: rejectedMedians).median
        print("a rejection is \(Repeated.number(ratio, 0)) times faster than the timeout it replaces")
    }
}

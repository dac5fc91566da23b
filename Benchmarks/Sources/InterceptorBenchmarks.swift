import Foundation
import RPCCore
import Resilience

/// Part 1 of the benchmarks issue: the per-call cost of each policy as an interceptor, on a unary
/// call through `RPCClient` over a transport that answers at once (no I/O), against the same call
/// with no interceptor. Goals: <= 100 ns and 0 allocations per policy on the success path, the
/// full recommended chain of five <= 500 ns (both as deltas over the bare call).
enum InterceptorBenchmarks: BenchmarkSuite {
    static let name = "interceptors"

    static let descriptor = MethodDescriptor(service: "bench.v1.Bench", method: "Get")
    static let reply: [UInt8] = Array("0123456789abcdef".utf8)

    /// Answers every call at once with one message and OK trailers; the response value is built
    /// once, so the transport itself costs no allocation beyond iterating the body.
    struct ImmediateTransport: ClientTransport {
        let response = StreamingClientResponse(message: InterceptorBenchmarks.reply)
        func call(request: StreamingClientRequest, context: ClientContext) async throws -> StreamingClientResponse { response }
        func close() async {}
    }

    /// One unary call; checks the answer, so a policy that failed the call is not timed as a success.
    @inline(__always)
    static func call(_ client: RPCClient<ImmediateTransport>, _ request: ClientRequest<[UInt8]>) async throws {
        let response = try await client.unary(request: request, descriptor: descriptor)
        guard response.message.count == reply.count else { throw BenchmarkFailure("interceptor bench: wrong reply \(response.message)") }
    }

    static func run() async throws -> [BenchmarkResult] {
        let transport = ImmediateTransport()
        let request = ClientRequest<[UInt8]>(message: Array("request-16-bytes".utf8))
        // For profiling (e.g. callgrind's instruction counts), the environment may shrink the runs
        // and pick rows by a substring of their names; the defaults are the published settings.
        let environment = ProcessInfo.processInfo.environment
        let iterations = environment["BREAKWATER_BENCH_ITERATIONS"].flatMap { Int($0) } ?? 50_000
        let runs = environment["BREAKWATER_BENCH_RUNS"].flatMap { Int($0) } ?? 7
        let only = environment["BREAKWATER_BENCH_ONLY"]
        func wanted(_ name: String) -> Bool { only.map { name.contains($0) } ?? true }
        var results: [BenchmarkResult] = []

        func measure(_ name: String, _ interceptors: [any ClientInterceptor]) async throws {
            guard wanted(name) || results.isEmpty else { return }
            let client = RPCClient(transport: transport, interceptors: interceptors)
            results.append(try await Harness.measure(name, iterations: iterations, runs: runs) { try await call(client, request) })
        }

        try await measure("bare unary call (no interceptor)", [])

        let closed = CircuitBreaker(name: "bench-closed")
        try await measure("circuit breaker, closed", [CircuitBreakerInterceptor(breaker: closed)])

        let open = CircuitBreaker(name: "bench-open")
        open.forceOpen()
        let rejecting = RPCClient(transport: transport, interceptors: [CircuitBreakerInterceptor(breaker: open)])
        if wanted("circuit breaker, open: rejects (call throws)") { results.append(try await Harness.measure("circuit breaker, open: rejects (call throws)", iterations: iterations, runs: runs) {
            do {
                _ = try await rejecting.unary(request: request, descriptor: descriptor)
                throw BenchmarkFailure("interceptor bench: the open breaker let a call through")
            } catch let error as RPCError where error.code == .unavailable {
                blackHole(error)
            }
        }) }

        try await measure("retry, first attempt succeeds", [RetryInterceptor(policy: .default)])
        try await measure("timeout (2 s), not reached", [TimeoutInterceptor(timeout: .seconds(2))])
        let bulkhead = Bulkhead(name: "bench", configuration: try .init(maxConcurrentCalls: 8, maxQueueLength: 8, maxWait: .zero))
        try await measure("bulkhead, uncontended", [BulkheadInterceptor(bulkhead: bulkhead)])
        try await measure("fallback (fixed), not triggered", [FallbackInterceptor(strategy: .fixed(message: reply))])

        let chain = ResilienceChain(configuration: .init(
            fallback: FallbackInterceptor(strategy: .fixed(message: reply)),
            overallTimeout: TimeoutInterceptor(timeout: .seconds(2)),
            retry: RetryInterceptor(policy: .default),
            circuitBreaker: try .init(),
            bulkhead: try .init(maxConcurrentCalls: 8, maxQueueLength: 8, maxWait: .zero)
        ))
        try await measure("full chain of five (ResilienceChain)", chain.interceptors)

        // Deltas over the bare call: the policy's own cost.
        let bare = results[0].medianNanoseconds
        let bareAllocations = results[0].medianAllocations
        for index in results.indices.dropFirst() {
            let nanoseconds = results[index].medianNanoseconds - bare
            let allocations = results[index].medianAllocations - bareAllocations
            results[index].note = "\(nanoseconds >= 0 ? "+" : "")\(BenchmarkResult.format(nanoseconds)) ns, "
                + "\(allocations >= 0 ? "+" : "")\(BenchmarkResult.format(allocations)) allocs"
        }
        return results
    }
}

import ExampleServices
import HTTP2Transport
import RPCCore

/// Figures of one closed-loop load run.
struct LoadRun {
    var calls: Int
    var errors: Int
    var seconds: Double
    var latencies: Latencies
    var firstError: String?

    var callsPerSecond: Double { Double(calls) / seconds }
}

/// Closed-loop load: `inFlight` workers each make one call after another.
enum Load {
    /// The Echo request of every load benchmark: its protobuf encoding is 16 bytes
    /// (field tag, length, 14 characters).
    static let text = "breakwater-16b"
    static let request = Echo_V1_EchoRequest(text: text)

    typealias EchoClient = Echo_V1_EchoClient<HTTP2ClientTransport>

    /// `runs` load runs, one after another, over `connections` fresh connections to `port`
    /// (closed afterwards).
    static func runs(_ runs: Int, port: Int, connections: Int, inFlight: Int) async throws -> [LoadRun] {
        let clients = try (0..<connections).map { _ in
            EchoClient(wrapping: RPCClient(transport: try HTTP2ClientTransport(target: .ipv4(host: "127.0.0.1", port: port))))
        }
        var results: [LoadRun] = []
        for _ in 0..<runs { results.append(await run(clients: clients, inFlight: inFlight)) }
        for client in clients { await client.client.close() }
        return results
    }

    /// Runs `inFlight` workers over `clients` (round robin) for `warmUp` then `duration`; counts and
    /// times the calls that start and end inside `duration`. Every answer is checked.
    static func run(clients: [EchoClient], inFlight: Int, warmUp: Duration = .milliseconds(300), duration: Duration = .seconds(1)) async -> LoadRun {
        let start = ContinuousClock.now
        let measureFrom = start.advanced(by: warmUp)
        let measureUntil = measureFrom.advanced(by: duration)
        struct Worker: Sendable {
            var latencies: [UInt64] = []
            var errors = 0
            var firstError: String?
        }
        let workers = await withTaskGroup(of: Worker.self, returning: [Worker].self) { group in
            for index in 0..<inFlight {
                let client = clients[index % clients.count]
                group.addTask {
                    var worker = Worker()
                    worker.latencies.reserveCapacity(4096)
                    while true {
                        let before = ContinuousClock.now
                        if before >= measureUntil { break }
                        var failure: String?
                        do {
                            let response = try await client.get(request)
                            if response.message.text != text { failure = "wrong answer '\(response.message.text)'" }
                        } catch {
                            failure = "\(error)"
                        }
                        let after = ContinuousClock.now
                        guard before >= measureFrom, after <= measureUntil else { continue }
                        if let failure {
                            worker.errors += 1
                            if worker.firstError == nil { worker.firstError = failure }
                        } else {
                            worker.latencies.append(before.duration(to: after).nanoseconds)
                        }
                    }
                    return worker
                }
            }
            var all: [Worker] = []
            for await worker in group { all.append(worker) }
            return all
        }
        let latencies = workers.flatMap(\.latencies)
        return LoadRun(
            calls: latencies.count, errors: workers.reduce(0) { $0 + $1.errors },
            seconds: Double(duration.nanoseconds) / 1e9, latencies: Latencies(latencies),
            firstError: workers.lazy.compactMap(\.firstError).first
        )
    }
}

/// Part 2: unary Echo/Get over loopback, Swift client -> Swift server (separate processes):
/// calls/s and p50/p90/p99 latency at 1, 16, 64 and 256 calls in flight on one connection, and 64
/// over 4 connections. Goal: one call in flight, p50 <= 50 us.
enum RPCBenchmarks {
    static let runs = 3

    static func run() async throws {
        let server = try ChildProcess.benchmarks("swift server", ["serve-echo", "--port", "0"])
        try await server.stopping { try await measure(server) }
    }

    static func measure(_ server: ChildProcess) async throws {
        let port = try await server.port()
        var table = Table("in flight", "connections", "calls/s median (min...max)", "p50 us", "p90 us", "p99 us", "calls checked", "errors")
        for (inFlight, connections) in [(1, 1), (16, 1), (64, 1), (256, 1), (64, 4)] {
            let results = try await Load.runs(runs, port: port, connections: connections, inFlight: inFlight)
            func percentile(_ percent: Double) -> String {
                Repeated(values: results.map { $0.latencies.microseconds(atPercentile: percent) }).text(decimals: 1)
            }
            table.add(
                "\(inFlight)", "\(connections)", Repeated(values: results.map(\.callsPerSecond)).text(),
                percentile(50), percentile(90), percentile(99),
                "\(results.reduce(0) { $0 + $1.calls })", "\(results.reduce(0) { $0 + $1.errors })"
            )
            if let firstError = results.lazy.compactMap(\.firstError).first { print("  first error at \(inFlight) in flight: \(firstError)") }
        }
        print("Unary Echo/Get, 16-byte request, loopback, \(runs) runs of 1 s each (after 0.3 s warm-up); latency figures are the median of the runs' percentiles (min...max)")
        table.print()
        print("server peak RSS: \(mebibytes(server.peakResidentKiB)) MiB; client (this process) peak RSS: \(mebibytes(ownStatusKiB("VmHWM"))) MiB")
    }
}

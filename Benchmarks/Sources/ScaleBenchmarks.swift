import ExampleServices
import Foundation
import HTTP2Transport
import ProtobufRPC
import RPCCore

/// Part 5: scale. 10,000 concurrent streams on one connection, and 1,000 idle client connections to
/// one server: the peak resident memory of each process (server and client run separately). Goal:
/// < 64 KiB of server memory per idle connection.
enum ScaleBenchmarks {
    static let streams = 10_000
    static let connections = 1_000

    static func run() async throws {
        var table = Table("scenario", "process", "baseline RSS MiB", "peak RSS MiB", "delta MiB", "per unit KiB", "checked")
        try await concurrentStreams(into: &table)
        try await idleConnections(into: &table)
        print("Scale (each scenario with a fresh server process and a fresh client process; baseline after one warm-up call)")
        table.print()
    }

    /// Fields of a `KEY a=1 b=2` line.
    static func fields(_ line: String) -> [String: Int] {
        var result: [String: Int] = [:]
        for field in line.split(separator: " ").dropFirst() {
            let parts = field.split(separator: "=")
            if parts.count == 2, let value = Int(parts[1]) { result[String(parts[0])] = value }
        }
        return result
    }

    static func perUnit(_ delta: Int, _ units: Int) -> String { Repeated.number(Double(delta) / Double(units), 1) }

    static func concurrentStreams(into table: inout Table) async throws {
        let server = try ChildProcess.benchmarks("swift server", ["serve-echo", "--port", "0", "--max-streams", String(streams)])
        try await server.stopping {
            let port = try await server.port()
            let client = try ChildProcess.benchmarks("scale client", ["scale-client", "streams", "--port", String(port), "--count", String(streams)])
            try await client.stopping {
                let base = fields(try await client.line(startingWith: "BASE"))
                let serverBase = server.residentKiB ?? 0
                let done = fields(try await client.line(startingWith: "DONE"))
                let serverPeak = server.peakResidentKiB ?? 0
                let clientBase = base["rss"] ?? 0
                let clientPeak = done["hwm"] ?? 0
                let ok = done["ok"] ?? 0
                let reached = done["reached"] ?? 0
                let name = "\(streams) concurrent streams, 1 connection (\(Repeated.number(Double(done["ms"] ?? 0) / 1000, 1)) s)"
                let checked = "\(ok)/\(streams) ok, \(reached) at once"
                table.add(name, "server", mebibytes(serverBase), mebibytes(serverPeak), mebibytes(serverPeak - serverBase), perUnit(serverPeak - serverBase, streams), checked)
                table.add("", "client", mebibytes(clientBase), mebibytes(clientPeak), mebibytes(clientPeak - clientBase), perUnit(clientPeak - clientBase, streams), "")
            }
        }
    }

    static func idleConnections(into table: inout Table) async throws {
        let server = try ChildProcess.benchmarks("swift server", ["serve-echo", "--port", "0"])
        try await server.stopping {
            let port = try await server.port()
            let client = try ChildProcess.benchmarks("scale client", ["scale-client", "idle", "--port", String(port), "--count", String(connections)])
            try await client.stopping {
                let base = fields(try await client.line(startingWith: "BASE"))
                let serverBase = server.residentKiB ?? 0
                let ready = fields(try await client.line(startingWith: "READY"))
                try await Task.sleep(for: .milliseconds(500))   // let the idle connections settle
                let serverIdle = server.residentKiB ?? 0
                let serverPeak = server.peakResidentKiB ?? 0
                let done = fields(try await client.line(startingWith: "DONE"))
                let clientBase = base["rss"] ?? 0
                let clientIdle = ready["rss"] ?? 0
                let ok = ready["ok"] ?? 0
                let name = "\(connections) idle connections (1 call each)"
                table.add(
                    name, "server (RSS while idle)", mebibytes(serverBase), mebibytes(serverIdle), mebibytes(serverIdle - serverBase),
                    perUnit(serverIdle - serverBase, connections), "\(ok)/\(connections) ok"
                )
                table.add("", "server (peak)", mebibytes(serverBase), mebibytes(serverPeak), mebibytes(serverPeak - serverBase), perUnit(serverPeak - serverBase, connections), "")
                table.add("", "client (RSS while idle)", mebibytes(clientBase), mebibytes(clientIdle), mebibytes(clientIdle - clientBase), perUnit(clientIdle - clientBase, connections), "")
                table.add("", "client (peak)", mebibytes(clientBase), mebibytes(done["hwm"]), mebibytes((done["hwm"] ?? 0) - clientBase), perUnit((done["hwm"] ?? 0) - clientBase, connections), "")
                let perConnection = Double(serverIdle - serverBase) / Double(connections)
                print("server memory per idle connection: \(Repeated.number(perConnection, 1)) KiB (goal < 64 KiB: \(perConnection < 64 ? "met" : "NOT met"))")
            }
        }
    }
}

/// `benchmarks scale-client streams|idle --port P --count N`: the client side of part 5, in its own
/// process so its memory is its own. Prints `BASE rss=` after one warm-up call, then:
/// - streams: N concurrent `Gather` calls on one connection; `DONE ok= reached= ms= hwm=`.
/// - idle: N connections, one call each; `READY ok= rss=`, waits 1 s idle, then `DONE hwm=`.
enum ScaleClientMode {
    static func run(_ arguments: [String]) async throws {
        raiseOpenFileLimit()
        guard arguments.count == 5, arguments[1] == "--port", let port = Int(arguments[2]), arguments[3] == "--count", let count = Int(arguments[4]) else {
            throw BenchmarkFailure("usage: benchmarks scale-client streams|idle --port P --count N")
        }
        switch arguments[0] {
        case "streams": try await streams(port: port, count: count)
        case "idle": try await idle(port: port, count: count)
        default: throw BenchmarkFailure("scale-client: unknown scenario \(arguments[0])")
        }
    }

    static func streams(port: Int, count: Int) async throws {
        let transport = try HTTP2ClientTransport(target: .ipv4(host: "127.0.0.1", port: port))
        let client = RPCClient(transport: transport)
        let echo = Echo_V1_EchoClient(wrapping: client)
        guard try await echo.get(Load.request).message.text == Load.text else { throw BenchmarkFailure("warm-up call answered wrongly") }
        emitLine("BASE rss=\(ownStatusKiB("VmRSS") ?? 0)")
        let start = ContinuousClock.now
        let answers = await withTaskGroup(of: Int.self, returning: [Int].self) { group in
            for _ in 0..<count {
                group.addTask {
                    do {
                        let response = try await client.unary(
                            request: ClientRequest(message: Echo_V1_EchoRequest(text: String(count))), descriptor: ServeMode.gather,
                            serializer: ProtobufSerializer<Echo_V1_EchoRequest>(), deserializer: ProtobufDeserializer<Echo_V1_EchoResponse>()
                        )
                        return Int(response.message.text) ?? -1
                    } catch {
                        return -1
                    }
                }
            }
            var all: [Int] = []
            for await answer in group { all.append(answer) }
            return all
        }
        let elapsed = start.duration(to: .now)
        let ok = answers.filter { $0 == count }.count
        emitLine("DONE ok=\(ok) reached=\(answers.max() ?? 0) ms=\(elapsed.nanoseconds / 1_000_000) hwm=\(ownStatusKiB("VmHWM") ?? 0)")
        await transport.close()
    }

    static func idle(port: Int, count: Int) async throws {
        let warm = try HTTP2ClientTransport(target: .ipv4(host: "127.0.0.1", port: port))
        guard try await Echo_V1_EchoClient(wrapping: RPCClient(transport: warm)).get(Load.request).message.text == Load.text else {
            throw BenchmarkFailure("warm-up call answered wrongly")
        }
        await warm.close()
        try await Task.sleep(for: .milliseconds(200))
        emitLine("BASE rss=\(ownStatusKiB("VmRSS") ?? 0)")
        var transports: [HTTP2ClientTransport] = []
        var ok = 0
        // Connect in batches of 50 so the listen backlog never overflows.
        for batchStart in stride(from: 0, to: count, by: 50) {
            let batch = try (batchStart..<min(count, batchStart + 50)).map { _ in try HTTP2ClientTransport(target: .ipv4(host: "127.0.0.1", port: port)) }
            transports += batch
            ok += await withTaskGroup(of: Int.self, returning: Int.self) { group in
                for transport in batch {
                    group.addTask {
                        let text = try? await Echo_V1_EchoClient(wrapping: RPCClient(transport: transport)).get(Load.request).message.text
                        return text == Load.text ? 1 : 0
                    }
                }
                return await group.reduce(0, +)
            }
        }
        try await Task.sleep(for: .milliseconds(300))
        emitLine("READY ok=\(ok) rss=\(ownStatusKiB("VmRSS") ?? 0)")
        try await Task.sleep(for: .seconds(1))   // the parent reads the server's memory meanwhile
        emitLine("DONE hwm=\(ownStatusKiB("VmHWM") ?? 0)")
        for transport in transports { await transport.close() }
    }
}

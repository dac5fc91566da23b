import Foundation

/// Part 4: each client against each server, 64 calls in flight on one connection, so that each
/// side is compared with the same peer: the Swift client against the grpcio and the Swift server,
/// and a grpcio client (Python asyncio, C core) against both.
enum InteropBenchmarks {
    static let runs = 3
    static let inFlight = 64

    static func run() async throws {
        let swift = try ChildProcess.benchmarks("swift server", ["serve-echo", "--port", "0"])
        try await swift.stopping {
            let grpcio = try ChildProcess.python("grpcio server", ["server"])
            try await grpcio.stopping {
                try await measure(swiftPort: try await swift.port(), grpcioPort: try await grpcio.port())
            }
        }
    }

    static func measure(swiftPort: Int, grpcioPort: Int) async throws {
        var table = Table("client", "server", "calls/s median (min...max)", "calls checked", "errors")
        var medians: [String: Double] = [:]
        for (serverName, port) in [("grpcio", grpcioPort), ("Breakwater", swiftPort)] {
            let results = try await Load.runs(runs, port: port, connections: 1, inFlight: inFlight)
            let rates = Repeated(values: results.map(\.callsPerSecond))
            medians["Breakwater->\(serverName)"] = rates.median
            table.add("Breakwater (Swift)", serverName, rates.text(), "\(results.reduce(0) { $0 + $1.calls })", "\(results.reduce(0) { $0 + $1.errors })")
            if let firstError = results.lazy.compactMap(\.firstError).first { print("  first error, Swift client -> \(serverName): \(firstError)") }
        }
        for (serverName, port) in [("grpcio", grpcioPort), ("Breakwater", swiftPort)] {
            let client = try ChildProcess.python("grpcio client", [
                "client", "--port", String(port), "--in-flight", String(inFlight), "--runs", String(runs),
            ])
            let (status, output, errorOutput) = await client.finish()
            guard status == 0 else { throw BenchmarkFailure("grpcio client against \(serverName) failed: \(errorOutput.suffix(2000))") }
            var rates: [Double] = []
            var checked = 0, errors = 0
            for line in output.split(separator: "\n") where line.hasPrefix("{") {
                guard let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                      let calls = object["calls"] as? Int, let failed = object["errors"] as? Int,
                      let seconds = object["seconds"] as? Double
                else { throw BenchmarkFailure("grpcio client printed \(line)") }
                rates.append(Double(calls) / seconds)
                checked += calls
                errors += failed
                if let first = object["first_error"] as? String { print("  first error, grpcio client -> \(serverName): \(first)") }
            }
            guard rates.count == runs else { throw BenchmarkFailure("grpcio client against \(serverName) printed \(rates.count) runs: \(output)") }
            medians["grpcio->\(serverName)"] = Repeated(values: rates).median
            table.add("grpcio (Python aio)", serverName, Repeated(values: rates).text(), "\(checked)", "\(errors)")
        }
        print("Unary Echo/Get, 16-byte request, \(inFlight) in flight on one connection, \(runs) runs of 1 s (after 0.3 s warm-up)")
        table.print()
        func ratio(_ a: String, _ b: String) -> String { Repeated.number((medians[a] ?? .nan) / (medians[b] ?? .nan), 2) }
        print("Swift client: Breakwater server / grpcio server = \(ratio("Breakwater->Breakwater", "Breakwater->grpcio")); "
            + "grpcio client: Breakwater server / grpcio server = \(ratio("grpcio->Breakwater", "grpcio->grpcio"))")
        print("grpcio server: Breakwater client / grpcio client = \(ratio("Breakwater->grpcio", "grpcio->grpcio")); "
            + "Breakwater server: Breakwater client / grpcio client = \(ratio("Breakwater->Breakwater", "grpcio->Breakwater"))")
    }
}

import Foundation
import Testing

/// Runs the real `flaky-server` and `example-client` executables against each other, as
/// `make demo` does on a shorter schedule, and checks that the client shows what the demo promises:
/// its live lines and summary, not their timing.
@Suite("example executables")
struct ExampleExecutablesTests {
    /// The folder holding the built products (the test runner lives there too).
    static let binDirectory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()

    static func run(_ name: String, _ arguments: [String]) throws -> (Process, Pipe) {
        let process = Process()
        process.executableURL = binDirectory.appendingPathComponent(name)
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        return (process, output)
    }

    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(fd, pointer, length) == 0 && getsockname(fd, pointer, &length) == 0
            }
        }
        guard bound else { throw POSIXError(.EADDRINUSE) }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// The summary's counts, read back from its line.
    struct Summary {
        var calls = 0, served = 0, fallback = 0, fromCache = 0, fallbackDefault = 0, failed = 0
        var retried = 0, rescued = 0, rejected = 0, transitions = 0

        init?(_ output: String) {
            guard let line = output.split(separator: "\n").first(where: { $0.hasPrefix("summary: ") }) else { return nil }
            let pattern = #/summary: (\d+) calls in .*: (\d+) served, (\d+) fallback \((\d+) from cache, (\d+) default\), (\d+) failed; (\d+) needed a retry \((\d+) of them then served\); (\d+) rejected by the open breaker without reaching the server; latency p50 [0-9.]+ ms, p99 [0-9.]+ ms; (\d+) breaker transitions?/#
            guard let match = String(line).wholeMatch(of: pattern) else { return nil }
            let numbers = [match.1, match.2, match.3, match.4, match.5, match.6, match.7, match.8, match.9, match.10].map { Int($0)! }
            (calls, served, fallback, fromCache, fallbackDefault, failed) = (numbers[0], numbers[1], numbers[2], numbers[3], numbers[4], numbers[5])
            (retried, rescued, rejected, transitions) = (numbers[6], numbers[7], numbers[8], numbers[9])
        }
    }

    /// One per-second line's counts: `t= 7s | calls 38/s served 30 retried 5 fallback 8 (cache 6,
    /// default 2) rejected 6 failed 0 | p50 1.8 ms p99 12.4 ms | breaker open (next probe in 1.2 s)`.
    struct LiveLine {
        var second = 0, calls = 0, served = 0, retried = 0, fallback = 0, fromCache = 0, fallbackDefault = 0, rejected = 0, failed = 0
        var breaker = ""

        static func all(in output: String) -> [LiveLine] {
            let pattern = #/t=\s*(\d+)s \| calls (\d+)/s served (\d+) retried (\d+) fallback (\d+) \(cache (\d+), default (\d+)\) rejected (\d+) failed (\d+) \| p50 (?:[0-9.]+ ms|-) p99 (?:[0-9.]+ ms|-) \| breaker (.+)/#
            return output.split(separator: "\n").compactMap { line in
                guard let match = String(line).wholeMatch(of: pattern) else { return nil }
                let numbers = [match.1, match.2, match.3, match.4, match.5, match.6, match.7, match.8, match.9].map { Int($0)! }
                var live = LiveLine()
                (live.second, live.calls, live.served, live.retried, live.fallback) = (numbers[0], numbers[1], numbers[2], numbers[3], numbers[4])
                (live.fromCache, live.fallbackDefault, live.rejected, live.failed) = (numbers[5], numbers[6], numbers[7], numbers[8])
                live.breaker = String(match.10)
                return live
            }
        }
    }

    /// Runs example-client with `arguments` to its end; its exit status and output (stdout and stderr).
    static func runClient(_ arguments: [String]) async throws -> (status: Int32, output: String) {
        let (client, clientOutput) = try run("example-client", arguments)
        let output = await outputToEnd(of: client, clientOutput)
        return (client.terminationStatus, output)
    }

    @Test("against flaky-server's phases: retries rescue flaky calls, the breaker opens in the outage and fallbacks answer, it closes in recovery")
    func demoShowsRetriesBreakerAndFallbacks() async throws {
        let port = String(try Self.freePort())
        // As `make demo` does, on a shorter schedule; the last phase (healthy) lasts until the server stops.
        let (server, serverOutput) = try Self.run("flaky-server", [
            "--port", port, "--seed", "7", "--quiet", "--run-for-s", "60", "--phases", "healthy:2,flaky:3,outage:4,healthy:1",
            "--error-rate", "0.3", "--latency-ms", "1-3",
        ])
        defer { if server.isRunning { server.terminate() } }
        // Wait for the server's own line, so that the client never calls a port nobody listens on yet.
        let ready = await Self.offPool { Self.readLine(serverOutput, containing: "listening on") }
        try #require(ready != nil, "flaky-server did not start")

        let (status, output) = try await Self.runClient([
            "--port", port, "--duration-s", "12", "--concurrency", "4", "--interval-ms", "100", "--timeout-ms", "1000",
            "--attempt-timeout-ms", "500", "--max-attempts", "3", "--window", "40", "--min-calls", "20", "--failure-rate", "0.6",
            "--open-s", "1", "--probes", "2", "--cache-max-age-s", "2", "--seed", "3",
        ])
        server.interrupt()
        server.waitUntilExit()

        #expect(status == 0, "example-client failed:\n\(output)")
        let summary = try #require(Summary(output), "no summary line:\n\(output)")
        let live = LiveLine.all(in: output)
        #expect(live.count >= 10, "a live line each second:\n\(output)")
        #expect(live.map(\.second) == Array(1..<(live.count + 1)), "live lines count the seconds:\n\(output)")
        // The live lines add up to the summary (the calls after the last full second have a line of their own).
        #expect(live.reduce(0) { $0 + $1.calls } <= summary.calls)
        #expect(!output.contains("GetProduct sku-"), "no per-call lines without --verbose:\n\(output)")

        #expect(summary.served > 0, "\(output)")
        #expect(summary.calls == summary.served + summary.fallback + summary.failed)
        #expect(summary.fallback == summary.fromCache + summary.fallbackDefault)
        #expect(summary.failed == 0, "every call got an answer or a fallback:\n\(output)")
        // Flaky phase: 30% of attempts fail, so some calls need a retry and most of those are then served.
        #expect(summary.retried > 0, "\(output)")
        #expect(summary.rescued > 0, "\(output)")
        // Outage: the breaker opens, rejects calls, and the fallback answers from the cache, then the default.
        #expect(output.contains("** breaker 'catalog.v1.Catalog/GetProduct' closed -> open"), "\(output)")
        #expect(summary.rejected > 0, "\(output)")
        #expect(summary.fromCache > 0, "\(output)")
        #expect(summary.fallbackDefault > 0, "\(output)")
        #expect(live.contains { $0.breaker.hasPrefix("open (") && $0.fallback > 0 && $0.rejected > 0 }, "a second with the breaker open and fallbacks:\n\(output)")
        // Recovery: a probe round succeeds and the breaker closes again; the last live line serves calls.
        #expect(output.contains("half-open -> closed"), "\(output)")
        #expect(summary.transitions >= 3, "\(output)")
        #expect(live.last.map { $0.served > 0 && $0.breaker.hasPrefix("closed") } == true, "\(output)")
        #expect(server.terminationStatus == 0)
    }

    @Test("Ctrl-C ends a run early with its summary; the calls it cut short are not counted as failed (it once died without one)")
    func interruptPrintsSummary() async throws {
        let (server, serverOutput) = try Self.run("flaky-server", ["--port", "0", "--quiet", "--run-for-s", "120"])
        defer { if server.isRunning { server.terminate() } }
        let line = await Self.offPool { Self.readLine(serverOutput, containing: "listening on") }
        let listening = try #require(line, "flaky-server did not start")
        let port = String(listening.dropFirst("flaky-server listening on 127.0.0.1:".count).prefix { $0.isNumber })

        let (client, clientOutput) = try Self.run("example-client", ["--port", port, "--duration-s", "60", "--concurrency", "4"])
        defer { if client.isRunning { client.terminate() } }
        let first = await Self.offPool { Self.readLine(clientOutput, containing: "| calls ") }
        try #require(first != nil, "no live line")
        client.interrupt()
        let rest = await Self.outputToEnd(of: client, clientOutput)
        #expect(client.terminationStatus == 0, "\(rest)")
        #expect(rest.contains("example-client: interrupted; ending the calls in flight and printing the summary"), "\(rest)")
        let summary = try #require(Summary(rest), "no summary line:\n\(rest)")
        #expect(summary.served > 0)
        #expect(summary.failed == 0, "\(rest)")
        #expect(summary.calls == summary.served + summary.fallback + summary.failed)
        // The run ended at the interrupt, not after its 60 s.
        let elapsed = try #require(rest.firstMatch(of: #/calls in ([0-9.]+) s/#).flatMap { Double($0.1) }, "\(rest)")
        #expect(elapsed < 30, "\(rest)")
    }

    @Test("with no server, the client says that no call was served and exits 1")
    func noServer() async throws {
        let port = String(try Self.freePort())
        let (status, output) = try await Self.runClient(["--port", port, "--duration-s", "1.5", "--concurrency", "2"])
        #expect(status == 1, "\(output)")
        #expect(output.contains("no call was served by 127.0.0.1:\(port)"), "\(output)")
        let summary = try #require(Summary(output), "no summary line:\n\(output)")
        #expect(summary.served == 0)
        #expect(summary.calls == summary.fallback + summary.failed)
    }

    @Test("bad flags: exit 2 naming every bad one, nothing is called")
    func badFlags() async throws {
        let (status, output) = try await Self.runClient([
            "--concurrency", "0", "--interval-ms", "soon", "--max-attempts", "9", "--window", "0", "--failure-rate", "2", "--port", "70000",
        ])
        #expect(status == 2, "\(output)")
        for flag in ["--concurrency", "--interval-ms", "--max-attempts", "--window", "--failure-rate", "--port"] {
            #expect(output.contains(flag), "names \(flag):\n\(output)")
        }
        #expect(!output.contains("summary:"), "\(output)")
        let unknown = try await Self.runClient(["--verbose", "--colour", "red"])
        #expect(unknown.status == 2)
        #expect(unknown.output.contains("--colour is not a known flag"), "\(unknown.output)")
    }

    @Test("example-client: unknown flags and every bad value in one message, each line naming its flag first")
    func clientFlagsOneStyle() async throws {
        let (status, output) = try await Self.runClient([
            "--concurrency", "0", "--bogus", "--duration-s", "0", "--max-attempts", "9", "--seed", "-1", "--host", "",
            "--min-calls", "50", "--window", "20", "--window", "30", "--colour", "red",
        ])
        #expect(status == 2, "\(output)")
        let lines = output.split(separator: "\n").map(String.init)
        let problems = Array(lines.prefix { !$0.hasPrefix("usage: example-client") })
        #expect(problems.first == "example-client: --bogus is not a known flag", "\(output)")
        for line in [
            "--colour is not a known flag",
            "--window is given more than once ('20', then '30'); give it once",
            "--host must be an IPv4 or IPv6 address (e.g. 127.0.0.1, 0.0.0.0, ::1) or localhost, got ''",
            "--duration-s must be within 0.001...86400.0 seconds, got 0.0",
            "--concurrency must be within 1...64, got 0",
            "--seed must be within 0...18446744073709551615, got -1",
            "--min-calls must be in 1...--window (20), or the breaker could never trip, got 50",
            "--max-attempts must be in 2...5 (it counts the first call; gRFC A6 caps it at 5), got 9",
        ] {
            #expect(problems.contains(line), "\(line) in\n\(output)")
        }
        #expect(problems.last?.hasPrefix("known flags: --attempt-timeout-ms, ") == true, "\(output)")
        let body = problems.dropFirst().dropLast()
        #expect(body.allSatisfy { $0.hasPrefix("--") }, "each problem names its flag first:\n\(output)")
        #expect(!output.contains("summary:"), "\(output)")
    }

    static func readLine(_ pipe: Pipe, containing text: String) -> String? {
        var line = Data()
        while true {
            let byte = pipe.fileHandleForReading.readData(ofLength: 1)
            if byte.isEmpty { return nil }
            if byte[0] == UInt8(ascii: "\n") {
                let string = String(decoding: line, as: UTF8.self)
                if string.contains(text) { return string }
                line.removeAll()
            } else {
                line.append(byte)
            }
        }
    }

    /// Everything `process` writes to `output` until it exits (read off Swift's pool).
    static func outputToEnd(of process: Process, _ output: Pipe) async -> String {
        await offPool {
            let data = output.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return String(decoding: data, as: UTF8.self)
        }
    }

    static func offPool<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            Thread { continuation.resume(returning: body()) }.start()
        }
    }
}

import Foundation
import HTTP2Transport
import RPCCore
import Testing

/// Runs the real `flaky-server` executable and calls it over HTTP/2.
@Suite("flaky-server executable")
struct FlakyServerTests {
    static let echoGet = MethodDescriptor(service: "echo.v1.Echo", method: "Get")
    static let getProduct = MethodDescriptor(service: "catalog.v1.Catalog", method: "GetProduct")

    /// The status code of a unary call with an empty request (a valid protobuf message), or OK.
    static func call(_ client: RPCClient<HTTP2ClientTransport>, _ method: MethodDescriptor, _ metadata: Metadata = [:]) async -> Status.Code {
        do {
            _ = try await client.unary(request: ClientRequest(message: [UInt8](), metadata: metadata), descriptor: method)
            return .ok
        } catch let error as RPCError {
            return error.code
        } catch {
            Issue.record("unexpected error \(error)")
            return .unknown
        }
    }

    @Test("--port 0 prints the real port; metadata and flag faults reach the client; counters are printed on SIGINT")
    func servesFaultsAndReportsCounters() async throws {
        let (server, output) = try ExampleExecutablesTests.run("flaky-server", [
            "--port", "0", "--allow-metadata-faults", "--method", "/catalog.v1.Catalog/GetProduct", "--error-rate", "1",
            "--pushback-ms", "100", "--seed", "5", "--run-for-s", "120",
        ])
        defer { if server.isRunning { server.terminate() } }
        let line = await ExampleExecutablesTests.offPool { ExampleExecutablesTests.readLine(output, containing: "listening on") }
        let listening = try #require(line, "flaky-server did not start")
        #expect(listening.hasPrefix("flaky-server listening on 127.0.0.1:"))
        #expect(listening.contains("faults: 100% UNAVAILABLE, pushback 100 ms (for /catalog.v1.Catalog/GetProduct); metadata faults on; seed 5"), "\(listening)")
        let portText = listening.dropFirst("flaky-server listening on 127.0.0.1:".count).prefix { $0.isNumber }
        let port = try #require(Int(portText))
        #expect(port != 0)

        let client = RPCClient(transport: try HTTP2ClientTransport(target: .ipv4(host: "127.0.0.1", port: port)))
        #expect(await Self.call(client, Self.echoGet) == .ok)
        #expect(await Self.call(client, Self.echoGet, ["x-fault-status": "NOT_FOUND"]) == .notFound)
        let failOnce: Metadata = ["x-fault-fail-first-n": "1", "x-fault-key": "flaky-test"]
        #expect(await Self.call(client, Self.echoGet, failOnce) == .unavailable)
        #expect(await Self.call(client, Self.echoGet, failOnce) == .ok)
        #expect(await Self.call(client, Self.echoGet, ["x-fault-reset": "true"]) == .internal)
        #expect(await Self.call(client, Self.getProduct) == .unavailable)
        #expect(await Self.call(client, Self.echoGet, ["x-fault-delay": "100"]) == .invalidArgument)
        await client.close()

        server.interrupt()
        let rest = await ExampleExecutablesTests.outputToEnd(of: server, output)
        #expect(server.terminationStatus == 0, "\(rest)")
        // The first signal says what happens next, so a draining server does not look stuck.
        #expect(rest.contains("flaky-server: stopping: draining calls in flight (calls still running after 5 s are cancelled); a second signal stops now\n"), "\(rest)")
        #expect(rest.contains("flaky-server: injected error /echo.v1.Echo/Get: NOT_FOUND [metadata]"), "\(rest)")
        #expect(rest.contains("flaky-server: injected reset /echo.v1.Echo/Get: RST_STREAM INTERNAL_ERROR [metadata]"), "\(rest)")
        #expect(rest.contains("flaky-server: injected error /catalog.v1.Catalog/GetProduct: UNAVAILABLE\n"), "\(rest)")
        #expect(rest.contains(
            "flaky-server stopped: 7 calls, 4 injected faults (3 errors, 0 latency, 0 hangs, 1 resets, 0 goaways, 0 drops, 0 outage), "
                + "max 1 concurrent calls, 0 still in flight, 1 rejected for invalid x-fault-* metadata\n"
        ), "\(rest)")
    }

    @Test("bad flags exit 2 naming every bad flag")
    func badFlags() async throws {
        for (arguments, names) in [
            (["--nope", "1", "--bogus"], ["--nope is not a known flag", "--bogus is not a known flag"]),
            (["--error-rate", "2", "--latency-ms", "5-x", "--phases", "calm:3", "--error-code", "FINE", "--tail-rate", "0.1"],
             ["--error-rate must be within", "--latency-ms expects", "--phases has phase 'calm'", "--error-code 'FINE'", "--tail-rate and --tail-ms"]),
        ] {
            let (process, output) = try ExampleExecutablesTests.run("flaky-server", arguments)
            let text = await ExampleExecutablesTests.outputToEnd(of: process, output)
            #expect(process.terminationStatus == 2, "\(arguments): \(text)")
            for name in names { #expect(text.contains(name), "\(name) in \(text)") }
            #expect(text.contains("usage: flaky-server"))
        }
    }

    /// Runs flaky-server with `arguments` to its end: its exit status and output.
    static func runToEnd(_ arguments: [String]) async throws -> (status: Int32, output: String) {
        let (process, output) = try ExampleExecutablesTests.run("flaky-server", arguments)
        let text = await ExampleExecutablesTests.outputToEnd(of: process, output)
        return (process.terminationStatus, text)
    }

    /// The problem lines of a bad-flags run: between `flaky-server: ` and the usage.
    static func problems(_ output: String) -> [String] {
        let lines = output.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard let first = lines.firstIndex(where: { $0.hasPrefix("flaky-server: ") }),
              let usage = lines.firstIndex(where: { $0.hasPrefix("usage: flaky-server") }) else { return [] }
        var problems = Array(lines[first..<usage])
        problems[0] = String(problems[0].dropFirst("flaky-server: ".count))
        return problems
    }

    @Test("unknown flags are reported together with every other bad value, in one message, exit 2")
    func unknownFlagsWithBadValues() async throws {
        let (status, output) = try await Self.runToEnd(["--error-rate", "nan", "--bogus", "--port", "x", "--colour", "red", "--seed", "-1"])
        #expect(status == 2, "\(output)")
        let problems = Self.problems(output)
        #expect(problems.first == "--bogus is not a known flag", "\(output)")
        for line in [
            "--colour is not a known flag", "--error-rate expects a number, got 'nan'", "--port expects an integer, got 'x'",
            "--seed must be within 0...18446744073709551615, got -1",
        ] {
            #expect(problems.contains(line), "\(line) in \(output)")
        }
        #expect(problems.last?.hasPrefix("known flags: --allow-metadata-faults, ") == true, "\(output)")
        #expect(problems.dropLast().allSatisfy { $0.hasPrefix("--") }, "each problem names its flag first:\n\(output)")
    }

    @Test("a repeated flag, a bad --host and --seed -1 exit 2 naming them")
    func repeatedFlagHostAndSeed() async throws {
        for (arguments, expected) in [
            (["--error-rate", "0.5", "--error-rate", "0.6"], "--error-rate is given more than once ('0.5', then '0.6'); give it once"),
            (["--host", ""], "--host must be an IPv4 or IPv6 address (e.g. 127.0.0.1, 0.0.0.0, ::1) or localhost, got ''"),
            (["--host", "nosuch.invalid"], "--host must be an IPv4 or IPv6 address (e.g. 127.0.0.1, 0.0.0.0, ::1) or localhost, got 'nosuch.invalid'"),
            (["--seed", "-1"], "--seed must be within 0...18446744073709551615, got -1"),
        ] {
            let (status, output) = try await Self.runToEnd(arguments + ["--run-for-s", "0.1"])
            #expect(status == 2, "\(arguments): \(output)")
            #expect(Self.problems(output) == [expected], "\(arguments): \(output)")
        }
    }

    @Test("--method needs a leading '/' and a served service or method; the message lists what is served")
    func methodMustBeServed() async throws {
        let servedList = "flaky-server serves /catalog.v1.Catalog ("
        for (method, why) in [
            ("bad", "is not /pkg.Service/Method or /pkg.Service (with the leading '/')"),
            ("echo.v1.Echo", "is not /pkg.Service/Method or /pkg.Service (with the leading '/')"),
            ("/nope.Svc/M", "names a service flaky-server does not serve"),
            ("/nope.Svc", "names a service flaky-server does not serve"),
            ("/echo.v1.Echo/Nope", "names a method echo.v1.Echo does not have"),
        ] {
            let (status, output) = try await Self.runToEnd(["--method", method, "--error-rate", "1", "--run-for-s", "0.1"])
            #expect(status == 2, "\(method): \(output)")
            let problems = Self.problems(output)
            #expect(problems.count == 1, "\(output)")
            #expect(problems.first?.hasPrefix("--method '\(method)' \(why); \(servedList)") == true, "\(method): \(output)")
            #expect(output.contains("GetProduct") && output.contains("/echo.v1.Echo (") && output.contains("Get"), "\(output)")
        }
        // Served ones are accepted (the server starts and stops by itself).
        for method in ["/echo.v1.Echo", "/catalog.v1.Catalog/GetProduct"] {
            let (status, output) = try await Self.runToEnd(["--port", "0", "--method", method, "--error-rate", "1", "--run-for-s", "0.1", "--quiet"])
            #expect(status == 0, "\(method): \(output)")
            #expect(output.contains("(for \(method))"), "\(output)")
        }
    }

    @Test("--phases with a flaky phase and no fault flags exits 2 saying so and naming the flags")
    func flakyPhaseWithoutFaults() async throws {
        let (status, output) = try await Self.runToEnd(["--phases", "flaky:1,calm:2", "--run-for-s", "0.1"])
        #expect(status == 2, "\(output)")
        #expect(Self.problems(output) == [
            "--phases has phase 'calm'; phases are healthy, flaky and outage",
            "--phases has a flaky phase but it has no faults to inject; give fault flags for it: --error-rate, --latency-ms, "
                + "--tail-rate, --tail-ms, --hang-rate, --reset-rate, --goaway-rate, --drop-rate, --outage-after-s, --outage-for-s",
        ], "\(output)")
        // A bad fault flag is the problem to fix, not reported as "no faults" as well.
        let bad = try await Self.runToEnd(["--phases", "flaky:1", "--error-rate", "2"])
        #expect(bad.status == 2)
        #expect(Self.problems(bad.output) == ["--error-rate must be within 0...1, got 2.0"], "\(bad.output)")
        // With a fault flag, or without a flaky phase, it runs.
        for arguments in [["--phases", "flaky:1", "--error-rate", "0.5"], ["--phases", "healthy:1,outage:1"]] {
            let (status, output) = try await Self.runToEnd(["--port", "0", "--run-for-s", "0.1", "--quiet"] + arguments)
            #expect(status == 0, "\(arguments): \(output)")
        }
        // The first line says the outage phase's pushback (it once left it out).
        let outage = try await Self.runToEnd(["--port", "0", "--run-for-s", "0.1", "--quiet", "--phases", "healthy:1,outage:1", "--pushback-ms", "100"])
        #expect(outage.output.contains("faults: phases healthy 1 s, outage (then for ever); outage: every call fails UNAVAILABLE (outage), pushback 100 ms;"), "\(outage.output)")
    }

    @Test("the usage says that --run-for-s 0 runs for ever")
    func usageRunForEver() async throws {
        let (status, output) = try await Self.runToEnd(["--help"])
        #expect(status == 0)
        #expect(output.contains("--run-for-s stop gracefully after S seconds; 0 (the default): run for ever"), "\(output)")
    }

    @Test("--help beside a bad flag shows the usage (it once printed only the error and exited 2)")
    func helpBesideBadFlag() async throws {
        let (status, output) = try await Self.runToEnd(["--error-rate", "7", "--help"])
        #expect(status == 0, "\(output)")
        #expect(output.contains("--run-for-s stop gracefully after S seconds"), "\(output)")
        #expect(!output.contains("--error-rate"+" must"), "\(output)")
    }

    @Test("flags that would do nothing exit 2 saying so (they were once dropped silently); reset codes and phase lengths are checked by the flags")
    func flagsThatDoNothing() async throws {
        for (arguments, expected) in [
            (["--pushback-ms", "100"], ["--pushback-ms does nothing alone: it is sent with injected errors (--error-rate) and outage failures"]),
            (["--error-code", "NOT_FOUND"], ["--error-code does nothing without --error-rate (the fraction of calls that fail with it)"]),
            (["--reset-code", "REFUSED_STREAM"], ["--reset-code does nothing without --reset-rate (the fraction of calls reset with it)"]),
            (["--phases", "healthy:5,outage:5", "--error-rate", "0.3"],
             ["--phases has no flaky phase, so the fault flags would do nothing; add one (e.g. flaky:10) or drop them"]),
            (["--reset-rate", "0.1", "--reset-code", "99"],
             ["--reset-code '99' is not an HTTP/2 error code name (e.g. REFUSED_STREAM) or number in 0...13"]),
            (["--phases", "healthy:0.0001,flaky:1", "--error-rate", "0.3"],
             ["--phases item 'healthy:0.0001' is not NAME:SECONDS with 0.001 <= SECONDS <= 86400 (e.g. flaky:10)"]),
        ] {
            let (status, output) = try await Self.runToEnd(arguments + ["--run-for-s", "0.1"])
            #expect(status == 2, "\(arguments): \(output)")
            #expect(Self.problems(output) == expected, "\(arguments): \(output)")
        }
        // With what they qualify, they run.
        for arguments in [
            ["--error-rate", "0.1", "--error-code", "NOT_FOUND", "--pushback-ms", "100"],
            ["--phases", "healthy:1,outage:1", "--pushback-ms", "100"],
            ["--reset-rate", "0.1", "--reset-code", "13"],
        ] {
            let (status, output) = try await Self.runToEnd(["--port", "0", "--run-for-s", "0.1", "--quiet"] + arguments)
            #expect(status == 0, "\(arguments): \(output)")
        }
    }

    @Test("--method limits an outage phase to that method or service (it once took every method down)")
    func outagePhaseScopedByMethod() async throws {
        let (server, output) = try ExampleExecutablesTests.run("flaky-server", [
            "--port", "0", "--method", "/catalog.v1.Catalog", "--phases", "outage:30", "--run-for-s", "120", "--quiet",
        ])
        defer { if server.isRunning { server.terminate() } }
        let line = await ExampleExecutablesTests.offPool { ExampleExecutablesTests.readLine(output, containing: "listening on") }
        let listening = try #require(line, "flaky-server did not start")
        #expect(listening.contains("phases outage (then for ever); outage: every call fails UNAVAILABLE (outage) (for /catalog.v1.Catalog)"), "\(listening)")
        let portText = listening.dropFirst("flaky-server listening on 127.0.0.1:".count).prefix { $0.isNumber }
        let port = try #require(Int(portText))
        let client = RPCClient(transport: try HTTP2ClientTransport(target: .ipv4(host: "127.0.0.1", port: port)))
        #expect(await Self.call(client, Self.echoGet) == .ok)
        #expect(await Self.call(client, Self.getProduct) == .unavailable)
        await client.close()
    }
}

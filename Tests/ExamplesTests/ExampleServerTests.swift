import Foundation
import HTTP2Transport
import RPCCore
import Testing

/// Runs the real `example-server` executable and calls it over HTTP/2.
@Suite("example-server executable")
struct ExampleServerTests {
    static let echoGet = MethodDescriptor(service: "echo.v1.Echo", method: "Get")

    /// The error of a unary call with an empty request (a valid protobuf message); `nil` when it succeeds.
    static func call(_ client: RPCClient<HTTP2ClientTransport>) async -> RPCError? {
        do {
            _ = try await client.unary(request: ClientRequest(message: [UInt8]()), descriptor: echoGet)
            return nil
        } catch let error as RPCError {
            return error
        } catch {
            Issue.record("unexpected error \(error)")
            return RPCError(code: .unknown, message: "\(error)")
        }
    }

    /// Starts example-server on a free port; its listening line, port and output.
    static func start(_ arguments: [String]) async throws -> (Process, Pipe, listening: String, port: Int) {
        let (server, output) = try ExampleExecutablesTests.run("example-server", ["--port", "0", "--run-for-s", "120"] + arguments)
        let line = await ExampleExecutablesTests.offPool { ExampleExecutablesTests.readLine(output, containing: "listening on") }
        let listening = try #require(line, "example-server did not start")
        let portText = listening.dropFirst("example-server listening on 127.0.0.1:".count).prefix { $0.isNumber }
        return (server, output, listening, try #require(Int(portText)))
    }

    /// Sends SIGINT and returns the rest of the output once the server has exited.
    static func stop(_ server: Process, _ output: Pipe) async -> String {
        server.interrupt()
        return await ExampleExecutablesTests.outputToEnd(of: server, output)
    }

    @Test("--error-rate 1: every call fails with the chosen code; counters are printed on SIGINT")
    func injectsErrors() async throws {
        let (server, output, listening, port) = try await Self.start(["--error-rate", "1", "--error-code", "resource_exhausted", "--seed", "3"])
        defer { if server.isRunning { server.terminate() } }
        #expect(listening.hasSuffix("; faults: 100.0% RESOURCE_EXHAUSTED"), "\(listening)")

        let client = RPCClient(transport: try HTTP2ClientTransport(target: .ipv4(host: "127.0.0.1", port: port)))
        for _ in 0..<3 {
            let error = await Self.call(client)
            #expect(error?.code == .resourceExhausted)
            #expect(error?.message == "example-server injected RESOURCE_EXHAUSTED into /echo.v1.Echo/Get (error rate 100%)", "\(String(describing: error))")
        }
        await client.close()

        let rest = await Self.stop(server, output)
        #expect(server.terminationStatus == 0, "\(rest)")
        #expect(rest.contains("example-server stopped: 3 calls, 3 injected errors, 0 rejected by the outage\n"), "\(rest)")
    }

    @Test("an outage from the start: calls fail UNAVAILABLE saying when it ends, and count as rejected by the outage")
    func outage() async throws {
        let (server, output, listening, port) = try await Self.start(["--outage-after-s", "0", "--outage-for-s", "600"])
        defer { if server.isRunning { server.terminate() } }
        #expect(listening.hasSuffix("; faults: outage from 0.0 seconds for 600.0 seconds"), "\(listening)")

        let client = RPCClient(transport: try HTTP2ClientTransport(target: .ipv4(host: "127.0.0.1", port: port)))
        let error = await Self.call(client)
        #expect(error?.code == .unavailable)
        #expect(error?.message.hasPrefix("example-server is in a simulated outage; back in ") == true, "\(String(describing: error))")
        await client.close()

        let rest = await Self.stop(server, output)
        #expect(server.terminationStatus == 0, "\(rest)")
        #expect(rest.contains("example-server stopped: 1 calls, 0 injected errors, 1 rejected by the outage\n"), "\(rest)")
    }

    @Test("bad flags exit 2 naming every bad flag")
    func badFlags() async throws {
        let (process, output) = try ExampleExecutablesTests.run("example-server", [
            "--error-rate", "2", "--error-code", "FINE", "--latency-ms", "-1", "--outage-for-s", "7200", "--seed", "x",
            "--port", "70000", "--run-for-s", "-1",
        ])
        let text = await ExampleExecutablesTests.outputToEnd(of: process, output)
        #expect(process.terminationStatus == 2, "\(text)")
        for flag in [
            "--error-rate", "--error-code", "--latency-ms", "--outage-for-s needs --outage-after-s", "--outage-for-s must be within", "--seed expects",
            "--port must be within 0...65535, got 70000", "--run-for-s must be within",
        ] {
            #expect(text.contains(flag), "\(flag) in \(text)")
        }
        #expect(text.contains("usage: example-server"))
        #expect(!text.contains("listening on"))
    }

    @Test("unknown and repeated flags are named together with every bad value (--host, --seed -1 too), exit 2")
    func unknownFlagsWithBadValues() async throws {
        let (process, output) = try ExampleExecutablesTests.run("example-server", [
            "--error-rate", "nan", "--bogus", "--port", "x", "--colour", "red", "--seed", "-1", "--host", "nosuch.invalid",
            "--latency-ms", "1", "--latency-ms", "2",
        ])
        let text = await ExampleExecutablesTests.outputToEnd(of: process, output)
        #expect(process.terminationStatus == 2, "\(text)")
        for line in [
            "example-server: --bogus is not a known flag", "--colour is not a known flag",
            "--latency-ms is given more than once ('1', then '2'); give it once",
            "--host must be an IPv4 or IPv6 address (e.g. 127.0.0.1, 0.0.0.0, ::1) or localhost, got 'nosuch.invalid'",
            "--port expects an integer, got 'x'", "--error-rate expects a number, got 'nan'",
            "--seed must be within 0...18446744073709551615, got -1", "known flags: --error-code, --error-rate, --help, --host,",
        ] {
            #expect(text.contains(line + (line.hasSuffix(",") ? "" : "\n")), "\(line) in \(text)")
        }
        #expect(text.contains("--run-for-s   stop gracefully after S seconds; 0 (the default): run for ever"), "\(text)")
        #expect(!text.contains("listening on"))
    }
}

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
        await client.close()

        server.interrupt()
        let rest = await ExampleExecutablesTests.offPool { () -> String in
            let data = output.fileHandleForReading.readDataToEndOfFile()
            server.waitUntilExit()
            return String(decoding: data, as: UTF8.self)
        }
        #expect(server.terminationStatus == 0, "\(rest)")
        #expect(rest.contains("flaky-server: injected error /echo.v1.Echo/Get: NOT_FOUND [metadata]"), "\(rest)")
        #expect(rest.contains("flaky-server: injected reset /echo.v1.Echo/Get: RST_STREAM INTERNAL_ERROR [metadata]"), "\(rest)")
        #expect(rest.contains("flaky-server: injected error /catalog.v1.Catalog/GetProduct: UNAVAILABLE\n"), "\(rest)")
        #expect(rest.contains(
            "flaky-server stopped: 6 calls, 4 injected faults (3 errors, 0 latency, 0 hangs, 1 resets, 0 goaways, 0 drops, 0 outage), max 1 concurrent calls"
        ), "\(rest)")
    }

    @Test("bad flags exit 2 naming every bad flag")
    func badFlags() async throws {
        for (arguments, names) in [
            (["--nope", "1", "--bogus"], ["'--nope'", "'--bogus'"]),
            (["--error-rate", "2", "--latency-ms", "5-x", "--phases", "calm:3", "--error-code", "FINE", "--tail-rate", "0.1"],
             ["'--error-rate'", "'--latency-ms'", "'--phases'", "'--error-code'", "'--tail-rate'"]),
        ] {
            let (process, output) = try ExampleExecutablesTests.run("flaky-server", arguments)
            let text = await ExampleExecutablesTests.offPool { () -> String in
                let data = output.fileHandleForReading.readDataToEndOfFile()
                process.waitUntilExit()
                return String(decoding: data, as: UTF8.self)
            }
            #expect(process.terminationStatus == 2, "\(arguments): \(text)")
            for name in names { #expect(text.contains(name), "\(name) in \(text)") }
            #expect(text.contains("usage: flaky-server"))
        }
    }
}

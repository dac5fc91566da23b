// example-server: serves the Echo and Catalog example services over HTTP/2, and misbehaves on
// request: an error rate, added latency, an outage window (a FaultInjectionInterceptor built from
// the flags; flaky-server has the full set of faults).
//
//   example-server [--host 127.0.0.1] [--port 50051] [--error-rate 0.2] [--error-code UNAVAILABLE]
//                  [--latency-ms 0] [--outage-after-s 5 --outage-for-s 8] [--seed 1] [--run-for-s 0]
//   (--run-for-s 0, the default, runs for ever: until SIGINT or SIGTERM)

import ExampleServices
import FaultInjection
import Glibc
import HTTP2Transport
import RPCCore

let usage = """
    usage: example-server [--host 127.0.0.1] [--port 50051] [--error-rate 0..1] [--error-code NAME|NUMBER]
                          [--latency-ms N] [--outage-after-s S] [--outage-for-s S] [--seed N] [--run-for-s S]
      --host        an IPv4 or IPv6 address, or localhost
      --seed        0...18446744073709551615
      --run-for-s   stop gracefully after S seconds; 0 (the default): run for ever, until SIGINT or SIGTERM
    """

let flags: CommandLineFlags
let faults: ServerFaults
let host: String
let port: Int
let runFor: Duration
do {
    flags = CommandLineFlags(
        CommandLine.arguments.dropFirst(),
        known: ["host", "port", "error-rate", "error-code", "latency-ms", "outage-after-s", "outage-for-s", "seed", "run-for-s"],
        switches: ["help"]
    )
    if flags.has("help") {
        Console.line(usage)
        exit(0)
    }
    // Every bad flag is named at once, not just the first: unknown and repeated flags
    // (flags.problems) and every bad value.
    var problems: [String] = []
    var parsedHost = "127.0.0.1"
    do { parsedHost = try flags.host(default: "127.0.0.1") } catch { problems.append("\(error)") }
    var parsedPort = 50051
    do { parsedPort = try flags.int("port", default: 50051, in: 0...65535) } catch { problems.append("\(error)") }
    var parsedFaults: ServerFaults?
    do { parsedFaults = try ServerFaults(flags: flags) } catch { problems.append("\(error)") }
    var parsedRunFor = Duration.zero
    do { parsedRunFor = try flags.seconds("run-for-s", default: 0) } catch { problems.append("\(error)") }
    try flags.finish(problems)
    // ServerFaults failing added a problem, so finish() threw: parsedFaults is set here.
    guard let parsedFaults else { throw CommandLineFlags.Error(description: "the fault flags are invalid") }
    host = parsedHost
    port = parsedPort
    faults = parsedFaults
    runFor = parsedRunFor
} catch {
    Console.error("example-server: \(error)\n\(usage)\n")
    exit(2)
}

let address: HTTP2Target = host.contains(":") ? .ipv6(host: host, port: port) : .ipv4(host: host, port: port)
let faultInterceptor: FaultInjectionInterceptor
do {
    faultInterceptor = try FaultInjectionInterceptor(configuration: faults.configuration)
} catch {
    Console.error("example-server: \(error)\n")
    exit(2)
}

do {
    var configuration = HTTP2ServerTransport.Configuration.defaults
    configuration.shutdownGracePeriod = .seconds(5)   // calls still running 5 s after a signal are cancelled
    let transport = try HTTP2ServerTransport(address: address, configuration: configuration)
    let server = RPCServer(transport: transport, services: [EchoService(), CatalogService()], interceptors: [faultInterceptor])
    // Stop gracefully on SIGINT / SIGTERM, or after --run-for-s; a second signal stops at once.
    let lifecycle = GracefulStop(name: "example-server", runFor: runFor, gracePeriod: configuration.shutdownGracePeriod) { server.beginGracefulShutdown() }

    try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await server.serve() }
        let bound = try await transport.listeningAddress()
        Console.line("example-server listening on \(bound); faults: \(faults)")
        try await group.waitForAll()
    }
    let counters = faultInterceptor.counters
    Console.line("example-server stopped: \(counters.calls) calls, \(counters[.error]) injected errors, \(counters[.outage]) rejected by the outage")
    withExtendedLifetime(lifecycle) {}
} catch {
    Console.error("example-server: \(error)\n")
    exit(1)
}

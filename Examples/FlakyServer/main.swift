// flaky-server: serves the Echo and Catalog example services over HTTP/2 with fault injection
// from flags (errors, latency, hangs, resets, GOAWAY, dropped connections, outages, phases) and,
// with --allow-metadata-faults, from x-fault-* request metadata. Prints each injected fault and,
// on exit, the counters. See FlakyServerFlags.usage and the README.

import ExampleServices
import FaultInjection
import Glibc
import HTTP2Transport
import RPCCore

/// What flaky-server serves; `--method` must name one of their methods.
let services: [any RegistrableRPCService] = [EchoService(), CatalogService()]
let served: [MethodDescriptor] = {
    var router = RPCRouter()
    for service in services { service.registerMethods(with: &router) }
    return router.methods
}()

// `--help` shows the usage even beside bad flags, as example-server does.
if FlakyServerFlags.asksForHelp(Array(CommandLine.arguments.dropFirst())) {
    Console.line(FlakyServerFlags.usage)
    exit(0)
}
let options: FlakyServerFlags
do {
    options = try FlakyServerFlags(Array(CommandLine.arguments.dropFirst()), served: served)
} catch {
    Console.error("flaky-server: \(error)\n\(FlakyServerFlags.usage)\n")
    exit(2)
}

let quiet = options.quiet
let faults: FaultInjectionInterceptor
do {
    faults = try FaultInjectionInterceptor(configuration: options.configuration) { fault in
        if !quiet { Console.line("flaky-server: injected \(fault)") }
    }
} catch {
    Console.error("flaky-server: \(error)\n")
    exit(2)
}

/// The line printed on exit; stable for scripts: `flaky-server stopped: N calls, ..., max K
/// concurrent calls, J still in flight, I rejected for invalid x-fault-* metadata`.
func stoppedLine() -> String { "flaky-server stopped: \(faults.counters)" }

let address: HTTP2Target = options.host.contains(":")
    ? .ipv6(host: options.host, port: options.port)
    : .ipv4(host: options.host, port: options.port)

do {
    var configuration = HTTP2ServerTransport.Configuration.defaults
    configuration.shutdownGracePeriod = .seconds(5)   // calls still running (hangs) 5 s after a signal are cancelled
    let transport = try HTTP2ServerTransport(address: address, configuration: configuration)
    let server = RPCServer(transport: transport, services: services, interceptors: [faults])

    // Stop gracefully on SIGINT / SIGTERM, or after --run-for-s; a second signal stops at once
    // (printing the counters first).
    let lifecycle = GracefulStop(
        name: "flaky-server", runFor: options.runFor, gracePeriod: configuration.shutdownGracePeriod,
        beforeImmediateExit: { Console.line(stoppedLine()) }
    ) {
        server.beginGracefulShutdown()
    }

    try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await server.serve() }
        let bound = try await transport.listeningAddress()
        Console.line("flaky-server listening on \(bound); faults: \(options.summary)")
        // Announce each phase as it begins.
        let announcer = Task {
            var announced = -1
            while let position = faults.currentPhase {
                if position.index != announced {
                    announced = position.index
                    Console.line("flaky-server: \(position)")
                }
                guard let remaining = position.remaining else { break }
                try await Task.sleep(for: remaining + .milliseconds(1))
            }
        }
        try await group.waitForAll()
        announcer.cancel()
    }
    Console.line(stoppedLine())
    withExtendedLifetime(lifecycle) {}
} catch {
    Console.error("flaky-server: \(error)\n")
    exit(1)
}

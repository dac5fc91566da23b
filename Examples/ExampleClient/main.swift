// example-client: calls catalog.v1.Catalog/GetProduct in a loop through a fallback and a
// circuit breaker, and prints what happened to each call: served, fallback from the cache,
// fallback default, and whether the open breaker rejected it without touching the network.
//
//   example-client [--host 127.0.0.1] [--port 50051] [--duration-s 20] [--interval-ms 200]
//                  [--timeout-ms 500] [--window 10] [--min-calls 5] [--failure-rate 0.5]
//                  [--open-s 2] [--probes 2] [--seed 1] [--cache-max-age-s 5]

import ExampleServices
import Glibc
import HTTP2Transport
import RPCCore
import Resilience

let usage = """
    usage: example-client [--host 127.0.0.1] [--port 50051] [--duration-s 20] [--interval-ms 200]
                          [--timeout-ms 500] [--window 10] [--min-calls 5] [--failure-rate 0.5]
                          [--open-s 2] [--probes 2] [--seed 1] [--cache-max-age-s 5]
    """

let settings: ClientSettings
do {
    let flags = try CommandLineFlags(CommandLine.arguments.dropFirst(), known: ClientSettings.flagNames, switches: ["help"])
    if flags.has("help") {
        Console.line(usage)
        exit(0)
    }
    settings = try ClientSettings(flags: flags)
} catch {
    Console.error("example-client: \(error)\n\(usage)\n")
    exit(2)
}

do {
    let summary = try await DemoLoop(settings: settings).run()
    Console.line(summary.description)
    // Fallbacks hide the cause: say plainly when nothing ever answered.
    if summary.served == 0 {
        Console.error("example-client: no call was served by \(settings.host):\(settings.port); is example-server running there?\n")
        exit(1)
    }
} catch {
    Console.error("example-client: \(error)\n")
    exit(1)
}

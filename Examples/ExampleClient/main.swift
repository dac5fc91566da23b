// example-client: a few concurrent callers of catalog.v1.Catalog/GetProduct through the
// recommended resilience chain (fallback, overall timeout, retry, circuit breaker). Each second it
// prints a live line: calls served, retried, answered by the fallback (cache or default), rejected
// by the open breaker, failed; p50/p99 latency; the breaker's state. Breaker transitions get lines
// of their own as they happen; --verbose adds a line per call. A summary ends the run, also one
// ended early by Ctrl-C.
//
//   example-client [--host 127.0.0.1] [--port 50051] [--duration-s 20] [--concurrency 4]
//                  [--interval-ms 100] [--timeout-ms 1000] [--attempt-timeout-ms 250] [--max-attempts 3]
//                  [--window 20] [--min-calls 10] [--failure-rate 0.5] [--open-s 2] [--probes 2]
//                  [--seed 1] [--cache-max-age-s 5] [--verbose]

import ExampleServices
import Glibc
import HTTP2Transport
import RPCCore
import Resilience

let usage = """
    usage: example-client [--host 127.0.0.1] [--port 50051] [--duration-s 20] [--concurrency 4]
                          [--interval-ms 100] [--timeout-ms 1000] [--attempt-timeout-ms 250] [--max-attempts 3]
                          [--window 20] [--min-calls 10] [--failure-rate 0.5] [--open-s 2] [--probes 2]
                          [--seed 1] [--cache-max-age-s 5] [--verbose]
      --concurrency      callers running at once, each calling every --interval-ms
      --timeout-ms       overall timeout of a call, retries included
      --attempt-timeout-ms  how long one attempt may wait for response headers before it is
                         cancelled and retried (0: no per-attempt timeout)
      --max-attempts     attempts per call, the first included (2...5)
      --window, --min-calls, --failure-rate, --open-s, --probes   the circuit breaker
      --cache-max-age-s  how old a cached last good response the fallback may return
      --verbose          a line per call as well as the per-second lines
      --host             the server: an IPv4 or IPv6 address, or localhost
      --seed             0...18446744073709551615
    """

let settings: ClientSettings
do {
    let flags = CommandLineFlags(CommandLine.arguments.dropFirst(), known: ClientSettings.flagNames, switches: ClientSettings.switchNames)
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
    let run = Task { try await DemoLoop(settings: settings).run() }
    // Ctrl-C (or SIGTERM) ends the run early, which still prints its summary.
    let stop = GracefulStop(
        name: "example-client",
        firstSignalMessage: "interrupted; ending the calls in flight and printing the summary (interrupt again to stop now)"
    ) { run.cancel() }
    let summary = try await run.value
    withExtendedLifetime(stop) {}
    Console.line(summary.description)
    // Fallbacks hide the cause: say plainly when nothing ever answered.
    if summary.served == 0 {
        Console.error("example-client: no call was served by \(settings.host):\(settings.port); is example-server (or flaky-server) running there?\n")
        exit(1)
    }
} catch {
    Console.error("example-client: \(error)\n")
    exit(1)
}

import ExampleServices
import FaultInjection
import HTTP2Transport
import Protobuf
import RPCCore
import Resilience
import Synchronization

/// Runs a few concurrent callers of GetProduct through the recommended resilience chain for the
/// configured duration, printing a live line each second, every breaker transition as it
/// happens, and (verbose) a line per call.
struct DemoLoop {
    /// What happened to the run's calls, printed at the end.
    struct Summary: CustomStringConvertible {
        var total: CallTally
        var transitions: Int
        var elapsed: Duration

        var served: Int { total.served }

        var description: String {
            let percentiles = total.latencies.percentiles([50, 99])
            let perSecond = Double(total.calls) / max(elapsed.seconds, 0.001)
            return """
                summary: \(total.calls) calls in \(elapsed.readable) (\(Int(perSecond.rounded()))/s): \(total.served) served, \
                \(total.fallbacks) fallback (\(total.fallbackCache) from cache, \(total.fallbackDefault) default), \
                \(total.failed) failed; \(total.retried) needed a retry (\(total.rescued) of them then served); \
                \(total.rejected) rejected by the open breaker without reaching the server; \
                latency p50 \(LatencyPercentiles.format(percentiles[0])), p99 \(LatencyPercentiles.format(percentiles[1])); \
                \(transitions) breaker transition\(transitions == 1 ? "" : "s")
                """
        }
    }

    let settings: ClientSettings

    func run() async throws -> Summary {
        let target: HTTP2Target = settings.host.contains(":")
            ? .ipv6(host: settings.host, port: settings.port)
            : .ipv4(host: settings.host, port: settings.port)
        let transport = try HTTP2ClientTransport(target: target)
        let start = ContinuousClock.now
        let transitions = Mutex(0)

        var placeholder = Catalog_V1_Product()
        placeholder.name = "(details unavailable, try again soon)"
        let jitter = Mutex(FaultRandom(seed: settings.seed ^ 0x5EED))
        // The recommended order (README.md, "Order of interceptors"): fallback, overall timeout,
        // retry, circuit breaker; then, innermost, a counter of the attempts that reach the transport.
        let chain = ResilienceChain(
            configuration: .init(
                fallback: FallbackInterceptor(
                    triggers: [.circuitOpen, .status(.unavailable), .status(.deadlineExceeded), .status(.internal), .status(.unknown)],
                    strategy: try .lastGoodResponse(maxAge: settings.cacheMaxAge, otherwise: .fixed(message: placeholder.serializedBytes()))
                ),
                overallTimeout: TimeoutInterceptor(timeout: settings.timeout),
                retry: RetryInterceptor(policy: settings.retry, random: {
                    jitter.withLock { Double($0.next() >> 11) / Double(1 << 53) }
                }),
                circuitBreaker: settings.breaker
            ),
            onStateChange: { change in
                // Its own line at once: the transition happened during some caller's call.
                transitions.withLock { $0 += 1 }
                Console.line("\(Self.label(start.duration(to: .now), precise: true)) ** breaker '\(change.breakerName)' \(change.from) -> \(change.to): \(change.reason)")
            }
        )
        let client = RPCClient(transport: transport, interceptors: chain.interceptors + [AttemptCounter()])
        let catalog = Catalog_V1_CatalogClient(wrapping: client)
        // The chain has a registry: its configuration has a breaker.
        let breaker = chain.circuitBreakers!.breaker(for: Catalog_V1_Catalog.Method.GetProduct.descriptor)

        Console.line(
            "example-client: \(settings.concurrency) callers each calling GetProduct every \(settings.interval.readable) "
                + "for \(settings.duration.readable) at \(target)\n  chain: \(settings.chainDescription)"
        )
        let stats = LiveStats()
        let end = start.advanced(by: settings.duration)
        let reporter = Task { await Self.report(stats: stats, breaker: breaker, start: start, end: end) }
        await withTaskGroup(of: Void.self) { group in
            for caller in 0..<settings.concurrency {
                group.addTask { await self.callLoop(caller: caller, catalog: catalog, stats: stats, start: start, end: end) }
            }
        }
        reporter.cancel()
        await reporter.value
        let elapsed = start.duration(to: .now)
        // Calls that ended after the last full second.
        let rest = stats.takeSecond()
        if rest.calls > 0 {
            Console.line("\(Self.label(elapsed, precise: true)) | calls \(rest.calls) since the last line \(rest.counts) | breaker \(Self.describe(breaker.metrics))")
        }
        await client.close()
        return Summary(total: stats.total, transitions: transitions.withLock { $0 }, elapsed: elapsed)
    }

    /// One caller: a call every interval (no catching up in bursts after a slow call) until `end`.
    private func callLoop(
        caller: Int, catalog: Catalog_V1_CatalogClient<HTTP2ClientTransport>, stats: LiveStats,
        start: ContinuousClock.Instant, end: ContinuousClock.Instant
    ) async {
        var random = FaultRandom(seed: settings.seed &+ UInt64(caller) &* 0x9E37_79B9_7F4A_7C15)
        // Spread the callers over the interval instead of calling all at once.
        var next = start.advanced(by: settings.interval / settings.concurrency * caller)
        while next < end, !Task.isCancelled {
            if next > .now {
                do { try await Task.sleep(until: next, clock: .continuous) } catch { return }
            }
            let id = "sku-\(Int.random(in: 1...10, using: &random))"
            let attempts = AttemptCounter.Attempts()
            let callStart = ContinuousClock.now
            var call = CallTally.Call(result: .failed, rejected: false, attempts: 0, latency: .zero)
            var detail: String
            do {
                let response = try await AttemptCounter.$current.withValue(attempts) {
                    try await catalog.getProduct(Catalog_V1_GetProductRequest(id: id))
                }
                call.latency = callStart.duration(to: .now)
                let cause = response.metadata.firstString(forKey: FallbackInterceptor.causeMetadataKey) ?? ""
                call.rejected = cause == FallbackInterceptor.circuitOpenCause
                let why = call.rejected ? "rejected by the open breaker" : cause
                switch response.metadata.firstString(forKey: FallbackInterceptor.metadataKey) {
                case "cache"?:
                    call.result = .fallback(fromCache: true)
                    let age = response.metadata.firstString(forKey: FallbackInterceptor.ageMetadataKey) ?? "?"
                    detail = "fallback (cache, \(age) ms old) '\(response.message.name)' <- \(why)"
                case "default"?:
                    call.result = .fallback(fromCache: false)
                    detail = "fallback (default) '\(response.message.name)' <- \(why)"
                default:
                    call.result = .served
                    detail = "served '\(response.message.name)'"
                }
            } catch {
                // Interrupted (Ctrl-C): the call did not fail, the run ended.
                if Task.isCancelled { return }
                call.latency = callStart.duration(to: .now)
                call.rejected = CircuitBreakerOpenError.find(in: error) != nil
                detail = "failed: \(error)"
            }
            call.attempts = attempts.count
            stats.record(call)
            if settings.verbose {
                let tries = call.attempts == 1 ? "" : " after \(call.attempts) attempts"
                Console.line(
                    "\(Self.label(start.duration(to: .now), precise: true)) caller \(caller) GetProduct \(id.padding(6)) \(detail) "
                        + "in \(LatencyPercentiles.format(call.latency))\(tries)"
                )
            }
            next = next.advanced(by: settings.interval)
            let now = ContinuousClock.now
            if next < now { next = now }
        }
    }

    /// Prints a line each second until cancelled: that second's calls and the breaker's state.
    private static func report(stats: LiveStats, breaker: CircuitBreaker, start: ContinuousClock.Instant, end: ContinuousClock.Instant) async {
        var second = 1
        while start.advanced(by: .seconds(second)) <= end {
            do { try await Task.sleep(until: start.advanced(by: .seconds(second)), clock: .continuous) } catch { return }
            let tally = stats.takeSecond()
            Console.line("\(label(.seconds(second))) | calls \(tally.calls)/s \(tally.counts) | breaker \(describe(breaker.metrics))")
            second += 1
        }
    }

    /// `closed (2 of 20 failed)`, `open (next probe in 1.2 s)`, `half-open (2 probes in flight)`.
    static func describe(_ metrics: CircuitBreaker.Metrics) -> String {
        switch metrics.state {
        case .closed:
            return "closed (\(metrics.failuresInWindow) of \(metrics.callsInWindow) failed)"
        case .open:
            guard let wait = metrics.nextProbeIn, wait > .zero else { return "open (probe due on the next call)" }
            return "open (next probe in \(wait.readable))"
        case .halfOpen:
            return "half-open (\(metrics.probesInFlight) probe\(metrics.probesInFlight == 1 ? "" : "s") in flight)"
        case .forcedOpen, .disabled:
            return "\(metrics.state)"
        }
    }

    /// `t= 7s`, or precise `t= 7.31s`.
    static func label(_ elapsed: Duration, precise: Bool = false) -> String {
        let milliseconds = Int(elapsed.seconds * 1000)
        let seconds = String(milliseconds / 1000).padding(2, leading: true)
        guard precise else { return "t=\(seconds)s" }
        let hundredths = (milliseconds % 1000) / 10
        return "t=\(seconds).\(hundredths < 10 ? "0" : "")\(hundredths)s"
    }
}

extension Duration {
    /// The duration in seconds, as a floating-point number.
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}

extension String {
    func padding(_ width: Int, leading: Bool = false) -> String {
        let pad = String(repeating: " ", count: max(0, width - count))
        return leading ? pad + self : self + pad
    }
}

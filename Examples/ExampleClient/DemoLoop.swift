import ExampleServices
import HTTP2Transport
import Protobuf
import RPCCore
import Resilience
import Synchronization

/// Calls GetProduct every interval for the configured duration and prints each result.
struct DemoLoop {
    /// What happened to the calls, printed at the end.
    struct Summary: CustomStringConvertible {
        var served = 0
        var fallbackCache = 0
        var fallbackDefault = 0
        var rejectedByBreaker = 0
        var failed = 0

        var description: String {
            let total = served + fallbackCache + fallbackDefault + failed
            return """
                summary: \(total) calls: \(served) served, \(fallbackCache) fallback from cache, \
                \(fallbackDefault) fallback default, \(failed) failed; \
                \(rejectedByBreaker) rejected by the open breaker without reaching the server
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
        let elapsed: @Sendable () -> String = { Self.format(start.duration(to: .now)) }

        // Transitions happen during a call: hold their lines until that call's line is printed.
        let transitions = LineBuffer()
        let registry = CircuitBreakerRegistry(defaultConfiguration: settings.breaker) { change in
            transitions.append("[\(elapsed())] ** breaker '\(change.breakerName)' \(change.from) -> \(change.to): \(change.reason)")
        }
        var placeholder = Catalog_V1_Product()
        placeholder.name = "(details unavailable, try again soon)"
        let client = RPCClient(transport: transport, interceptors: [
            // Outermost: answers failures, including the breaker's rejections.
            FallbackInterceptor(
                triggers: [.circuitOpen, .status(.unavailable), .status(.deadlineExceeded), .status(.internal), .status(.unknown)],
                strategy: try .lastGoodResponse(maxAge: settings.cacheMaxAge, otherwise: .fixed(message: placeholder.serializedBytes()))
            ),
            CircuitBreakerInterceptor(registry: registry),
        ])
        let catalog = Catalog_V1_CatalogClient(wrapping: client)
        let breaker = registry.breaker(for: Catalog_V1_Catalog.Method.GetProduct.descriptor)

        Console.line("example-client calling \(target) every \(settings.interval) for \(settings.duration); breaker: \(settings.breaker)")
        var random = SplitMix64(seed: settings.seed)
        var summary = Summary()
        let end = start.advanced(by: settings.duration)
        var next = start
        while next < end {
            let id = "sku-\(Int.random(in: 1...10, using: &random))"
            let callStart = ContinuousClock.now
            var line = "[\(elapsed())] GetProduct \(id.padding(6))"
            do {
                let response = try await catalog.getProduct(
                    Catalog_V1_GetProductRequest(id: id), options: CallOptions(timeout: settings.timeout)
                )
                let took = Self.format(callStart.duration(to: .now), milliseconds: true)
                let cause = response.metadata.firstString(forKey: FallbackInterceptor.causeMetadataKey) ?? ""
                let rejected = cause == FallbackInterceptor.circuitOpenCause
                if rejected { summary.rejectedByBreaker += 1 }
                let why = rejected ? "rejected by the open breaker" : cause
                switch response.metadata.firstString(forKey: FallbackInterceptor.metadataKey) {
                case "cache"?:
                    summary.fallbackCache += 1
                    let age = response.metadata.firstString(forKey: FallbackInterceptor.ageMetadataKey) ?? "?"
                    line += " fallback (cache, \(age) ms old) '\(response.message.name)' <- \(why)"
                case "default"?:
                    summary.fallbackDefault += 1
                    line += " fallback (default) '\(response.message.name)' <- \(why)"
                default:
                    summary.served += 1
                    line += " served '\(response.message.name)' in \(took)"
                }
            } catch {
                summary.failed += 1
                line += " failed: \(error)"
            }
            Console.line(line + "  [breaker \(breaker.state)]")
            for transition in transitions.drain() { Console.line(transition) }
            next = next.advanced(by: settings.interval)
            if next > .now { try await Task.sleep(until: next, clock: .continuous) }
        }
        await client.close()
        return summary
    }

    static func format(_ duration: Duration, milliseconds: Bool = false) -> String {
        let ms = Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
        if milliseconds { return String(Int(ms.rounded())) + " ms" }
        let tenths = Int((ms / 100).rounded())
        return "\(tenths / 10).\(tenths % 10)s".padding(6, leading: true)
    }
}

/// Lines collected from callbacks, printed later in order.
final class LineBuffer: Sendable {
    private let lines = Mutex<[String]>([])

    func append(_ line: String) { lines.withLock { $0.append(line) } }

    func drain() -> [String] { lines.withLock { lines in defer { lines = [] }; return lines } }
}

extension String {
    func padding(_ width: Int, leading: Bool = false) -> String {
        let pad = String(repeating: " ", count: max(0, width - count))
        return leading ? pad + self : self + pad
    }
}

import ExampleServices
import RPCCore
import Synchronization

/// Makes the example server misbehave on purpose: errors at a rate, added latency, an outage
/// window. (The reusable, metadata-driven fault injector is the FaultInjection target's job.)
final class FaultInterceptor: ServerInterceptor {
    /// What the interceptor did, for the summary printed on exit.
    struct Counters: Sendable {
        var calls = 0
        var injectedErrors = 0
        var outageRejections = 0
    }

    private let faults: ServerFaults
    private let start = ContinuousClock.now
    private let random: Mutex<SplitMix64>
    private let state = Mutex(Counters())

    init(faults: ServerFaults) {
        self.faults = faults
        self.random = Mutex(SplitMix64(seed: faults.seed))
    }

    var counters: Counters { state.withLock { $0 } }

    func intercept(
        request: StreamingServerRequest,
        context: ServerContext,
        next: @Sendable (StreamingServerRequest, ServerContext) async throws -> StreamingServerResponse
    ) async throws -> StreamingServerResponse {
        state.withLock { $0.calls += 1 }
        let elapsed = start.duration(to: .now)
        if let outageAfter = faults.outageAfter, elapsed >= outageAfter, elapsed < outageAfter + faults.outageLength {
            state.withLock { $0.outageRejections += 1 }
            let left = outageAfter + faults.outageLength - elapsed
            throw RPCError(
                code: .unavailable,
                message: "example-server is in a simulated outage; back in \(Self.seconds(left))"
            )
        }
        if faults.latency > .zero {
            try await Task.sleep(for: faults.latency)
        }
        if faults.errorRate > 0 {
            let roll = random.withLock { Double.random(in: 0..<1, using: &$0) }
            if roll < faults.errorRate {
                state.withLock { $0.injectedErrors += 1 }
                throw RPCError(
                    code: faults.errorCode,
                    message: "example-server injected \(faults.errorCode) into \(context.descriptor) (error rate \(faults.errorRate * 100)%)"
                )
            }
        }
        return try await next(request, context)
    }

    private static func seconds(_ duration: Duration) -> String {
        let ms = duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
        return "\(Double(ms) / 1000) s"
    }
}

import RPCCore
import Resilience
import ResilienceTestKit
import Synchronization
import Testing

/// A bulkhead configuration for tests, built without `try` noise.
func bulkheadConfiguration(
    limit: Int = 2, maxQueueLength: Int = 10, maxWait: Duration = .seconds(3600)
) -> Bulkhead.Configuration {
    try! Bulkhead.Configuration(maxConcurrentCalls: limit, maxQueueLength: maxQueueLength, maxWait: maxWait)
}

/// Checks the fixed-limit invariant `available + inUse == limit`.
func expectBalanced(_ bulkhead: Bulkhead, inUse: Int? = nil, sourceLocation: SourceLocation = #_sourceLocation) {
    let metrics = bulkhead.metrics
    #expect(metrics.available + metrics.inUse == metrics.limit, "\(metrics)", sourceLocation: sourceLocation)
    if let inUse { #expect(metrics.inUse == inUse, "\(metrics)", sourceLocation: sourceLocation) }
}

/// Yields until `condition` holds (other tasks make progress meanwhile); fails after many tries.
func eventually(
    _ what: String = "condition", sourceLocation: SourceLocation = #_sourceLocation, _ condition: () -> Bool
) async {
    for _ in 0..<100_000 {
        if condition() { return }
        await Task.yield()
    }
    Issue.record("timed out waiting for \(what)", sourceLocation: sourceLocation)
}

/// A deterministic generator (SplitMix64) for seeded random tests.
struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// A transport whose "server" counts calls running at once: a call runs from `call` until its
/// response body ends (trailers read, an error thrown, or the body dropped: the stream's reset).
/// Latency is a number of scheduler yields taken from the request's first byte; cancellation is
/// noticed at every yield and ends the call with CANCELLED.
final class CountingTransport: ClientTransport {
    private let running = Atomic<Int>(0)
    private let maxRunning = Atomic<Int>(0)
    private let started = Atomic<Int>(0)

    var runningCount: Int { running.load(ordering: .sequentiallyConsistent) }
    var maxRunningCount: Int { maxRunning.load(ordering: .sequentiallyConsistent) }
    var startedCount: Int { started.load(ordering: .sequentiallyConsistent) }

    /// One call's presence on the server; ends once.
    final class Presence: Sendable {
        private let transport: CountingTransport
        private let ended = Atomic<Bool>(false)
        init(_ transport: CountingTransport) { self.transport = transport }
        func end() {
            if ended.compareExchange(expected: false, desired: true, ordering: .sequentiallyConsistent).exchanged {
                transport.running.subtract(1, ordering: .sequentiallyConsistent)
            }
        }
        deinit { end() }
    }

    func call(request: StreamingClientRequest, context: ClientContext) async throws -> StreamingClientResponse {
        started.add(1, ordering: .sequentiallyConsistent)
        let now = running.add(1, ordering: .sequentiallyConsistent).newValue
        var seen = maxRunning.load(ordering: .sequentiallyConsistent)
        while now > seen {
            let (exchanged, original) = maxRunning.compareExchange(expected: seen, desired: now, ordering: .sequentiallyConsistent)
            if exchanged { break }
            seen = original
        }
        let presence = Presence(self)
        let messages = try await collectMessages(request)
        let yields = Int(messages.first?.first ?? 0)
        for _ in 0..<yields {
            if Task.isCancelled { break }
            await Task.yield()
        }
        if Task.isCancelled {
            presence.end()
            return StreamingClientResponse(error: RPCError(code: .cancelled, message: "\(context.descriptor) was cancelled"))
        }
        let message = messages.first ?? []
        return StreamingClientResponse(accepted: .success(.init(metadata: [:], bodyParts: RPCAsyncSequence(makeNext: {
            var index = 0
            return {
                defer { index += 1 }
                if Task.isCancelled {
                    presence.end()
                    throw RPCError(code: .cancelled, message: "cancelled while reading the response")
                }
                switch index {
                case 0: return .message(message)
                case 1:
                    presence.end()
                    return .trailers([:])
                default: return nil
                }
            }
        }))))
    }

    func close() async {}
}

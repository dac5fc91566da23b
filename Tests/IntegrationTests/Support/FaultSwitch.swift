import RPCCore
import Synchronization

/// A client interceptor that asks the flaky server (started with `--allow-metadata-faults`) for a
/// fault by request metadata while the test has it switched on: an outage the test starts and
/// ends exactly when it wants, with the server still counting every call it receives.
final class FaultSwitch: ClientInterceptor {
    private let faults = Mutex<Metadata>([:])
    private let sent = Atomic<Int>(0)

    /// Requests carry `metadata` (e.g. `x-fault-status: UNAVAILABLE`) until ``clear()``.
    func set(_ metadata: Metadata) { faults.withLock { $0 = metadata } }

    func clear() { faults.withLock { $0 = [:] } }

    /// Calls that went past this interceptor towards the transport.
    var callsSent: Int { sent.load(ordering: .relaxed) }

    func intercept(
        request: StreamingClientRequest,
        context: ClientContext,
        next: @Sendable (StreamingClientRequest, ClientContext) async throws -> StreamingClientResponse
    ) async throws -> StreamingClientResponse {
        sent.add(1, ordering: .relaxed)
        var request = request
        request.metadata.add(contentsOf: faults.withLock { $0 })
        return try await next(request, context)
    }
}

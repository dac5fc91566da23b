import RPCCore
import Resilience
import Synchronization

/// Counts how many attempts each call made, so the client can tell calls a retry rescued.
///
/// It sits innermost, below the ``RetryInterceptor`` (after ``ResilienceChain``'s interceptors,
/// next to the transport), so it sees every attempt that reaches the transport; it reads the
/// attempt's number from `grpc-previous-rpc-attempts`, which the retry layer sets on every attempt
/// after the first (a transparent retry of a refused stream keeps the number: it is no new attempt).
/// The caller hands it a tally through a task-local value, which reaches every attempt: the
/// interceptors run in the caller's task or its child tasks.
///
/// ```swift
/// let attempts = AttemptCounter.Attempts()
/// let response = try await AttemptCounter.$current.withValue(attempts) {
///     try await catalog.getProduct(request)
/// }
/// attempts.count   // 2: the first attempt failed, a retry answered
/// ```
struct AttemptCounter: ClientInterceptor {
    /// The tally of one call: the highest attempt number that reached the transport.
    final class Attempts: Sendable {
        private let highest = Mutex(0)

        /// Attempts that reached the transport: 0 when the call never got that far (an open
        /// breaker rejected its only attempt), 1 without a retry.
        var count: Int { highest.withLock { $0 } }

        func reached(attempt: Int) { highest.withLock { $0 = max($0, attempt) } }
    }

    /// The tally of the call running in this task, if its caller wants one.
    @TaskLocal static var current: Attempts?

    func intercept(
        request: StreamingClientRequest,
        context: ClientContext,
        next: @Sendable (StreamingClientRequest, ClientContext) async throws -> StreamingClientResponse
    ) async throws -> StreamingClientResponse {
        if let attempts = Self.current {
            let previous = request.metadata.firstString(forKey: RetryInterceptor.previousAttemptsKey).flatMap { Int($0) } ?? 0
            attempts.reached(attempt: previous + 1)
        }
        return try await next(request, context)
    }
}

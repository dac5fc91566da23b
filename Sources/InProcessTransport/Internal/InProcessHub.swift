import RPCCore
import Synchronization

/// The state shared by the two ends of an ``InProcessTransport``: the queue of calls waiting for
/// the server, and every call not yet complete.
final class InProcessHub: Sendable {
    private enum ServerState {
        /// Accepting calls (queued until `listen` takes them).
        case accepting
        /// Graceful shutdown began: no new calls, those accepted finish.
        case draining
        /// `listen` has returned: no calls at all.
        case stopped
    }

    private struct State {
        var server = ServerState.accepting
        var clientClosed = false
        var listening = false
        var nextID: UInt64 = 0
        var calls: [UInt64: InProcessCall] = [:]
    }

    private let state = Mutex(State())
    private let queue: AsyncStream<InProcessCall>
    private let queueContinuation: AsyncStream<InProcessCall>.Continuation

    init() {
        (queue, queueContinuation) = AsyncStream.makeStream(of: InProcessCall.self)
    }

    // MARK: Client

    /// Creates a call and queues it for the server; an error when calls are refused.
    func submit(metadata: Metadata, context: ServerContext) -> Result<InProcessCall, RPCError> {
        state.withLock { state in
            if state.clientClosed {
                return .failure(RPCError(code: .unavailable, message: "the in-process client transport is closed"))
            }
            switch state.server {
            case .accepting: break
            case .draining:
                return .failure(RPCError(code: .unavailable, message: "the in-process server is shutting down"))
            case .stopped:
                return .failure(RPCError(code: .unavailable, message: "the in-process server has stopped"))
            }
            state.nextID += 1
            let call = InProcessCall(id: state.nextID, metadata: metadata, context: context) { [weak self] id in
                self?.remove(id)
            }
            state.calls[call.id] = call
            queueContinuation.yield(call)
            return .success(call)
        }
    }

    /// Refuses new calls and fails those in flight with UNAVAILABLE.
    func closeClient() {
        let calls = state.withLock { state in
            state.clientClosed = true
            return Array(state.calls.values)
        }
        for call in calls {
            call.terminate(RPCError(code: .unavailable, message: "the in-process client transport was closed"))
        }
    }

    // MARK: Server

    /// Serves queued calls with `handler` until graceful shutdown has drained them, or the calling
    /// task is cancelled (calls in flight then fail with UNAVAILABLE).
    func listen(_ handler: @escaping @Sendable (StreamingServerRequest, ServerContext) async -> StreamingServerResponse) async throws {
        let alreadyListening = state.withLock { state in
            defer { state.listening = true }
            return state.listening
        }
        if alreadyListening {
            throw RPCError(code: .failedPrecondition, message: "listen was already called on this in-process server transport")
        }
        await withTaskGroup(of: Void.self) { group in
            for await call in queue {
                group.addTask { await call.serve(with: handler) }
            }
            await group.waitForAll()
        }
        // Stopped (drained, or cancelled): refuse new calls and fail any still queued.
        let leftovers = state.withLock { state in
            state.server = .stopped
            queueContinuation.finish()
            return Array(state.calls.values)
        }
        for call in leftovers {
            call.terminate(RPCError(code: .unavailable, message: "the in-process server stopped"))
        }
    }

    /// Stops accepting calls; `listen` returns once the accepted ones are done.
    func beginGracefulShutdown() {
        state.withLock { state in
            if case .accepting = state.server { state.server = .draining }
            queueContinuation.finish()
        }
    }

    private func remove(_ id: UInt64) {
        _ = state.withLock { $0.calls.removeValue(forKey: id) }
    }
}

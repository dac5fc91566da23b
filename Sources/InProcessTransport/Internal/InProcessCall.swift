import RPCCore
import Synchronization

/// What the server side sends the client side of an in-process call.
enum ResponseEvent: Sendable {
    case headers(Metadata)
    case message([UInt8])
    case trailers(Metadata)
}

/// One call shared by both ends: the request and response streams, and the tasks working on it.
///
/// The call is *complete* once its response stream has ended, normally (the server sent its
/// trailers or its error) or by ``terminate(_:)`` (deadline, cancellation, closing). Completion
/// cancels the client's request producer and the deadline timer and removes the call from the hub;
/// termination also cancels the server handler's task.
final class InProcessCall: Sendable {
    /// How many messages each direction buffers before the writer waits.
    static let bufferCapacity = 16

    let id: UInt64
    let metadata: Metadata
    let context: ServerContext
    let requests = Pipe<[UInt8]>(capacity: InProcessCall.bufferCapacity)
    let responses = Pipe<ResponseEvent>(capacity: InProcessCall.bufferCapacity)

    private struct Tasks {
        var completed = false
        var handler: Task<Void, Never>?
        var producer: Task<Void, Never>?
        var timer: Task<Void, Never>?
    }

    private let tasks = Mutex(Tasks())
    private let onComplete: @Sendable (UInt64) -> Void

    init(id: UInt64, metadata: Metadata, context: ServerContext, onComplete: @escaping @Sendable (UInt64) -> Void) {
        self.id = id
        self.metadata = metadata
        self.context = context
        self.onComplete = onComplete
    }

    // MARK: Client side

    /// Runs the request producer in its own task, feeding the request stream.
    func startProducer(_ producer: @escaping @Sendable (RPCWriter<[UInt8]>) async throws -> Void, maxMessageBytes: Int) {
        let requests = self.requests
        let descriptor = context.descriptor
        let task = Task {
            let writer = RPCWriter<[UInt8]> { message in
                guard message.count <= maxMessageBytes else {
                    throw RPCError(
                        code: .resourceExhausted,
                        message: "request message of \(message.count) bytes to \(descriptor) is larger than the limit of \(maxMessageBytes) bytes"
                    )
                }
                try await requests.write(message)
            }
            do {
                try await producer(writer)
                requests.finish()
            } catch {
                // A write fails only once the call has ended; otherwise the producer itself failed,
                // which fails the whole call.
                self.terminate(RPCError(from: error))
            }
        }
        if !store(\.producer, task) { task.cancel() }
    }

    /// Ends the call with `error` when `deadline` passes.
    func startTimer(deadline: ContinuousClock.Instant) {
        let descriptor = context.descriptor
        let task = Task {
            do {
                try await Task.sleep(until: deadline, clock: .continuous)
            } catch {
                return
            }
            self.terminate(RPCError(code: .deadlineExceeded, message: "the deadline of \(descriptor) passed"))
        }
        if !store(\.timer, task) { task.cancel() }
    }

    // MARK: Server side

    /// Runs `handler` for this call in a task of its own, and waits for it. Cancelling the
    /// waiting task (the server stopping) ends the call with UNAVAILABLE.
    func serve(with handler: @escaping @Sendable (StreamingServerRequest, ServerContext) async -> StreamingServerResponse) async {
        // A call cancelled while it waited for the server never reaches the handler.
        guard !tasks.withLock({ $0.completed }) else { return }
        let task = Task { await self.run(handler) }
        if !store(\.handler, task) { task.cancel() }
        await withTaskCancellationHandler {
            await task.value
        } onCancel: {
            self.terminate(RPCError(code: .unavailable, message: "the server stopped before \(self.context.descriptor) finished"))
        }
    }

    private func run(_ handler: @Sendable (StreamingServerRequest, ServerContext) async -> StreamingServerResponse) async {
        let requests = self.requests
        let request = StreamingServerRequest(
            metadata: metadata,
            messages: RPCAsyncSequence(makeNext: { { try await requests.next() } })
        )
        let response = await handler(request, context)
        switch response.accepted {
        case .failure(let error):
            responses.finish(throwing: error)
        case .success(let contents):
            let responses = self.responses
            do {
                try await responses.write(.headers(contents.metadata))
                let trailers = try await contents.producer(RPCWriter { message in
                    try await responses.write(.message(message))
                })
                try await responses.write(.trailers(trailers))
                responses.finish()
            } catch {
                responses.finish(throwing: RPCError(from: error))
            }
        }
        complete()
    }

    // MARK: Ending

    /// Ends the call at once with `error` for both sides, unless it has already ended; cancels the
    /// server handler.
    func terminate(_ error: RPCError) {
        guard responses.abort(error) else { return }
        requests.abort(error)
        complete(cancellingHandler: true)
    }

    /// Marks the call complete (once): stops the producer and the timer (and the handler, when
    /// asked), leaves the hub. A task stored after this is cancelled by ``store(_:_:)``, so no
    /// task escapes cancellation whatever the interleaving.
    private func complete(cancellingHandler: Bool = false) {
        let finished: Tasks? = tasks.withLock { tasks in
            guard !tasks.completed else { return nil }
            tasks.completed = true
            let taken = tasks
            tasks.handler = nil
            tasks.producer = nil
            tasks.timer = nil
            return taken
        }
        guard let finished else { return }
        // Whatever the server did not read is of no use any more.
        requests.abort(RPCError(code: .cancelled, message: "\(context.descriptor) has already ended"))
        if cancellingHandler { finished.handler?.cancel() }
        finished.producer?.cancel()
        finished.timer?.cancel()
        onComplete(id)
    }

    /// Stores a task unless the call is complete; returns whether it was stored.
    private func store(_ keyPath: WritableKeyPath<Tasks, Task<Void, Never>?> & Sendable, _ task: Task<Void, Never>) -> Bool {
        tasks.withLock { tasks in
            guard !tasks.completed else { return false }
            tasks[keyPath: keyPath] = task
            return true
        }
    }
}

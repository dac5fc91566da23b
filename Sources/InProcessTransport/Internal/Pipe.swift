import RPCCore
import Synchronization

/// A bounded, single-reader channel between the two ends of an in-process call.
///
/// Writers suspend while `capacity` elements are buffered (backpressure). `finish` ends the
/// stream after the buffered elements; `abort` ends it at once, dropping them. Waiting readers and
/// writers are resumed with `CancellationError` when their task is cancelled.
final class Pipe<Element: Sendable>: Sendable {
    private enum End {
        case finished
        case failed(any Error)
    }

    private struct Writer {
        var id: UInt64
        var element: Element
        var continuation: CheckedContinuation<Void, any Error>
    }

    private struct State {
        var buffer: [Element] = []
        var reader: (id: UInt64, continuation: CheckedContinuation<Element?, any Error>)?
        var writers: [Writer] = []
        var end: End?
        var nextID: UInt64 = 0

        mutating func makeID() -> UInt64 {
            nextID += 1
            return nextID
        }

        var writeError: (any Error)? {
            switch end {
            case nil: nil
            case .finished: RPCError(code: .internal, message: "the message stream has already ended")
            case .failed(let error): error
            }
        }
    }

    private enum WriteStep {
        case done
        case deliver(CheckedContinuation<Element?, any Error>)
        case fail(any Error)
        case wait
    }

    private enum ReadStep {
        case element(Element, admitted: CheckedContinuation<Void, any Error>?)
        case end
        case failure(any Error)
        case suspended
    }

    private let capacity: Int
    private let state = Mutex(State())

    init(capacity: Int) {
        precondition(capacity >= 1)
        self.capacity = capacity
    }

    // MARK: Writing

    /// Appends an element; suspends while the buffer is full. Throws the abort error, or
    /// `CancellationError` when the writing task is cancelled while waiting.
    func write(_ element: Element) async throws {
        // Fast path: room in the buffer, or a reader waiting.
        let fast: WriteStep = state.withLock { state in
            if let error = state.writeError { return .fail(error) }
            if let reader = state.reader {
                state.reader = nil
                return .deliver(reader.continuation)
            }
            if state.buffer.count < capacity {
                state.buffer.append(element)
                return .done
            }
            return .wait
        }
        switch fast {
        case .done: return
        case .deliver(let reader): reader.resume(returning: element); return
        case .fail(let error): throw error
        case .wait: break
        }

        let id = state.withLock { $0.makeID() }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let step: WriteStep = state.withLock { state in
                    if let error = state.writeError { return .fail(error) }
                    if Task.isCancelled { return .fail(CancellationError()) }
                    if let reader = state.reader {
                        state.reader = nil
                        return .deliver(reader.continuation)
                    }
                    if state.buffer.count < capacity {
                        state.buffer.append(element)
                        return .done
                    }
                    state.writers.append(Writer(id: id, element: element, continuation: continuation))
                    return .wait
                }
                switch step {
                case .done: continuation.resume()
                case .deliver(let reader):
                    reader.resume(returning: element)
                    continuation.resume()
                case .fail(let error): continuation.resume(throwing: error)
                case .wait: break
                }
            }
        } onCancel: {
            let writer: Writer? = state.withLock { state in
                guard let index = state.writers.firstIndex(where: { $0.id == id }) else { return nil }
                return state.writers.remove(at: index)
            }
            writer?.continuation.resume(throwing: CancellationError())
        }
    }

    // MARK: Reading

    /// The next element; `nil` after `finish` once the buffer is empty. Throws the error the
    /// stream ended with, or `CancellationError` when the reading task is cancelled while waiting.
    func next() async throws -> Element? {
        switch state.withLock({ Self.read(&$0, capacity: capacity) }) {
        case .element(let element, let admitted):
            admitted?.resume()
            return element
        case .end: return nil
        case .failure(let error): throw error
        case .suspended: break
        }

        let id = state.withLock { $0.makeID() }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Element?, any Error>) in
                let step: ReadStep = state.withLock { state in
                    let step = Self.read(&state, capacity: capacity)
                    guard case .suspended = step else { return step }
                    if Task.isCancelled { return .failure(CancellationError()) }
                    if state.reader != nil {
                        return .failure(RPCError(code: .internal, message: "a message stream was read by two tasks at once"))
                    }
                    state.reader = (id, continuation)
                    return .suspended
                }
                switch step {
                case .element(let element, let admitted):
                    admitted?.resume()
                    continuation.resume(returning: element)
                case .end: continuation.resume(returning: nil)
                case .failure(let error): continuation.resume(throwing: error)
                case .suspended: break
                }
            }
        } onCancel: {
            let reader: CheckedContinuation<Element?, any Error>? = state.withLock { state in
                guard let reader = state.reader, reader.id == id else { return nil }
                state.reader = nil
                return reader.continuation
            }
            reader?.resume(throwing: CancellationError())
        }
    }

    private static func read(_ state: inout State, capacity: Int) -> ReadStep {
        if !state.buffer.isEmpty {
            let element = state.buffer.removeFirst()
            var admitted: CheckedContinuation<Void, any Error>?
            if !state.writers.isEmpty && state.buffer.count < capacity {
                let writer = state.writers.removeFirst()
                state.buffer.append(writer.element)
                admitted = writer.continuation
            }
            return .element(element, admitted: admitted)
        }
        switch state.end {
        case nil: return .suspended
        case .finished: return .end
        case .failed(let error): return .failure(error)
        }
    }

    // MARK: Ending

    /// Ends the stream after the buffered elements, normally or with `error`. Returns `false`
    /// when it had already ended.
    @discardableResult
    func finish(throwing error: (any Error)? = nil) -> Bool {
        let (took, reader, writers): (Bool, CheckedContinuation<Element?, any Error>?, [Writer]) = state.withLock { state in
            guard state.end == nil else { return (false, nil, []) }
            state.end = error.map { .failed($0) } ?? .finished
            let reader = state.buffer.isEmpty ? state.reader?.continuation : nil
            if reader != nil { state.reader = nil }
            let writers = state.writers
            state.writers = []
            return (true, reader, writers)
        }
        if let reader {
            if let error { reader.resume(throwing: error) } else { reader.resume(returning: nil) }
        }
        let writeError = error ?? RPCError(code: .internal, message: "the message stream has already ended")
        for writer in writers { writer.continuation.resume(throwing: writeError) }
        return took
    }

    /// Ends the stream at once with `error`, dropping buffered elements. Returns `false` (and does
    /// nothing) when it had already ended.
    @discardableResult
    func abort(_ error: any Error) -> Bool {
        let (took, reader, writers): (Bool, CheckedContinuation<Element?, any Error>?, [Writer]) = state.withLock { state in
            guard state.end == nil else { return (false, nil, []) }
            state.end = .failed(error)
            state.buffer.removeAll()
            let reader = state.reader?.continuation
            state.reader = nil
            let writers = state.writers
            state.writers = []
            return (true, reader, writers)
        }
        reader?.resume(throwing: error)
        for writer in writers { writer.continuation.resume(throwing: error) }
        return took
    }
}

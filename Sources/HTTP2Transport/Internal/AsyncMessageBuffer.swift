import RPCCore
import Synchronization

/// An unbounded single-consumer queue bridging the event loop (producer) to an async iterator.
final class AsyncMessageBuffer<Element: Sendable>: Sendable {
    private struct State {
        /// The oldest buffered element, kept out of `items` so that a stream that never holds
        /// more than one at a time (a unary call's message or trailers) needs no array storage.
        var first: Element?
        /// Buffered elements after `first`.
        var items: [Element] = []
        var head = 0
        /// Set once: `nil` error means a clean end.
        var ended = false
        var error: (any Error)?
        var waiter: CheckedContinuation<Element?, any Error>?
    }

    private let state = Mutex(State())

    /// Whether the buffer has been ended (cleanly or with an error).
    var isEnded: Bool { state.withLock { $0.ended } }

    /// Adds an element; ignored once ended.
    func push(_ element: Element) {
        let waiter = state.withLock { state -> CheckedContinuation<Element?, any Error>? in
            guard !state.ended else { return nil }
            if let waiter = state.waiter {
                state.waiter = nil
                return waiter
            }
            if state.first == nil && state.head == state.items.count {
                state.first = element
            } else {
                state.items.append(element)
            }
            return nil
        }
        waiter?.resume(returning: element)
    }

    /// Ends the sequence after the buffered elements, with `error` if given. With `discardBuffered`
    /// the error is thrown at once. Later calls are ignored.
    func finish(throwing error: (any Error)? = nil, discardBuffered: Bool = false) {
        let waiter = state.withLock { state -> CheckedContinuation<Element?, any Error>? in
            guard !state.ended else { return nil }
            state.ended = true
            state.error = error
            if discardBuffered {
                state.first = nil
                state.items.removeAll()
                state.head = 0
            }
            defer { state.waiter = nil }
            return state.waiter
        }
        if let waiter {
            if let error { waiter.resume(throwing: error) } else { waiter.resume(returning: nil) }
        }
    }

    /// Ends the sequence with the error `makeError` builds, discarding buffered elements, as
    /// `finish(throwing:discardBuffered: true)`; `makeError` runs only if the sequence had not
    /// ended yet (usually it has: no error is built for a call that completed). Should another
    /// end come in between, the error was built for nothing and is ignored.
    func finish(discardingBufferedWithError makeError: () -> any Error) {
        guard !isEnded else { return }
        finish(throwing: makeError(), discardBuffered: true)
    }

    /// The next element; `nil` at a clean end. `onCancel` runs if the waiting task is cancelled.
    /// It does not escape (the cancellation handler's closure does not), so callers build it on
    /// the stack: no allocation per element.
    func next(onCancel: @Sendable () -> Void) async throws -> Element? {
        // Fast path: an element or the end is already here (a unary request's message usually
        // is), so no continuation or cancellation handler is needed. A cancelled task takes the
        // slow path, where `onCancel` runs at once, as before.
        if !Task.isCancelled, let outcome = state.withLock({ Self.takeReady(&$0) }) {
            return try outcome.get()
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Element?, any Error>) in
                let outcome = state.withLock { state -> Result<Element?, any Error>? in
                    if let ready = Self.takeReady(&state) { return ready }
                    state.waiter = continuation
                    return nil
                }
                if let outcome { continuation.resume(with: outcome) }
            }
        } onCancel: {
            onCancel()
        }
    }

    /// The next buffered element, or the end; `nil` if the reader must wait.
    private static func takeReady(_ state: inout State) -> Result<Element?, any Error>? {
        if let element = state.first {
            state.first = nil
            return .success(element)
        }
        if state.head < state.items.count {
            let element = state.items[state.head]
            state.head += 1
            if state.head == state.items.count {
                state.items.removeAll(keepingCapacity: true)
                state.head = 0
            }
            return .success(element)
        }
        if state.ended {
            if let error = state.error { return .failure(error) }
            return .success(nil)
        }
        return nil
    }
}

/// Body bytes waiting for nghttp2's data provider, and who waits for room (backpressure).
struct OutboundBuffer {
    /// Writers wait once this many bytes are queued.
    static let highWaterMark = 256 * 1024

    private var bytes: [UInt8] = []
    private var offset = 0
    /// No more bytes will come.
    var ended = false
    /// The data provider returned DEFERRED and must be resumed when bytes arrive.
    var deferred = false
    var waiters: [CheckedContinuation<Void, any Error>] = []

    var count: Int { bytes.count - offset }
    var hasRoom: Bool { count < Self.highWaterMark }

    mutating func append(_ more: [UInt8]) {
        if offset > 0 && offset == bytes.count {
            bytes.removeAll(keepingCapacity: true)
            offset = 0
        }
        // Nothing queued and no storage yet (a unary response's one message): take the
        // message's own storage instead of allocating a copy.
        if bytes.capacity == 0 && offset == 0 {
            bytes = more
            return
        }
        bytes.append(contentsOf: more)
    }

    /// Queues `more` for a writer; `waiter`, the writer if it waits for room, resumes now if
    /// there is room, else once the data provider has taken enough.
    mutating func append(_ more: [UInt8], waiter: CheckedContinuation<Void, any Error>?) {
        append(more)
        guard let waiter else { return }
        if hasRoom {
            waiter.resume()
        } else {
            waiters.append(waiter)
        }
    }

    /// Copies up to `buffer.count` bytes into `buffer`.
    mutating func read(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        let length = min(buffer.count, count)
        guard length > 0 else { return 0 }
        bytes.withUnsafeBytes { raw in
            buffer.baseAddress!.copyMemory(from: raw.baseAddress! + offset, byteCount: length)
        }
        offset += length
        if offset == bytes.count {
            bytes.removeAll(keepingCapacity: bytes.count <= Self.highWaterMark * 2)
            offset = 0
        } else if offset > Self.highWaterMark {
            bytes.removeFirst(offset)
            offset = 0
        }
        return length
    }

    /// Resumes writers if there is room.
    mutating func takeWaitersIfRoom() -> [CheckedContinuation<Void, any Error>] {
        guard hasRoom, !waiters.isEmpty else { return [] }
        defer { waiters = [] }
        return waiters
    }

    /// Whether writers wait for room.
    var hasWaiters: Bool { !waiters.isEmpty }

    mutating func failWaiters(_ error: any Error) {
        let pending = waiters
        waiters = []
        for waiter in pending { waiter.resume(throwing: error) }
    }
}

/// Receive-side flow control for one stream. The connection window is returned to the peer at
/// once; the stream window too, until more than `highWaterMark` bytes of complete messages wait
/// unread. Then received bytes are held back (the peer soon stops sending) until the reader has
/// caught up to half of that. Partial messages never hold the window, so a message larger than
/// the window still arrives.
struct ReceiveWindow {
    static let highWaterMark = 256 * 1024

    /// Bytes of complete messages delivered to the reader and not yet read.
    private(set) var queuedBytes = 0
    /// Received bytes not yet returned to the peer's stream window.
    private(set) var heldBytes = 0

    /// `count` bytes arrived, completing messages of `messageBytes` (prefixes included).
    /// Returns the bytes to consume now.
    mutating func received(_ count: Int, messageBytes: Int) -> Int {
        queuedBytes += messageBytes
        if queuedBytes > Self.highWaterMark {
            heldBytes += count
            return 0
        }
        return count
    }

    /// The reader took a message of `size` bytes (prefix included). Returns held bytes to release.
    mutating func read(_ size: Int) -> Int {
        queuedBytes = max(0, queuedBytes - size)
        guard queuedBytes <= Self.highWaterMark / 2, heldBytes > 0 else { return 0 }
        defer { heldBytes = 0 }
        return heldBytes
    }
}

/// The writer's view of a message stream: bytes it handed to the loop that nghttp2 has not
/// taken yet (for backpressure), and whether writing is over: `isEnded` for a server response,
/// `refusal` for a client request, whose writer must learn why (or `isEnded` once the call
/// succeeded: the writer's error is then built only if it writes).
struct WriteGate {
    var unsentBytes = 0
    var isEnded = false
    var refusal: RPCError?

    /// Counts `count` more bytes handed to the loop; returns whether the writer must wait for
    /// room (too much is unsent).
    mutating func add(_ count: Int) -> Bool {
        unsentBytes += count
        return unsentBytes >= OutboundBuffer.highWaterMark
    }
}

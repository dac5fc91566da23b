import RPCCore
import Synchronization

/// Keeps a call's request messages, as its first attempt writes them, so that later attempts can
/// replay them without running the caller's producer again. Holds at most `limit` bytes; a larger
/// request overflows it, which commits the call (no more attempts).
final class ReplayBuffer: Sendable {
    private struct State {
        var messages: [[UInt8]] = []
        var bytes = 0
        var recording = false
        var complete = false
        var overflowed = false
    }

    let limit: Int
    /// The caller's producer (replayable by contract). Held here so that the producers this
    /// buffer hands out capture only the buffer: no closure context to allocate per call.
    private let original: @Sendable (RPCWriter<[UInt8]>) async throws -> Void
    private let state = Mutex(State())

    init(limit: Int, original: @escaping @Sendable (RPCWriter<[UInt8]>) async throws -> Void) {
        self.limit = limit
        self.original = original
    }

    /// Whether the request outgrew the buffer: the call is committed to the attempt sending it.
    var overflowed: Bool { state.withLock { $0.overflowed } }

    /// The producer for the next attempt: the buffered messages when the whole request has been
    /// recorded, else the caller's producer (replayable by contract), recorded by the first
    /// attempt to run it and counted against the limit by every attempt.
    func producer() -> @Sendable (RPCWriter<[UInt8]>) async throws -> Void {
        enum Plan { case replay([[UInt8]]), record, count }
        let plan = state.withLock { state -> Plan in
            if state.complete { return .replay(state.messages) }
            if state.recording { return .count }
            state.recording = true
            return .record
        }
        switch plan {
        case .replay(let messages):
            return { writer in try await writer.write(contentsOf: messages) }
        case .record:
            return { [self] writer in try await recordingRun(writer) }
        case .count:
            return { [self] writer in try await countingRun(writer) }
        }
    }

    /// Runs the caller's producer, recording what it writes.
    private func recordingRun(_ writer: RPCWriter<[UInt8]>) async throws {
        try await original(RPCWriter { message in
            self.record(message)
            try await writer.write(message)
        })
        state.withLock { if !$0.overflowed { $0.complete = true } }
    }

    /// Runs the caller's producer again (the first run has not finished recording), counting
    /// what it writes against the limit.
    private func countingRun(_ writer: RPCWriter<[UInt8]>) async throws {
        let sent = Mutex(0)
        try await original(RPCWriter { message in
            let total = sent.withLock { sent in
                sent += message.count
                return sent
            }
            if total > self.limit { self.state.withLock { $0.overflowed = true } }
            try await writer.write(message)
        })
    }

    private func record(_ message: [UInt8]) {
        state.withLock { state in
            guard !state.overflowed else { return }
            state.bytes += message.count
            if state.bytes > limit {
                state.overflowed = true
                state.messages = []
            } else {
                state.messages.append(message)
            }
        }
    }
}

@testable import InProcessTransport
import RPCCore
import Testing

@Suite("Pipe", .timeLimit(.minutes(1)))
struct PipeTests {
    @Test func deliversInOrderThenEnds() async throws {
        let pipe = Pipe<Int>(capacity: 2)
        try await pipe.write(1)
        try await pipe.write(2)
        #expect(pipe.finish())
        #expect(!pipe.finish())
        #expect(try await pipe.next() == 1)
        #expect(try await pipe.next() == 2)
        #expect(try await pipe.next() == nil)
        #expect(try await pipe.next() == nil)
    }

    @Test func fullBufferMakesTheWriterWaitForTheReader() async throws {
        let pipe = Pipe<Int>(capacity: 1)
        let writer = Task {
            for i in 0..<100 { try await pipe.write(i) }
            pipe.finish()
        }
        var received: [Int] = []
        while let value = try await pipe.next() { received.append(value) }
        try await writer.value
        #expect(received == Array(0..<100))
    }

    @Test func finishWithErrorAfterBufferedElements() async throws {
        let pipe = Pipe<Int>(capacity: 4)
        try await pipe.write(7)
        pipe.finish(throwing: RPCError(code: .dataLoss, message: "gone"))
        #expect(try await pipe.next() == 7)
        let error = await #expect(throws: RPCError.self) { try await pipe.next() }
        #expect(error?.code == .dataLoss)
    }

    @Test func abortDropsBufferedElementsAndFailsWriters() async throws {
        let pipe = Pipe<Int>(capacity: 1)
        try await pipe.write(1)
        #expect(pipe.abort(RPCError(code: .cancelled, message: "stop")))
        #expect(!pipe.abort(RPCError(code: .internal, message: "again")))
        let readError = await #expect(throws: RPCError.self) { try await pipe.next() }
        #expect(readError?.code == .cancelled)
        let writeError = await #expect(throws: RPCError.self) { try await pipe.write(2) }
        #expect(writeError?.code == .cancelled)
    }

    @Test func abortResumesAWaitingReader() async throws {
        let pipe = Pipe<Int>(capacity: 1)
        let reader = Task { try await pipe.next() }
        pipe.abort(RPCError(code: .unavailable, message: "closed"))
        let error = await #expect(throws: RPCError.self) { try await reader.value }
        #expect(error?.code == .unavailable)
    }

    @Test func abortAfterFinishDoesNothing() async throws {
        let pipe = Pipe<Int>(capacity: 1)
        try await pipe.write(1)
        pipe.finish()
        #expect(!pipe.abort(RPCError(code: .cancelled, message: "late")))
        #expect(try await pipe.next() == 1)
        #expect(try await pipe.next() == nil)
    }

    @Test func cancellingAWaitingReaderThrowsCancellationError() async throws {
        let pipe = Pipe<Int>(capacity: 1)
        let reader = Task { try await pipe.next() }
        reader.cancel()
        await #expect(throws: CancellationError.self) { try await reader.value }
        // The pipe still works for a new reader.
        try await pipe.write(5)
        #expect(try await pipe.next() == 5)
    }

    @Test func cancellingAWaitingWriterThrowsCancellationError() async throws {
        let pipe = Pipe<Int>(capacity: 1)
        try await pipe.write(1)
        let writer = Task { try await pipe.write(2) }
        writer.cancel()
        await #expect(throws: CancellationError.self) { try await writer.value }
        #expect(try await pipe.next() == 1)
        pipe.finish()
        #expect(try await pipe.next() == nil)
    }
}
